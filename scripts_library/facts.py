"""The facts of one debtor at one moment, and what a text needs of them.

A track may only say what is true for the debtor it is sent to: "as you
promised" needs a promise, "I have attached" an attachment, "Good morning" a
morning. `Facts` is computed in one place (`facts_compute`), from the debtor,
the moment and what the caller really has (a promise, an attachment); a
track's needs come from its placeholders and from wording recognised here
(`text_needs`). Selection skips a track whose needs are not met, and the
content linter checks every rendered text against the facts."""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import re
import zoneinfo

MORNING, AFTERNOON, EVENING = "morning", "afternoon", "evening"
PARTS_OF_DAY = (MORNING, AFTERNOON, EVENING)
NO_PROMISE, PENDING, BROKEN = "none", "pending", "broken"
PROMISE_STATES = (NO_PROMISE, PENDING, BROKEN)

# The needs a text can have (besides one part of the day).
PROMISE = "promise"  # any promise: amount and date known
BROKEN_PROMISE = "broken_promise"  # a promised date that has passed unpaid
INSTALMENT_PLAN = "instalment_plan"
PAYMENT_LINK = "payment_link"
ATTACHMENT = "attachment"
OVERDUE = "overdue"
NAMED_CONTACT = "named_contact"
COLLECTOR = "collector"
DISPUTED = "disputed"

# What each placeholder needs before it can be filled with a true value.
PLACEHOLDER_NEEDS = {
    "promise_amount": {PROMISE},
    "promise_date": {PROMISE},
    "payment_link": {PAYMENT_LINK},
    "contact_name": {NAMED_CONTACT},
    "collector_name": {COLLECTOR},
    "overdue_amount": {OVERDUE},
    "days_overdue": {OVERDUE},
    "oldest_due_date": {OVERDUE},
    "disputed_amount": {DISPUTED},
}


@dataclasses.dataclass(frozen=True)
class Facts:
    """What is true for this debtor now. The defaults are the barest case."""

    promise: str = NO_PROMISE  # none | pending | broken
    instalment_plan: bool = False  # the promise is one instalment of a plan
    payment_link: bool = False
    attachment: bool = False
    part_of_day: str = AFTERNOON
    overdue: bool = False  # at least one open invoice is past its due date
    named_contact: bool = False  # a person's name, not only the company's
    collector: bool = False  # a named collector signs the message
    disputed: bool = False

    def has(self, need: str) -> bool:
        if need in PARTS_OF_DAY:
            return self.part_of_day == need
        if need == PROMISE:
            return self.promise != NO_PROMISE
        if need == BROKEN_PROMISE:
            return self.promise == BROKEN
        if need == INSTALMENT_PLAN:
            return self.promise != NO_PROMISE and self.instalment_plan
        return bool(getattr(self, need))

    def meets(self, needs) -> bool:
        return all(self.has(need) for need in needs)

    def describe(self) -> str:
        """A short label for a report: "promise=broken, link, morning, …"."""
        parts = [f"promise={self.promise}"] if self.promise != NO_PROMISE else []
        for field in (
            "instalment_plan",
            "payment_link",
            "attachment",
            "overdue",
            "named_contact",
            "collector",
            "disputed",
        ):
            if getattr(self, field):
                parts.append(field)
        parts.append(self.part_of_day)
        return ", ".join(parts)


def part_of_day(hour: int) -> str:
    if 5 <= hour < 12:
        return MORNING
    if 12 <= hour < 18:
        return AFTERNOON
    return EVENING


def facts_compute(
    *,
    debtor,
    now: datetime.datetime,
    contact_name: str | None,
    collector_name: str | None,
    promise_amount=None,
    promise_date: datetime.date | None = None,
    instalment_plan: bool = False,
    payment_link: str | None = None,
    attachments=(),
) -> Facts:
    """The facts for one debtor at `now` (aware), read from the debtor's summary
    columns and the values the caller has. A promise counts only with both
    its amount and date; it is broken once its date has passed in the debtor's
    own time zone."""
    try:
        zone = zoneinfo.ZoneInfo(debtor.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = datetime.UTC
    local = now.astimezone(zone)
    promise = NO_PROMISE
    if promise_amount is not None and promise_date is not None:
        promise = BROKEN if promise_date < local.date() else PENDING
    return Facts(
        promise=promise,
        instalment_plan=bool(instalment_plan) and promise != NO_PROMISE,
        payment_link=bool((payment_link or "").strip()),
        attachment=bool(attachments),
        part_of_day=part_of_day(local.hour),
        overdue=bool(debtor.overdue_balance) and (debtor.max_days_past_due or 0) > 0,
        named_contact=bool((contact_name or "").strip()),
        collector=bool((collector_name or "").strip()),
        disputed=bool(debtor.disputed_balance),
    )


def facts_matrix(*, channel: str | None = None) -> list[Facts]:
    """Every combination of the facts, generated, not picked. On a call or a
    visit the collector is the person speaking, so always known."""
    promises = [
        (NO_PROMISE, False),
        (PENDING, False),
        (PENDING, True),
        (BROKEN, False),
        (BROKEN, True),
    ]
    collectors = (True,) if channel in ("call", "visit") else (False, True)
    combos = itertools.product(
        promises,
        (False, True),  # payment link
        (False, True),  # attachment
        PARTS_OF_DAY,
        (False, True),  # overdue
        (False, True),  # named contact
        collectors,
        (False, True),  # disputed
    )
    return [
        Facts(
            promise=promise,
            instalment_plan=plan,
            payment_link=link,
            attachment=attachment,
            part_of_day=day,
            overdue=overdue,
            named_contact=named,
            collector=collector,
            disputed=disputed,
        )
        for (promise, plan), link, attachment, day, overdue, named, collector, disputed in combos
    ]


# Wording that claims a fact. Kept narrow: an offer ("we can split it into
# instalments") or a request ("could we agree a date?") claims nothing.
_I = re.IGNORECASE
WORDING = {
    ATTACHMENT: [
        re.compile(
            r"\b(attached|attachment|enclosed?|enclosing|herewith|find (attached|enclosed))\b", _I
        ),
        re.compile(r"附上|附件|随函|随信|附有|见附|已附"),
    ],
    BROKEN_PROMISE: [
        re.compile(
            r"\b(not|n't)\s+(yet\s+)?(been\s+)?(received|reached us|arrived|come in)\b"
            r"[^.!?]{0,80}\b(agreed|promised|confirmed)\b"
            r"|\b(agreed|promised|confirmed)\b[^.!?]{0,80}\b(not|n't)\s+(yet\s+)?(been\s+)?"
            r"(received|reached us|arrived|come in)\b"
            r"|\bbroken (promise|commitment)s?\b",
            _I,
        ),
        re.compile(
            r"(约定|承诺|答应)[^。！？]{0,60}(未|没有?)(收到|到账|付)"
            r"|(未|没有?)(收到|到账)[^。！？]{0,60}(约定|承诺|答应)|失约|违约"
        ),
    ],
    INSTALMENT_PLAN: [
        re.compile(
            r"\b(your|the|this|next|first|each)\s+(next\s+|first\s+|monthly\s+)?"
            r"instal{1,2}ments?\s+(of|is|was|are|were|due)\b"
            r"|\b(next|first|this)\s+instal{1,2}ment\b|\binstal{1,2}ment plan (we|you)\b"
            r"|\b(agreed|confirmed)\s+(instal{1,2}ment|payment)\s+plan\b",
            _I,
        ),
        re.compile(r"(本|这|下一|第一|首)期[^。！？]{0,30}(到期|应付|约定)|分期款|还款计划已"),
    ],
    PROMISE: [
        re.compile(
            r"\b(you|we|they)\s+(have\s+|had\s+)?(agreed|promised|confirmed|committed)\b"
            r"|\bas (agreed|promised)\b|\bpromised\b"
            r"|\bagreed\s+(amount|date|payment|plan|sum|instal{1,2}ments?)\b"
            r"|\b(we're|we are) agreed\b",
            _I,
        ),
        re.compile(
            r"您(已|曾|之前)?(承诺|答应)|您(已|曾|之前)确认|(约定|承诺|答应)的|按约定|如约|说好|说定"
        ),
    ],
    MORNING: [re.compile(r"\bgood morning\b", _I), re.compile(r"早上好|上午好|早安(?!排)")],
    AFTERNOON: [re.compile(r"\bgood afternoon\b", _I), re.compile(r"下午好")],
    EVENING: [re.compile(r"\bgood evening\b", _I), re.compile(r"晚上好")],
}
# A broken promise and a plan are promises too.
_IMPLIES = {BROKEN_PROMISE: {PROMISE}, INSTALMENT_PLAN: {PROMISE}}


def wording_claims(text: str) -> list[tuple[str, str]]:
    """(need, matched words) for every fact the wording claims."""
    found = []
    for need, patterns in WORDING.items():
        for pattern in patterns:
            match = pattern.search(text or "")
            if match:
                found.append((need, match.group(0)))
                break
    return found


def text_needs(text: str, placeholders=()) -> frozenset[str]:
    """What a text needs: from the placeholders it uses and from its wording.
    Two different greetings need two parts of the day, which never happens:
    such a text is never chosen."""
    needs: set[str] = set()
    for name in placeholders:
        needs |= PLACEHOLDER_NEEDS.get(name, set())
    for need, _words in wording_claims(text):
        needs.add(need)
        needs |= _IMPLIES.get(need, set())
    return frozenset(needs)
