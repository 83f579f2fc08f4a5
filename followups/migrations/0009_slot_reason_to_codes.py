"""Follow-ups keep why-this-moment as codes only (slot_explain): turn the English
text stored in slot_reason into codes where it can be read, and keep the rest
as a "note" code that shows the old text as it is. 0010 drops slot_reason.

The phrases below are the English the timing engine, the callback service and
the demo data wrote before; they are frozen here on purpose.
"""

import datetime as dt
import re

from django.db import migrations
from django.db.models import Q

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY = "(" + "|".join(DAYS) + ")"
HEAD = re.compile(rf"^{_DAY} (\d{{1,2}}:\d{{2}}) (?:their time|local)(?: — |: )(.+)$", re.S)
CALLBACK = re.compile(r"^Asked to be called at (\d{4}-\d{2}-\d{2}) (\d{1,2}:\d{2}) their time$")
PHRASES = {
    "first 15 minutes of their day": "first_15",
    "first 15 min of their working day": "first_15",
    "first minutes of their day": "first_15",
    "morning": "morning",
    "right after their lunch break": "after_lunch",
    "afternoon": "afternoon",
    "afternoon, good for negotiating": "afternoon_negotiation",
    "afternoon, calmer for negotiation": "afternoon_negotiation",
    "late in their day": "late_day",
    "during their lunch break": "lunch_break",
    "outside their opening hours": "off_hours",
    "best weekday": "weekday_best",
    "good weekday": "weekday_good",
    "weak weekday": "weekday_weak",
    "relaxed Friday afternoon": "friday_afternoon",
    "busy Monday morning": "monday_morning",
    "the day after their money day": "money_after",
    "the time they asked for": "callback_asked",
}
_ATTEMPTS = r"\((\d+) of (\d+) attempts? succeeded at this hour\)"
PATTERNS = (
    (
        re.compile(r"^(\d+) days? before their money day$"),
        lambda m: ("money_before", {"days": int(m[1])}),
    ),
    (
        re.compile(rf"^team data (\d+) % of the score {_ATTEMPTS}$"),
        lambda m: ("team_data", {"share": int(m[1]), "successes": int(m[2]), "trials": int(m[3])}),
    ),
    (
        re.compile(rf"^their own history (\d+) % of the score {_ATTEMPTS}$"),
        lambda m: (
            "debtor_data",
            {"share": int(m[1]), "successes": int(m[2]), "trials": int(m[3])},
        ),
    ),
    (
        re.compile(
            rf"^no allowed time before the deadline \({_DAY} (\d{{1,2}}:\d{{2}}) their time\)$"
        ),
        lambda m: ("deadline_missed", {"weekday": DAYS.index(m[1]), "time": m[2].zfill(5)}),
    ),
)
# The demo data's reminders said "before the instalment due <date>": the
# follow-up's own reason and instalment already say so, so the clause is dropped.
DROPPED = re.compile(r"^before the instalment due \d{4}-\d{2}-\d{2}$")


def _clause(text):
    """[code, params] pairs for one clause, or None when it cannot be read."""
    if DROPPED.match(text):
        return []
    for pattern, make in PATTERNS:
        match = pattern.match(text)
        if match:
            code, params = make(match)
            return [[code, params]]
    parts, found, i = text.split(", "), [], 0
    while i < len(parts):
        pair = ", ".join(parts[i : i + 2])
        if i + 1 < len(parts) and pair in PHRASES:
            found.append([PHRASES[pair], {}])
            i += 2
        elif parts[i] in PHRASES:
            found.append([PHRASES[parts[i]], {}])
            i += 1
        else:
            return None
    return found


def codes_from_text(text):
    """The codes for a stored English reason; a "note" with the text when unread."""
    text = text.strip()
    callback = CALLBACK.match(text)
    if callback:
        day = dt.date.fromisoformat(callback[1])
        at = {"weekday": day.weekday(), "time": callback[2].zfill(5)}
        return [["at", at], ["callback_asked", {}]]
    head = HEAD.match(text)
    if head:
        reasons = [["at", {"weekday": DAYS.index(head[1]), "time": head[2].zfill(5)}]]
        for clause in head[3].split("; "):
            found = _clause(clause.strip())
            if found is None:
                break
            reasons += found
        else:
            return reasons
    return [["note", {"text": text}]]


def forwards(apps, schema_editor):
    FollowUp = apps.get_model("followups", "FollowUp")
    todo = FollowUp.objects.exclude(slot_reason="").filter(
        Q(slot_explain=[]) | Q(slot_reason__startswith="Asked to be called at ")
    )
    changed = []
    for followup in todo.only("id", "slot_reason", "slot_explain").iterator(chunk_size=2000):
        parsed = codes_from_text(followup.slot_reason)
        if not followup.slot_explain:
            followup.slot_explain = parsed
        elif parsed[-1][0] == "callback_asked":
            if not any(code == "callback_asked" for code, _params in followup.slot_explain):
                followup.slot_explain = [*followup.slot_explain, ["callback_asked", {}]]
        else:
            continue
        changed.append(followup)
        if len(changed) >= 2000:
            FollowUp.objects.bulk_update(changed, ["slot_explain"])
            changed = []
    FollowUp.objects.bulk_update(changed, ["slot_explain"])


def backwards(apps, schema_editor):
    """Back to text: the English sentence the engine would write."""
    from django.utils import translation

    from followups.timing import explain

    FollowUp = apps.get_model("followups", "FollowUp")
    changed = []
    with translation.override("en"):
        for followup in FollowUp.objects.exclude(slot_explain=[]).only("id", "slot_explain"):
            followup.slot_reason = explain(followup.slot_explain)[:255]
            changed.append(followup)
    FollowUp.objects.bulk_update(changed, ["slot_reason"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0008_promise_maker_index"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
