"""Writes for follow-ups. For now: evaluating promises to pay against payments.

Rules (``promise_evaluate``):

- Payments a debtor made on or after the day a promise was made count toward
  it, oldest first, and fill its instalments in order. When one debtor has
  several open promises, the oldest promise takes the money first; a payment
  is never counted twice.
- An instalment is **kept** when its paid amount reaches its amount, with a
  tolerance of 1 % or 1.00 of the currency, whichever is smaller (bank charges,
  rounding); **partly kept** when some money came but not enough and its due
  date has passed; **broken** when nothing came and ``grace_days()`` after its due
  date have passed; else **pending**.
- The promise is **kept** when every instalment is kept; **partly kept** when
  any money came but not all instalments are kept; **broken** when an instalment
  is broken and no money came at all; else **pending**. ``kept_amount`` is the
  money counted toward its instalments.

Only pending and partly kept promises are evaluated; kept, broken and
cancelled ones are final.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import AuditEvent
from collections_crm.lib.money import ZERO
from debtors.models import Payment

from .models import Instalment, PromiseToPay

# Days after an instalment's due date before an unpaid instalment is broken:
# bank transfers take a day or two to arrive, and we do not call people who
# paid on time to tell them they broke their promise.
GRACE_DAYS = 2  # the default; PROMISE_GRACE_DAYS in the environment changes it


def grace_days() -> int:
    return getattr(settings, "PROMISE_GRACE_DAYS", GRACE_DAYS)


TOLERANCE_RATE = Decimal("0.01")
TOLERANCE_CAP = Decimal("1.00")
EVALUATED = (PromiseToPay.Status.PENDING, PromiseToPay.Status.PARTLY_KEPT)
DEBTOR_CHUNK = 1000


def _tolerance(amount: Decimal) -> Decimal:
    return min(amount * TOLERANCE_RATE, TOLERANCE_CAP)


def instalment_status(
    *, amount: Decimal, paid: Decimal, due_date: datetime.date, today: datetime.date
) -> str:
    if paid >= amount - _tolerance(amount):
        return Instalment.Status.KEPT
    if paid > 0:
        return Instalment.Status.PARTLY_KEPT if due_date < today else Instalment.Status.PENDING
    if due_date + datetime.timedelta(days=grace_days()) < today:
        return Instalment.Status.BROKEN
    return Instalment.Status.PENDING


def _promise_status(promise: PromiseToPay, instalments: list[Instalment], paid: Decimal) -> str:
    if instalments:
        statuses = {i.status for i in instalments}
        if statuses == {Instalment.Status.KEPT}:
            return PromiseToPay.Status.KEPT
        if paid > 0:
            return PromiseToPay.Status.PARTLY_KEPT
        if Instalment.Status.BROKEN in statuses:
            return PromiseToPay.Status.BROKEN
        return PromiseToPay.Status.PENDING
    # A promise without instalments has no date to break; only money settles it.
    if paid >= promise.total_amount - _tolerance(promise.total_amount):
        return PromiseToPay.Status.KEPT
    return PromiseToPay.Status.PARTLY_KEPT if paid > 0 else PromiseToPay.Status.PENDING


def _made_on(promise: PromiseToPay) -> datetime.date:
    return timezone.localdate(promise.created_at)


def _promises_open(debtor_ids: list[int]) -> list[PromiseToPay]:
    """The debtors' promises still to evaluate, locked, oldest first per
    debtor, instalments in order."""
    return list(
        PromiseToPay.objects.select_for_update(of=("self",))
        .select_related("debtor", "contact")
        .filter(debtor_id__in=debtor_ids, status__in=EVALUATED)
        .order_by("debtor_id", "created_at", "id")
        .prefetch_related(
            Prefetch("instalments", queryset=Instalment.objects.order_by("sequence", "id"))
        )
    )


def _payment_pools(promises: list[PromiseToPay]) -> dict[int, list[list]]:
    """debtor -> [[received_on, amount not yet counted]], oldest first, from
    the day the oldest of these promises was made."""
    since = min(_made_on(p) for p in promises)
    payments: dict[int, list[list]] = defaultdict(list)
    rows = (
        Payment.objects.filter(
            debtor_id__in={p.debtor_id for p in promises}, received_on__gte=since
        )
        .order_by("received_on", "id")
        .values_list("debtor_id", "received_on", "amount")
    )
    for debtor_id, received_on, amount in rows:
        payments[debtor_id].append([received_on, amount])
    return payments


def _pool_take(pool: list[list], amount: Decimal) -> None:
    """Take the counted money out of the pool, oldest payment first."""
    left = amount
    for entry in pool:
        take = min(entry[1], left)
        entry[1] -= take
        left -= take


def _instalments_fill(
    instalments: list[Instalment], money: Decimal, today: datetime.date
) -> list[Instalment]:
    """Spread the counted money over the instalments in order; the ones whose
    paid amount or status changed."""
    changed = []
    for instalment in instalments:
        paid = min(instalment.amount, money)
        money -= paid
        status = instalment_status(
            amount=instalment.amount, paid=paid, due_date=instalment.due_date, today=today
        )
        if (instalment.paid_amount, instalment.status) != (paid, status):
            instalment.paid_amount, instalment.status = paid, status
            changed.append(instalment)
    return changed


@dataclass
class _Evaluation:
    """What one evaluation pass changes; written in bulk at the end."""

    now: datetime.datetime
    today: datetime.date
    instalments: list[Instalment] = field(default_factory=list)
    promises: list[PromiseToPay] = field(default_factory=list)
    transitions: list[tuple[PromiseToPay, str, str]] = field(default_factory=list)
    audits: list[AuditEvent] = field(default_factory=list)


def _promise_judge(promise: PromiseToPay, pool: list[list], result: _Evaluation) -> str:
    """Count this promise's money out of the debtor's pool and set its status."""
    made_on = _made_on(promise)
    pool = [p for p in pool if p[0] >= made_on]
    available = sum((p[1] for p in pool), ZERO)
    instalments = list(promise.instalments.all())
    target = sum((i.amount for i in instalments), ZERO) or promise.total_amount
    counted = min(available, target)
    _pool_take(pool, counted)
    result.instalments += _instalments_fill(instalments, counted, result.today)
    before = {"status": promise.status, "kept_amount": str(promise.kept_amount)}
    status = _promise_status(promise, instalments, counted)
    promise.status, promise.kept_amount, promise.evaluated_at = status, counted, result.now
    result.promises.append(promise)
    after = {"status": promise.status, "kept_amount": str(promise.kept_amount)}
    if after["status"] != before["status"]:
        result.transitions.append((promise, before["status"], after["status"]))
    if after != before:
        result.audits.append(
            AuditEvent(
                actor=None,
                action="promise.evaluate",
                target_type=PromiseToPay._meta.label_lower,
                target_id=promise.public_id,
                before=before,
                after=after,
            )
        )
    return status


@transaction.atomic
def promise_evaluate(
    *, debtor_ids: Iterable[int], today: datetime.date | None = None
) -> dict[str, int]:
    """Re-evaluate the open promises of these debtors against their payments.

    A fixed number of queries whatever the number of promises: promises (with
    their instalments prefetched), payments, two bulk updates and one audit
    insert. Returns how many promises ended in each status.
    """
    today = today or timezone.localdate()
    ids = sorted({pk for pk in debtor_ids if pk is not None})
    outcome: dict[str, int] = defaultdict(int)
    promises = _promises_open(ids) if ids else []
    if not promises:
        return dict(outcome)
    payments = _payment_pools(promises)
    result = _Evaluation(now=timezone.now(), today=today)
    for promise in promises:
        outcome[_promise_judge(promise, payments[promise.debtor_id], result)] += 1
    Instalment.objects.bulk_update(result.instalments, ["paid_amount", "status"])
    PromiseToPay.objects.bulk_update(result.promises, ["status", "kept_amount", "evaluated_at"])
    AuditEvent.objects.bulk_create(result.audits)
    if result.transitions:
        from .events import on_promise_outcomes  # events builds on this module

        on_promise_outcomes(changes=result.transitions, now=result.now)
    return dict(outcome)


def promise_evaluate_due(*, today: datetime.date | None = None) -> dict[str, int]:
    """Nightly: evaluate every open promise with an instalment due up to today
    (so promises with no payment become broken once the grace days pass).
    Works through the debtors in chunks, one transaction each."""
    today = today or timezone.localdate()
    debtor_ids = list(
        PromiseToPay.objects.filter(status__in=EVALUATED, instalments__due_date__lte=today)
        .values_list("debtor_id", flat=True)
        .distinct()
        .order_by("debtor_id")
    )
    total: dict[str, int] = defaultdict(int)
    for start in range(0, len(debtor_ids), DEBTOR_CHUNK):
        chunk = debtor_ids[start : start + DEBTOR_CHUNK]
        for status, n in promise_evaluate(debtor_ids=chunk, today=today).items():
            total[status] += n
    return dict(total)


@transaction.atomic
def followup_override_policy(*, actor, followup, reason: str):
    """A manager lifts the contact caps for this one attempt, with a reason.
    Do not contact, cease, opt-outs, a dispute pause and the lawful hours
    still hold (see followups.policy.OVERRIDABLE)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from accounts.services import audit_record

    from .models import FollowUp

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the limits may be lifted this once.")})
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if followup.status not in (FollowUp.Status.SCHEDULED, FollowUp.Status.FAILED):
        raise ValidationError(_("Only a follow-up still to do can be changed."))
    followup.policy_override_by = actor
    followup.policy_override_reason = reason
    followup.save(update_fields=["policy_override_by", "policy_override_reason"])
    audit_record(
        actor=actor,
        action="followup.override_policy",
        target=followup,
        after={"reason": reason},
    )
    return followup
