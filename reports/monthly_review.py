"""The monthly review: one month's figures for a manager's scope as a PDF,
in the reader's language.

The headline figures beside the previous month and the change, the seeds'
review questions answered from the data (calls made, connect and right-party
rates, amount and rate recovered, complaint rate, which talk tracks work best
for which debtor type, which types cause the most trouble), the trend charts
(``reports.charts``, inline SVG), the per-collector and per-type tables,
roll rates, the best timing cells, the cash forecast and the definition of
every figure. Money is in one currency; a team with several gets one review
per currency (``review_currencies``). Rendered by the one PDF helper.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Team, User
from collections_crm.lib.money import money_text
from collections_crm.lib.pdf import html_to_pdf
from collections_crm.lib.zones import company_zone
from debtors.aging import BUCKETS_BY_KEY
from debtors.models import Debtor, DebtorType
from debtors.permissions import debtor_scope

from . import charts
from .effectiveness import track_effectiveness
from .export_rows import change
from .exports import INT, KPI_LABELS, MONEY, NUM1, NUM2, RATE, kpi_kind
from .filters import Filters
from .forecast import forecast
from .kpis import DEFINITIONS, KEYS, kpis, previous_kpis
from .models import DailyAging, DailyFlow
from .page_timing import MIN_CALLS as MIN_TIMING_CALLS  # below it an hour's rate is noise
from .tables import aging_over_time, heatmap, per_collector, per_type, roll_rates, trend

TOP_TIMING_CELLS = 5
# What a printed chart does without: pygal's comments, its tooltip texts, the
# legend's ids and the style rules for hovering and tooltips. Less for
# WeasyPrint to parse and match (a quarter of the review's rendering time),
# the same picture.
_SVG_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SVG_DESC = re.compile(r"<desc\b[^>]*>.*?</desc>", re.DOTALL)
_SVG_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.DOTALL)
_SVG_RULE = re.compile(r"[^{}]+\{[^{}]*\}")
_INTERACTIVE = re.compile(r":hover|tooltip|transition|\.active\b")
# The legend's ids for interactivity repeat in every chart of one document.
_SVG_LEGEND_ID = re.compile(r'\sid="activate-serie-\d+"')


def printable_svg(svg: str) -> str:
    """A chart of ``reports.charts`` trimmed for print (see above)."""

    def rules(match: re.Match) -> str:
        kept = [r for r in _SVG_RULE.findall(match.group(2)) if not _INTERACTIVE.search(r)]
        return match.group(1) + "".join(kept) + match.group(3)

    svg = _SVG_LEGEND_ID.sub("", _SVG_DESC.sub("", _SVG_COMMENT.sub("", svg)))
    return _SVG_STYLE.sub(rules, svg, count=1)


def month_bounds(first: dt.date) -> tuple[dt.date, dt.date]:
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def last_complete_month(today: dt.date) -> dt.date:
    """The first day of the month before ``today``'s."""
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def review_filters(
    user: User, month: dt.date, currency: str, *, today: dt.date, team_id: int | None = None
) -> Filters:
    """The month (cut at ``today`` while it runs) in the user's scope."""
    first, last = month_bounds(month)
    return Filters(
        date_from=first,
        date_to=min(last, today),
        currency=currency,
        scope=debtor_scope(user),
        team_id=team_id,
    )


def review_currencies(filters: Filters) -> list[str]:
    """The currencies the scope held or moved money in that month, the base
    currency first (always there, so a quiet month still gets a review)."""
    before = filters.date_from - dt.timedelta(days=1)
    held = DailyAging.objects.filter(filters.rows(), day__in=[before, filters.date_to])
    moved = DailyFlow.objects.filter(
        filters.rows(), ~Q(currency=""), day__range=(filters.date_from, filters.date_to)
    )
    codes = set(held.values_list("currency", flat=True).distinct().order_by())
    codes |= set(moved.values_list("currency", flat=True).distinct().order_by())
    codes.discard(settings.BASE_CURRENCY)
    return [settings.BASE_CURRENCY, *sorted(codes)]


# -- words and numbers ------------------------------------------------------------


def rate_text(value) -> str:
    return "—" if value is None else f"{Decimal(value) * 100:.1f}%"


def figure_text(value, kind: str, currency: str) -> str:
    if value is None:
        return "—"
    if kind == MONEY:
        return money_text(value, currency)
    if kind == RATE:
        return rate_text(value)
    if kind == NUM1:
        return f"{Decimal(value):.1f}"
    if kind == NUM2:
        return f"{Decimal(value):.2f}"
    return f"{value:,}" if kind == INT else str(value)


def change_text(value, kind: str, currency: str) -> str:
    if value is None:
        return "—"
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    if kind == RATE:
        points = f"{abs(Decimal(value)) * 100:.1f}"
        return sign + _("%(points)s pp") % {"points": points}
    return sign + figure_text(abs(value), kind, currency)


def headline(figures: dict, previous: dict, currency: str) -> list[dict]:
    rows = []
    for key in KEYS:
        kind = kpi_kind(key)
        rows.append(
            {
                "key": key,
                "label": str(KPI_LABELS[key]),
                "value": figure_text(figures[key], kind, currency),
                "previous": figure_text(previous[key], kind, currency),
                "change": change_text(change(key, figures[key], previous[key]), kind, currency),
                "definition": str(DEFINITIONS[key]),
            }
        )
    return rows


# -- the answers ---------------------------------------------------------------------


def best_tracks(filters: Filters) -> list[dict]:
    """Per debtor type, the talk track whose uses led most often to a promise
    (enough uses first, then right-party rate, then uses), from the month's
    uses on the scope's debtors (``reports.effectiveness``)."""
    rows = track_effectiveness(
        debtors=Debtor.objects.filter(filters.debtors()),
        date_from=filters.date_from,
        date_to=filters.date_to,
        group_by=("debtor_type", "track"),
    )
    best: dict[str, object] = {}

    def rank(row):
        return (
            not row.low_sample,
            row.promise_rate.value if row.promise_rate.value is not None else Decimal(-1),
            row.right_party_rate.value if row.right_party_rate.value is not None else Decimal(-1),
            row.uses,
        )

    for row in rows:
        if row.track is None or not row.uses:
            continue
        if row.debtor_type not in best or rank(row) > rank(best[row.debtor_type]):
            best[row.debtor_type] = row
    labels = dict(DebtorType.choices)
    return [
        {
            "type": str(labels[t]),
            "track": f"{best[t].track.title} (v{best[t].track.version})",
            "uses": best[t].uses,
            "right_party_rate": rate_text(best[t].right_party_rate.value),
            "promise_rate": rate_text(best[t].promise_rate.value),
            "kept_rate": rate_text(best[t].kept_rate.value),
            "low_sample": best[t].low_sample,
        }
        for t in labels
        if t in best
    ]


def trouble_text(types: list[dict], currency: str) -> str:
    overdue = next((r for r in types if r["most_overdue"]), None)
    broken = next((r for r in types if r["most_broken"]), None)
    parts = [
        _("Most overdue money: %(type)s (%(amount)s).")
        % {"type": overdue["label"], "amount": money_text(overdue["overdue_end"], currency)}
        if overdue
        else _("No overdue money at the end of the month."),
        _("Most broken promises: %(type)s (%(count)s).")
        % {"type": broken["label"], "count": broken["promises_broken"]}
        if broken
        else _("No promise was broken this month."),
    ]
    return " ".join(parts)


def answers(figures: dict, previous: dict, types: list[dict], currency: str) -> list[dict]:
    """The seeds' monthly review questions, each answered in a sentence."""
    complaints = sum(r["complaints"] for r in types)
    return [
        {
            "question": _("How many calls did the team make?"),
            "answer": _("%(calls)s call attempts (previous month: %(previous)s).")
            % {
                "calls": f"{figures['calls']:,}",
                "previous": "—" if previous["calls"] is None else f"{previous['calls']:,}",
            },
        },
        {
            "question": _("How many calls connected?"),
            "answer": _("%(rate)s of the attempts were answered by someone.")
            % {"rate": rate_text(figures["connect_rate"])},
        },
        {
            "question": _("How often did we reach the right person?"),
            "answer": _("%(rate)s of the attempts reached the right person.")
            % {"rate": rate_text(figures["right_party_rate"])},
        },
        {
            "question": _("How much was recovered, and at what rate?"),
            "answer": _(
                "%(amount)s recovered: %(rate)s of what was past due at the start of the month."
            )
            % {
                "amount": money_text(figures["recovered"], currency),
                "rate": rate_text(figures["recovery_rate"]),
            },
        },
        {
            "question": _("How often did debtors complain?"),
            "answer": ngettext(
                "%(count)s complaint: %(rate)s of the right-party contacts.",
                "%(count)s complaints: %(rate)s of the right-party contacts.",
                complaints,
            )
            % {"count": complaints, "rate": rate_text(figures["complaint_rate"])},
        },
        {
            "question": _("Which debtor types cause the most trouble?"),
            "answer": trouble_text(types, currency),
        },
    ]


def top_timing(filters: Filters) -> list[dict]:
    cells = [c for c in heatmap(filters)["cells"] if c["calls"] >= MIN_TIMING_CALLS]
    cells.sort(key=lambda c: (c["rate"], c["calls"]), reverse=True)
    return [
        {
            "weekday": str(WEEKDAYS[c["weekday"]]),
            "hour": f"{c['hour']:02d}:00–{c['hour'] + 1:02d}:00",
            "calls": c["calls"],
            "right_party": c["right_party"],
            "rate": rate_text(c["rate"]),
            "prior": rate_text(c["prior"]),
        }
        for c in cells[:TOP_TIMING_CELLS]
    ]


# -- the document --------------------------------------------------------------------


def _scope_name(filters: Filters) -> str:
    team_id = filters.team_id or filters.scope.team_id
    if team_id:
        team = Team.objects.filter(pk=team_id).first()
        return team.name if team else ""
    return _("All teams") if filters.scope.everyone else ""


def review_context(filters: Filters, *, today: dt.date) -> dict:
    """Everything the review shows, in the active language."""
    cur = filters.currency
    figures = kpis(filters, today=today)
    previous = previous_kpis(filters, today=today)
    months = trend(filters)
    aging = aging_over_time(filters)
    rolls = roll_rates(filters)
    types = per_type(filters)
    cash = forecast(filters, today=today)
    return {
        "language": translation.get_language(),
        "company_name": getattr(settings, "COMPANY_NAME", ""),
        "month_label": formats.date_format(filters.date_from, "YEAR_MONTH_FORMAT"),
        "date_from": filters.date_from,
        "date_to": filters.date_to,
        "previous_from": filters.previous().date_from,
        "previous_to": filters.previous().date_to,
        "currency": cur,
        "scope_name": _scope_name(filters),
        "generated_at": f"{timezone.now().astimezone(company_zone()):%Y-%m-%d %H:%M}",
        "headline": headline(figures, previous, cur),
        "answers": answers(figures, previous, types, cur),
        "best_tracks": best_tracks(filters),
        "charts": [
            printable_svg(svg)
            for svg in (
                charts.collected_recovered_chart(months),
                charts.dso_chart(months),
                charts.cei_chart(months),
                charts.over_90_chart(months),
                charts.aging_stack_chart(aging),
                charts.roll_rate_chart(rolls),
            )
        ],
        "forecast_chart": printable_svg(charts.forecast_chart(cash)),
        "collectors": [_table_row(r, cur) for r in per_collector(filters)],
        "types": [_table_row(r, cur) for r in types],
        "rolls": [
            {
                "bucket": str(BUCKETS_BY_KEY[r["bucket"]].label),
                "opening": money_text(r["opening"], cur),
                "rolled": rate_text(r["rolled_rate"]),
                "paid": rate_text(r["paid_rate"]),
            }
            for r in rolls
        ],
        "timing": top_timing(filters),
        "forecast": [
            {
                "week": w["week"],
                "promised": money_text(w["promised_expected"], cur),
                "falling_due": money_text(w["falling_due_expected"], cur),
                "expected": money_text(w["expected"], cur),
            }
            for w in cash["weeks"]
        ],
        "forecast_unweighted": cash["unweighted_promises"],
    }


def _table_row(row: dict, currency: str) -> dict:
    return {
        **row,
        "name": row.get("collector") or row.get("label") or "—",
        "connect": rate_text(row["connect_rate"]),
        "right_party": rate_text(row["right_party_rate"]),
        "kept": rate_text(row["promise_kept_rate"]),
        "complaint": rate_text(row["complaint_rate"]),
        "collected_text": money_text(row["collected"], currency),
        "recovered_text": money_text(row["recovered"], currency),
        "overdue_text": money_text(row["overdue_end"], currency),
    }


def review_html(filters: Filters, *, today: dt.date, language: str) -> str:
    with translation.override(language):
        context = review_context(filters, today=today)
        return render_to_string("reports/monthly_review.html", context)


def review_pdf(filters: Filters, *, today: dt.date, language: str) -> bytes:
    """The review as an A4 PDF (CJK fonts from the system)."""
    return html_to_pdf(review_html(filters, today=today, language=language))


def review_filename(filters: Filters) -> str:
    return f"monthly-review_{filters.date_from:%Y-%m}_{filters.currency}.pdf"
