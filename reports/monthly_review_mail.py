"""Emailing the monthly review: on the first working day of a month in the
company's calendar, every active manager with a team gets last month's
review of their team (one PDF per currency), in their own language, once.

"Once" is ``MonthlyReviewSent`` (unique per month and recipient): the row is
inserted and the mail sent in one transaction, so a failed send leaves no
row (the next attempt sends it) and a second run, or a second worker at the
same time, finds the row (or waits on it) and sends nothing. Only the
managers are mailed: admins and finance can download the review on demand.

The company's working days: Monday to Friday, less the public holidays of
``settings.COMPANY_COUNTRY`` (China when unset, the company zone's default),
plus the weekend days that country works in exchange for a bridge holiday
(the ``holidays`` package knows both).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import lru_cache

import holidays
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import formats, translation

from accounts.models import User
from accounts.selectors import team_managers

from .models import MonthlyReviewSent
from .monthly_review import (
    last_complete_month,
    review_currencies,
    review_filename,
    review_filters,
    review_pdf,
)

logger = logging.getLogger(__name__)
DEFAULT_COUNTRY = "CN"


def company_country() -> str:
    return getattr(settings, "COMPANY_COUNTRY", DEFAULT_COUNTRY) or ""


@lru_cache(maxsize=64)
def _calendar(country: str, year: int):
    if not country or country not in holidays.list_supported_countries():
        return None
    return holidays.country_holidays(country, years=year)


def is_working_day(day: dt.date, country: str | None = None) -> bool:
    calendar = _calendar(company_country() if country is None else country, day.year)
    if calendar is None:
        return day.weekday() < 5
    return calendar.is_working_day(day)


def first_working_day(year: int, month: int, country: str | None = None) -> dt.date:
    day = dt.date(year, month, 1)
    while not is_working_day(day, country):
        day += dt.timedelta(days=1)
    return day


@dataclass
class SendResult:
    month: dt.date | None
    sent: list[int] = field(default_factory=list)
    already: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # no email address
    failed: list[int] = field(default_factory=list)


def review_message(manager: User, month: dt.date, *, today: dt.date) -> EmailMessage:
    """The mail for one manager: subject and body in their language, one
    PDF per currency their team held or moved money in."""
    language = manager.language or settings.LANGUAGE_CODE
    with translation.override(language):
        base = review_filters(manager, month, settings.BASE_CURRENCY, today=today)
        currencies = review_currencies(base)
        context = {
            "manager": manager,
            "name": manager.display_name,
            "month_label": formats.date_format(month, "YEAR_MONTH_FORMAT"),
            "team": manager.team.name if manager.team_id else "",
            "currencies": currencies,
            "company_name": getattr(settings, "COMPANY_NAME", ""),
            "site_url": getattr(settings, "SITE_URL", ""),
        }
        subject = render_to_string("reports/email/monthly_review_subject.txt", context)
        body = render_to_string("reports/email/monthly_review_body.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[manager.email],
    )
    for currency in currencies:
        filters = review_filters(manager, month, currency, today=today)
        pdf = review_pdf(filters, today=today, language=language)
        message.attach(review_filename(filters), pdf, "application/pdf")
    return message


def send_review(manager: User, month: dt.date, *, today: dt.date) -> str:
    """Send one manager the month's review unless it went already:
    "sent", "already" or "failed"."""
    if MonthlyReviewSent.objects.filter(month=month, recipient=manager).exists():
        return "already"
    message = review_message(manager, month, today=today)
    try:
        with transaction.atomic():
            MonthlyReviewSent.objects.create(month=month, recipient=manager)
            message.send(fail_silently=False)
    except IntegrityError:
        return "already"  # another worker sent it meanwhile
    except Exception:
        logger.exception("monthly review for %s (%s) not sent", manager.pk, month)
        return "failed"
    return "sent"


def monthly_reviews_send(*, today: dt.date, month: dt.date | None = None) -> SendResult:
    """On the first working day of ``today``'s month (or for an explicit
    ``month``, a retry), send every manager the review they have not had."""
    if month is None:
        if today != first_working_day(today.year, today.month):
            return SendResult(month=None)
        month = last_complete_month(today)
    result = SendResult(month=month)
    for manager in team_managers().select_related("team"):
        if not manager.email:
            result.skipped.append(manager.pk)
            continue
        outcome = send_review(manager, month, today=today)
        getattr(result, outcome).append(manager.pk)
    return result
