"""The monthly review: the PDF on demand (its text holds the November book's
figures worked out on paper, in English and in Chinese), who may have it,
and the morning task that mails it to every manager once on the first
working day of the month."""

import datetime as dt
import io
from dataclasses import replace
from decimal import Decimal

import pytest
import time_machine
from celery.exceptions import Retry
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from pypdf import PdfReader

from collections_crm.celery import app as celery_app
from debtors.permissions import debtor_scope
from reports.filters import Filters
from reports.models import MonthlyReviewSent
from reports.monthly_review import (
    best_tracks,
    change_text,
    figure_text,
    last_complete_month,
    month_bounds,
    review_html,
)
from reports.monthly_review_mail import first_working_day, is_working_day, monthly_reviews_send
from reports.review_tasks import send_monthly_reviews
from reports.rollups import rebuild
from tests.followups.factories import InteractionFactory
from tests.scripts_library.factories import TalkTrackFactory

from .books import NOW, november_book

pytestmark = pytest.mark.django_db

TODAY = NOW.date()  # Tuesday 1 December 2026: the month's first working day
NOVEMBER = dt.date(2026, 11, 1)


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def book(personas):
    november_book(personas)
    rebuild()
    return personas


@pytest.fixture
def quick_pdf(monkeypatch):
    """The review's HTML instead of its PDF (rendering one takes seconds):
    for the tests about who gets which review, not about the PDF itself."""

    def html_bytes(filters, *, today, language):
        return review_html(filters, today=today, language=language).encode()

    monkeypatch.setattr("reports.export_views.review_pdf", html_bytes)
    monkeypatch.setattr("reports.monthly_review_mail.review_pdf", html_bytes)


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def review(client, user, **params):
    client.force_login(user)
    return client.get(reverse("reports:monthly-review"), params)


def test_the_review_holds_the_figures_worked_out_on_paper(client, book):
    response = review(client, book.manager, month="2026-11", currency="CNY")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="monthly-review_2026-11_CNY.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Monthly review" in text
    assert "East" in text
    for figure in (
        "Collected ¥700.00",  # collected, beside October's
        "Recovered ¥600.00",
        "Credit sales ¥500.00",
        "Receivable at the end ¥800.00 ¥1,000.00 −¥200.00",
        "Recovery rate 60.0%",
        "DSO 48.0",
        "Best possible DSO 12.0",
        "Average days delinquent 36.0",
        "CEI 53.85",
        "Connect rate 50.0%",
        "Right-party rate 50.0%",
        "Complaint rate 25.0%",
        "Days to resolve a dispute 15.0",
    ):
        assert figure in text, figure
    # The seeds' questions, answered.
    assert "4 call attempts" in text
    assert "¥600.00 recovered: 60.0% of what was past due" in text
    assert "1 complaint: 25.0% of the right-party contacts" in text
    assert "Most overdue money: Not yet typed (¥600.00)" in text
    assert "Most broken promises: Not yet typed (1)" in text
    # Definitions, the per-collector table, the forecast: all there.
    assert "How each figure is computed" in text
    assert "Collection effectiveness index: (opening receivable" in text
    assert book.collector_a.get_full_name() in text
    assert "Cash forecast" in text


def test_the_review_in_chinese(client, book):
    book.manager.language = "zh-hans"
    book.manager.save()
    text = pdf_text(review(client, book.manager, month="2026-11").content)
    assert "月度回顾" in text
    assert "已回款 ¥700.00" in text
    assert "追回率 60.0%" in text
    assert "各项指标的计算方法" in text


def test_last_complete_month_by_default(client, book, quick_pdf):
    response = review(client, book.manager)
    assert response.status_code == 200
    assert 'filename="monthly-review_2026-11_CNY.pdf"' in response["Content-Disposition"]
    assert last_complete_month(dt.date(2027, 1, 4)) == dt.date(2026, 12, 1)


def test_only_managers_and_admins_get_the_review(client, book, quick_pdf):
    for user in (book.collector_a, book.finance):
        assert review(client, user).status_code == 404
    assert review(client, book.admin, month="2026-11").status_code == 200
    # A manager's review is their team's: another team is refused, never shown.
    response = review(client, book.other_manager, team=book.team.pk)
    assert response.status_code == 400
    assert "Content-Disposition" not in response
    west = review(client, book.other_manager, month="2026-11").content.decode()
    assert "West" in west and "¥5,000.00" in west
    assert "¥700.00" not in west


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"month": "2026-13"}, "Give the month as YYYY-MM"),
        ({"month": "November"}, "Give the month as YYYY-MM"),
        ({"month": "2027-01"}, "That month has not started yet."),
        ({"month": "2026-11", "currency": "C1"}, "A currency is a three-letter code"),
    ],
)
def test_a_bad_month_is_refused_with_a_message(client, book, params, message):
    response = review(client, book.manager, **params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Content-Disposition" not in response


def test_the_best_talk_track_per_debtor_type(book):
    gentle = TalkTrackFactory(title="Gentle reminder", debtor_type="unknown")
    blunt = TalkTrackFactory(title="Blunt reminder", debtor_type="unknown")
    for track, outcome in ((gentle, "promise"), (gentle, "right_party"), (blunt, "no_answer")):
        call = InteractionFactory(
            debtor=book.debtor_a,
            started_at=dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC),
            outcome=outcome,
            right_party_contact=outcome != "no_answer",
        )
        call.talk_tracks.add(track)
    filters = Filters(*month_bounds(NOVEMBER), currency="CNY", scope=debtor_scope(book.manager))
    [row] = best_tracks(filters)
    assert row["type"] == "Not yet typed"
    assert row["track"] == "Gentle reminder (v1)"
    assert (row["uses"], row["right_party_rate"], row["low_sample"]) == (2, "100.0%", True)
    # Another team's manager sees no uses on debtors they do not have.
    assert best_tracks(replace(filters, scope=debtor_scope(book.other_manager))) == []


def test_figures_in_words():
    assert figure_text(Decimal("1234.5"), "money", "CNY") == "¥1,234.50"
    assert figure_text(None, "rate", "CNY") == "—"
    assert change_text(Decimal("-0.05"), "rate", "CNY") == "−5.0 pp"
    assert change_text(Decimal("0"), "int", "CNY") == "±0"


# -- the morning mail ------------------------------------------------------------------


def test_working_days_follow_the_company_calendar():
    assert TODAY.weekday() == 1 and is_working_day(TODAY)
    assert first_working_day(2026, 12) == TODAY
    assert first_working_day(2026, 10) == dt.date(2026, 10, 8)  # National Day week
    assert first_working_day(2027, 1) == dt.date(2027, 1, 4)  # New Year, then a weekend
    assert first_working_day(2026, 2) == dt.date(2026, 2, 2)  # the 1st is a Sunday
    assert first_working_day(2026, 8, country="") == dt.date(2026, 8, 3)


def test_the_first_working_day_sends_each_manager_their_review_once(book):
    book.other_manager.language = "zh-hans"
    book.other_manager.save()
    result = monthly_reviews_send(today=TODAY)
    assert result.month == NOVEMBER
    assert sorted(result.sent) == sorted([book.manager.pk, book.other_manager.pk])
    assert len(mail.outbox) == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    east = by_recipient[book.manager.email]
    assert east.subject == "Monthly review November 2026: East"
    assert "Hello" in east.body
    name, pdf, kind = east.attachments[0]
    assert (name, kind) == ("monthly-review_2026-11_CNY.pdf", "application/pdf")
    assert "Collected ¥700.00" in pdf_text(pdf)
    west = by_recipient[book.other_manager.email]
    assert west.subject.startswith("月度回顾")
    assert "¥5,000.00" in pdf_text(west.attachments[0][1])
    assert set(MonthlyReviewSent.objects.values_list("month", "recipient")) == {
        (NOVEMBER, book.manager.pk),
        (NOVEMBER, book.other_manager.pk),
    }
    # A second run the same morning (or a retry) sends nothing.
    again = monthly_reviews_send(today=TODAY)
    assert again.sent == [] and len(again.already) == 2
    assert len(mail.outbox) == 2


def test_a_team_with_another_currency_gets_a_review_for_each(book, quick_pdf):
    monthly_reviews_send(today=TODAY)
    east = next(m for m in mail.outbox if m.to == [book.manager.email])
    assert [a[0] for a in east.attachments] == [
        "monthly-review_2026-11_CNY.pdf",
        "monthly-review_2026-11_USD.pdf",
    ]


def test_any_other_day_sends_nothing(book):
    for day in (dt.date(2026, 12, 2), dt.date(2026, 11, 30), dt.date(2026, 10, 1)):
        assert monthly_reviews_send(today=day).month is None
    assert mail.outbox == []
    assert not MonthlyReviewSent.objects.exists()


def test_a_failed_send_leaves_no_record_so_a_retry_sends_it(book, quick_pdf, settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    result = monthly_reviews_send(today=TODAY)
    assert sorted(result.failed) == sorted([book.manager.pk, book.other_manager.pk])
    assert not MonthlyReviewSent.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The retry names the month: it sends even when the first working day is over.
    retry = monthly_reviews_send(today=dt.date(2026, 12, 2), month=NOVEMBER)
    assert len(retry.sent) == 2
    assert len(mail.outbox) == 2


def test_a_manager_without_an_email_address_is_skipped(book, quick_pdf):
    book.other_manager.email = ""
    book.other_manager.save()
    result = monthly_reviews_send(today=TODAY)
    assert result.skipped == [book.other_manager.pk]
    assert result.sent == [book.manager.pk]


def test_the_task_is_registered_and_scheduled_every_morning(book, quick_pdf):
    entry = settings.CELERY_BEAT_SCHEDULE["monthly-review-emails"]
    assert entry["task"] == "reports.review_tasks.send_monthly_reviews"
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {30}
    assert "reports.review_tasks.send_monthly_reviews" in celery_app.tasks
    outcome = send_monthly_reviews.apply().get()
    assert outcome == {"month": "2026-11-01", "sent": 2, "already": 0, "skipped": 0}
    assert send_monthly_reviews.apply().get()["already"] == 2
    assert len(mail.outbox) == 2


def test_the_task_retries_the_month_when_a_send_failed(book, quick_pdf, settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    with pytest.raises(Retry):
        send_monthly_reviews.apply()
    assert not MonthlyReviewSent.objects.exists()
    assert mail.outbox == []
