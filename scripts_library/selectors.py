"""Reads for the script library: which track to use, objection answers, version
history and diffs, and the render context for a debtor."""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import hashlib
from decimal import Decimal

from django.conf import settings
from django.db.models import FilteredRelation, Q, QuerySet
from django.utils import timezone

from accounts.models import Language, User
from debtors.models import Contact, Debtor, DebtorType, Invoice

from .facts import facts_compute
from .models import Objection, ObjectionResponse, PublicationStatus, Stage, TalkTrack
from .rendering import MAX_INVOICE_NUMBERS, RenderContext, body_needs, track_fits

LANGUAGES = tuple(Language.values)


def _language_chain(language: str) -> list[str]:
    """The asked language first, then the others we support (zh-hans <-> en)."""
    language = language if language in LANGUAGES else Language.EN
    return [language] + [other for other in LANGUAGES if other != language]


def _type_chain(debtor_type: str) -> list[str]:
    if debtor_type == DebtorType.UNKNOWN or debtor_type not in DebtorType.values:
        return [DebtorType.UNKNOWN]
    return [debtor_type, DebtorType.UNKNOWN]


def ab_bucket(*, subject: str, key: str, size: int) -> int:
    """A stable bucket in [0, size) for one debtor and one track family. The
    same debtor always hears the same variant; sha256 keeps it stable across
    processes and releases (unlike hash())."""
    digest = hashlib.sha256(f"{subject}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % max(size, 1)


def track_select(
    *,
    debtor_type: str,
    stage: str,
    channel: str | None = None,
    language: str,
    ab_subject: str | None = None,
    published: list[TalkTrack] | None = None,
    context: RenderContext | None = None,
    strict: bool = True,
) -> TalkTrack | None:
    """The best published track. Tries the debtor's type, then the neutral
    "unknown" type, in the asked language, then the other language; and only
    then ignores the channel. With two published versions of a family (an A/B
    test) the debtor's `ab_subject` (their public_id) picks one, stably.

    With a render `context`, only tracks that fit it count (every fact they
    need is true and every value they name is known; see rendering.text_fits),
    and of several families the one that says the most (needs the most facts)
    wins: a broken-promise text over the plain reminder, when there is one.
    Without a context the family that claims the least is used. Not `strict`
    (a script a collector reads, not a message): only the facts must hold, a
    value the file lacks (no open balance yet) does not rule a script out."""
    # One query for the stage (a few dozen rows at most); the fallback walk
    # happens in memory.
    if published is None:
        published = list(published_tracks(stages=[stage]))
    else:  # a caller that selects many times (a batch of reminders) loads them once
        published = [t for t in published if t.stage == stage]
    channels = [channel, None] if channel else [None]
    for wanted_channel in channels:
        for lang in _language_chain(language):
            for debtor_type_ in _type_chain(debtor_type):
                candidates = [
                    t
                    for t in published
                    if t.language == lang
                    and t.debtor_type == debtor_type_
                    and (not wanted_channel or t.channel == wanted_channel)
                    and (context is None or _fits(t, context, strict))
                ]
                if candidates:
                    return _pick_variant(candidates, ab_subject, richest=context is not None)
    return None


def _fits(track: TalkTrack, context: RenderContext, strict: bool) -> bool:
    if strict:
        return track_fits(track, context)
    return context.facts.meets(body_needs(track.body))


def published_tracks(*, stages) -> QuerySet[TalkTrack]:
    """Published tracks of these stages in the order ``track_select`` walks them."""
    return TalkTrack.objects.filter(
        status=PublicationStatus.PUBLISHED, stage__in=list(stages)
    ).order_by("key", "version")


def _pick_variant(
    candidates: list[TalkTrack], ab_subject: str | None, *, richest: bool = False
) -> TalkTrack:
    # Knowing the facts, the family that says the most; not knowing them, the
    # one that claims the least. Among equals, the first key.
    sizes = [len(body_needs(t.body)) for t in candidates]
    wanted = max(sizes) if richest else min(sizes)
    key = next(t.key for t, size in zip(candidates, sizes, strict=True) if size == wanted)
    family = [t for t in candidates if t.key == key]
    if len(family) == 1 or not ab_subject:
        return family[-1]
    return family[ab_bucket(subject=str(ab_subject), key=key, size=len(family))]


@dataclasses.dataclass(frozen=True)
class ObjectionAnswer:
    objection: Objection
    response: ObjectionResponse | None
    language: str

    @property
    def title(self) -> str:
        if self.language == Language.ZH_HANS:
            return self.objection.title_zh_hans
        return self.objection.title_en


def objection_responses_for(*, debtor_type: str, language: str) -> list[ObjectionAnswer]:
    """For every objection, the best published answer for this type and
    language, with the same fallback chain as tracks. One query: each objection
    joined to its published answers of the types in the chain (or to nothing)."""
    types = _type_chain(debtor_type)
    published = FilteredRelation(
        "responses",
        condition=Q(
            responses__status=PublicationStatus.PUBLISHED, responses__debtor_type__in=types
        ),
    )
    objection_fields = [f.attname for f in Objection._meta.concrete_fields]
    response_fields = [f.attname for f in ObjectionResponse._meta.concrete_fields]
    rows = (
        Objection.objects.annotate(published=published)
        .order_by("order", "code", "-published__version")
        .values_list(*objection_fields, *(f"published__{name}" for name in response_fields))
    )
    objections: dict[int, Objection] = {}
    responses: dict[int, list[ObjectionResponse]] = {}
    split = len(objection_fields)
    for row in rows:
        objection = objections.get(row[0])
        if objection is None:
            objection = Objection.from_db(rows.db, objection_fields, row[:split])
            objections[objection.pk] = objection
            responses[objection.pk] = []
        if row[split] is not None:
            response = ObjectionResponse.from_db(rows.db, response_fields, row[split:])
            response.objection = objection
            responses[objection.pk].append(response)
    ranked = [(lang, t) for lang in _language_chain(language) for t in types]
    answers = []
    for objection in objections.values():
        mine = responses[objection.pk]  # newest version first
        best = None
        for lang, debtor_type_ in ranked:
            best = next(
                (r for r in mine if r.language == lang and r.debtor_type == debtor_type_), None
            )
            if best:
                break
        answers.append(ObjectionAnswer(objection=objection, response=best, language=language))
    return answers


@dataclasses.dataclass(frozen=True)
class TrackFilters:
    debtor_type: str = ""
    stage: str = ""
    channel: str = ""
    language: str = ""
    status: str = ""
    search: str = ""


def track_list(*, filters: TrackFilters | None = None) -> QuerySet[TalkTrack]:
    filters = filters or TrackFilters()
    qs = TalkTrack.objects.select_related("created_by")
    for field in ("debtor_type", "stage", "channel", "language", "status"):
        value = getattr(filters, field)
        if value:
            qs = qs.filter(**{field: value})
    if filters.search:
        qs = qs.filter(
            Q(title__icontains=filters.search)
            | Q(body__icontains=filters.search)
            | Q(key__icontains=filters.search)
        )
    return qs.order_by("debtor_type", "stage", "language", "key", "-version")


def track_versions(*, track: TalkTrack) -> QuerySet[TalkTrack]:
    """Every version of the track's family, newest first."""
    return TalkTrack.objects.filter(key=track.key, language=track.language).order_by("-version")


def track_version_diff(*, old: TalkTrack, new: TalkTrack) -> list[str]:
    """A unified diff of title, body and guidance between two versions."""

    def lines(track):
        return [f"# {track.title}", *track.body.splitlines(), "", *track.guidance.splitlines()]

    return list(
        difflib.unified_diff(
            lines(old),
            lines(new),
            fromfile=f"v{old.version}",
            tofile=f"v{new.version}",
            lineterm="",
        )
    )


def stage_for_channel(channel: str) -> str:
    """The stage whose track is written for a written channel."""
    return {
        "sms": Stage.SMS,
        "email": Stage.EMAIL,
        "letter": Stage.LETTER,
        "visit": Stage.VISIT,
    }.get(channel, Stage.OPENING)


def render_context_for_debtor(
    *,
    debtor: Debtor,
    collector: User | None,
    contact: Contact | None = None,
    promise_amount: Decimal | None = None,
    promise_date: datetime.date | None = None,
    payment_link: str | None = None,
    language: str | None = None,
    invoice_numbers: list[str] | None = None,
    now: datetime.datetime | None = None,
    instalment_plan: bool = False,
    attachments=(),
) -> RenderContext:
    """Read the debtor's summary columns and open invoices into a RenderContext,
    with the facts of this debtor at `now` (default: the current time).
    Promise data comes in as plain values: this app does not know followups.
    `attachments` are what the message really carries (nothing, for now)."""
    if contact is None:
        contact = debtor.contacts.order_by("-is_primary", "name").first()
    if invoice_numbers is not None:
        numbers = list(invoice_numbers)
    else:
        numbers = list(
            Invoice.objects.filter(debtor=debtor, amount__gt=0)
            .exclude(open_amount=0)
            .order_by("due_date", "number")
            .values_list("number", flat=True)[: MAX_INVOICE_NUMBERS + 50]
        )
    if payment_link is None:
        template = getattr(settings, "PAYMENT_LINK_TEMPLATE", "")
        if template:
            payment_link = template.format(code=debtor.code, public_id=debtor.public_id)
    undisputed = max(debtor.open_balance - debtor.disputed_balance, Decimal("0.00"))
    contact_name = contact.name if contact else None
    collector_name = collector.display_name if collector else None
    facts = facts_compute(
        debtor=debtor,
        now=now or timezone.now(),
        contact_name=contact_name,
        collector_name=collector_name,
        promise_amount=promise_amount,
        promise_date=promise_date,
        instalment_plan=instalment_plan,
        payment_link=payment_link,
        attachments=attachments,
    )
    return RenderContext(
        language=language or debtor.language,
        currency=debtor.currency,
        debtor_name=debtor.name,
        contact_name=contact_name,
        collector_name=collector_name,
        company_name=getattr(settings, "COMPANY_NAME", None),
        amount_due=debtor.open_balance or None,
        overdue_amount=debtor.overdue_balance if debtor.overdue_balance else None,
        undisputed_amount=undisputed if debtor.open_balance else None,
        disputed_amount=debtor.disputed_balance if debtor.disputed_balance else None,
        promise_amount=promise_amount,
        promise_date=promise_date,
        oldest_due_date=debtor.oldest_due_date,
        days_overdue=debtor.max_days_past_due if debtor.max_days_past_due > 0 else None,
        invoice_numbers=tuple(numbers),
        payment_link=payment_link or None,
        facts=facts,
    )
