"""Field visits: planning at a good moment, the visit pack (PDF and preview),
and access to both."""

import datetime as dt
import io
import re
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import AuditEvent
from debtors.services import debtor_refresh_summary
from desk.visit_pack import visit_pack_context, visit_pack_pdf
from desk.visit_views import pack_filename
from followups import timing
from followups.models import FollowUp, Interaction
from followups.planning import followup_complete
from followups.visits import visit_plan
from tests.debtors.factories import (
    ContactFactory,
    DebtorFactory,
    InvoiceFactory,
    PaymentAllocationFactory,
    PaymentFactory,
)
from tests.followups.factories import (
    DebtorPolicyOverrideFactory,
    InstalmentFactory,
    InteractionFactory,
    PromiseToPayFactory,
)

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
GOOD_WEEKDAYS = {1, 3, 4}  # Tue, Thu, Fri


def _text(pdf: bytes) -> str:
    """The PDF's text with all whitespace removed (line breaks fall anywhere)."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _assert_first_15_minutes_of_a_good_weekday(followup, zone, opens):
    local = followup.due_at.astimezone(zone)
    start = dt.datetime.combine(local.date(), opens, tzinfo=zone)
    assert start <= local < start + dt.timedelta(minutes=15)
    assert local.weekday() in GOOD_WEEKDAYS
    return local


# ------------------------------------------------------------------- planning


@time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_it_plans_a_shanghai_visit_in_the_first_15_minutes_of_a_good_weekday(personas):
    debtor = personas.debtor_a  # Asia/Shanghai, 09:00-18:00, Mon-Fri
    followup = visit_plan(actor=personas.collector_a, debtor=debtor)

    local = _assert_first_15_minutes_of_a_good_weekday(followup, SHANGHAI, dt.time(9, 0))
    assert local.date() == dt.date(2026, 11, 27)  # Friday, the best weekday, within 7 days
    assert followup.reason == FollowUp.Reason.VISIT
    assert followup.action == "visit"
    assert followup.status == FollowUp.Status.SCHEDULED
    assert followup.assigned_to == personas.collector_a
    assert "first 15 minutes" in timing.explain(followup.slot_explain)
    debtor.refresh_from_db()
    assert debtor.next_action_at == followup.due_at
    event = AuditEvent.objects.get(action="followup.visit_plan")
    assert event.actor == personas.collector_a
    assert event.target_id == followup.public_id


@time_machine.travel(dt.datetime(2026, 12, 7, 9, 30, tzinfo=NEW_YORK), tick=False)
def test_it_plans_a_new_york_visit_in_their_local_time(personas):
    debtor = DebtorFactory(
        timezone="America/New_York",
        country="US",
        language="en",
        currency="USD",
        business_hours_start=dt.time(9, 0),
        business_hours_end=dt.time(17, 0),
        lunch_start=None,
        lunch_end=None,
        assigned_collector=personas.collector_a,
        team=personas.team,
    )
    followup = visit_plan(actor=personas.manager, debtor=debtor)

    local = _assert_first_15_minutes_of_a_good_weekday(followup, NEW_YORK, dt.time(9, 0))
    assert local.date() == dt.date(2026, 12, 11)  # Friday
    assert followup.due_at == dt.datetime(2026, 12, 11, 14, 5, tzinfo=dt.UTC)  # 09:05 EST
    assert followup.assigned_to == personas.collector_a  # the debtor's collector visits


@time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_it_refuses_a_debtor_who_may_not_be_contacted_with_a_clear_message(personas):
    debtor = personas.debtor_a
    debtor.do_not_contact = True
    debtor.save()

    with pytest.raises(ValidationError) as error:
        visit_plan(actor=personas.collector_a, debtor=debtor)

    assert error.value.messages == [
        "No visit can be planned: the debtor asked not to be contacted."
    ]
    assert not FollowUp.objects.filter(debtor=debtor).exists()
    assert not AuditEvent.objects.filter(action="followup.visit_plan").exists()


@time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_it_refuses_when_the_policy_leaves_no_moment_within_7_days(personas):
    DebtorPolicyOverrideFactory(debtor=personas.debtor_a, quiet_weekdays=[0, 1, 2, 3, 4, 5, 6])

    with pytest.raises(ValidationError) as error:
        visit_plan(actor=personas.collector_a, debtor=personas.debtor_a)

    assert "no allowed moment in the next 7 days" in error.value.messages[0]
    assert not FollowUp.objects.filter(debtor=personas.debtor_a).exists()


@time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_it_is_idempotent_while_a_visit_is_open(personas):
    first = visit_plan(actor=personas.collector_a, debtor=personas.debtor_a)
    again = visit_plan(
        actor=personas.collector_a,
        debtor=personas.debtor_a,
        earliest=dt.datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI),
    )

    assert again.pk == first.pk
    assert FollowUp.objects.filter(debtor=personas.debtor_a).count() == 1
    assert AuditEvent.objects.filter(action="followup.visit_plan").count() == 1


@time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_a_visit_is_completed_like_a_call_and_the_next_one_can_be_planned(personas):
    visit = visit_plan(actor=personas.collector_a, debtor=personas.debtor_a)
    interaction = InteractionFactory(
        debtor=personas.debtor_a,
        channel="visit",
        outcome=Interaction.Outcome.PROMISE,
        started_at=visit.due_at,
    )

    followup_complete(visit, interaction=interaction, now=visit.due_at)

    visit.refresh_from_db()
    assert visit.status == FollowUp.Status.DONE
    assert visit.interaction == interaction
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI), tick=False):
        following = visit_plan(actor=personas.collector_a, debtor=personas.debtor_a)
    assert following.pk != visit.pk
    assert following.due_at > visit.due_at


# ----------------------------------------------------------------------- pack


def _debtor_with_file(personas, *, invoices=3, **fields):
    debtor = DebtorFactory(
        assigned_collector=personas.collector_a,
        team=personas.team,
        debtor_type="forgetful",
        **fields,
    )
    rows = [
        InvoiceFactory(
            debtor=debtor,
            number=f"{debtor.code}-INV-{n:03d}",
            due_date=dt.date(2026, 10, 1) + dt.timedelta(days=n),
            amount=Decimal("1000.00"),
        )
        for n in range(invoices)
    ]
    ContactFactory(debtor=debtor, name="Wang Fang", is_primary=True, is_decision_maker=True)
    payment = PaymentFactory(debtor=debtor, amount=Decimal("100.00"), reference="BANK-778")
    PaymentAllocationFactory(payment=payment, invoice=rows[0], amount=Decimal("100.00"))
    InteractionFactory(debtor=debtor, notes="Asked for the statement again.")
    promise = PromiseToPayFactory(debtor=debtor)
    InstalmentFactory(promise=promise)
    debtor_refresh_summary(debtor_ids=[debtor.pk], today=dt.date(2026, 11, 23))
    debtor.refresh_from_db()
    return debtor


@time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_the_pack_pdf_holds_the_statement_invoices_history_and_talk_track(personas):
    debtor = _debtor_with_file(personas, name="Harbour Logistics Ltd", language="en")
    visit_plan(actor=personas.collector_a, debtor=debtor)

    text = _text(visit_pack_pdf(debtor=debtor, user=personas.collector_a))

    assert "HarbourLogisticsLtd" in text
    for n in range(3):
        assert f"{debtor.code}-INV-{n:03d}" in text
    assert "¥3,000.00" in text  # total open and the 31-60 days bucket
    assert "BANK-778" in text  # payment records
    assert "Askedforthestatementagain." in text  # history
    assert "WangFang" in text  # who decides
    assert "Iwasinthearea" in text  # the visit track for a forgetful debtor…
    assert "GoodmorningWangFang" in text  # …filled with the debtor's data
    assert "first15minutes" in text  # when the visit is planned


@time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_the_pack_is_in_chinese_for_a_chinese_debtor(personas):
    debtor = _debtor_with_file(personas, name="上海华东贸易有限公司", language="zh-hans")

    text = _text(visit_pack_pdf(debtor=debtor, user=personas.collector_a))

    assert "上海华东贸易有限公司" in text
    assert "¥3,000.00" in text  # amounts are money_text's in every language
    assert "顺道过来看看您" in text  # the Chinese visit track
    assert f"{debtor.code}-INV-000" in text


@time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_the_pack_context_totals_per_aging_bucket_and_caps_the_list(personas, monkeypatch):
    monkeypatch.setattr("desk.visit_pack.MAX_PACK_INVOICES", 2)
    debtor = _debtor_with_file(personas, invoices=3, language="en")
    InvoiceFactory(debtor=debtor, due_date=dt.date(2026, 12, 1), amount=Decimal("50.00"))
    InvoiceFactory(debtor=debtor, due_date=dt.date(2026, 5, 1), amount=Decimal("70.00"))

    context = visit_pack_context(debtor=debtor, user=personas.collector_a)

    [statement] = context["statements"]
    assert statement.currency == "CNY"
    assert statement.amounts() == {
        "current": Decimal("50.00"),
        "d1_30": Decimal("0.00"),
        "d31_60": Decimal("3000.00"),
        "d61_90": Decimal("0.00"),
        "d91_180": Decimal("0.00"),
        "d181": Decimal("70.00"),
    }
    assert statement.open_total == Decimal("3120.00")
    assert statement.overdue_total == Decimal("3070.00")
    assert context["invoice_count"] == 5
    assert len(context["invoices"]) == 2 and context["more_invoices"] == 3
    assert context["invoices"][0].contract_reference == context["invoices"][0].number


def test_the_pack_reads_a_fixed_number_of_queries_whatever_the_number_of_invoices(personas):
    small = _debtor_with_file(personas, invoices=3)
    large = _debtor_with_file(personas, invoices=30)
    for debtor in (small, large):  # more payments and history too
        for _n in range(3):
            PaymentAllocationFactory(
                payment=PaymentFactory(debtor=debtor),
                invoice=InvoiceFactory(debtor=debtor, amount=Decimal("100.00")),
            )
            InteractionFactory(debtor=debtor)
    visit_pack_context(debtor=small, user=personas.collector_a)  # warm the policy cache

    with CaptureQueriesContext(connection) as few:
        visit_pack_context(debtor=small, user=personas.collector_a)
    with CaptureQueriesContext(connection) as many:
        visit_pack_context(debtor=large, user=personas.collector_a)

    assert len(few) == len(many)
    assert len(many) <= 20


# ---------------------------------------------------------------------- views


@time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_the_plan_view_plans_the_visit_and_returns_to_the_debtor(client, personas):
    client.force_login(personas.collector_a)
    url = reverse("desk:visit-plan", args=[personas.debtor_a.public_id])

    response = client.post(url, follow=True)

    detail = reverse("desk:debtor", args=[personas.debtor_a.public_id])
    assert response.redirect_chain[-1][0] == detail
    visit = FollowUp.objects.get(debtor=personas.debtor_a, reason=FollowUp.Reason.VISIT)
    assert "Field visit planned: 2026-11-27" in response.content.decode()
    assert visit.assigned_to == personas.collector_a
    assert client.get(url).status_code == 405


@time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_the_plan_view_shows_the_refusal(client, personas):
    personas.debtor_a.cease_contact = True
    personas.debtor_a.save()
    client.force_login(personas.collector_a)

    response = client.post(
        reverse("desk:visit-plan", args=[personas.debtor_a.public_id]), follow=True
    )

    assert "a cease-communication request is on file" in response.content.decode()
    assert not FollowUp.objects.filter(debtor=personas.debtor_a).exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("collector_b", 404), ("other_manager", 404), ("finance", 403)],
)
def test_the_plan_view_needs_write_access_to_the_debtor(client, personas, persona, status):
    client.force_login(getattr(personas, persona))
    url = reverse("desk:visit-plan", args=[personas.debtor_a.public_id])

    assert client.post(url).status_code == status
    assert not FollowUp.objects.exists()


def test_the_pack_is_a_pdf_with_a_safe_file_name(client, personas):
    client.force_login(personas.collector_a)

    response = client.get(reverse("desk:visit-pack", args=[personas.debtor_a.public_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="visit-pack-A-1.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF-")
    assert "AlphaTrading" in _text(response.content)


def test_the_file_name_keeps_only_safe_characters_of_the_code(client, personas):
    assert pack_filename("C000123") == "visit-pack-C000123.pdf"
    assert pack_filename('../"a\r\nb;客户') == "visit-pack-a_b.pdf"
    assert pack_filename("客户") == "visit-pack-debtor.pdf"
    debtor = DebtorFactory(
        code='evil"\r\nX-Injected: 1', assigned_collector=personas.collector_a, team=personas.team
    )
    client.force_login(personas.collector_a)

    response = client.get(reverse("desk:visit-pack", args=[debtor.public_id]))

    assert response["Content-Disposition"] == (
        'inline; filename="visit-pack-evil_X-Injected_1.pdf"'
    )
    assert "X-Injected" not in response.headers


def test_the_preview_is_the_same_pack_as_a_page(client, personas):
    ContactFactory(debtor=personas.debtor_a, name="<b>Li Lei</b>", is_decision_maker=True)
    client.force_login(personas.manager)

    response = client.get(
        reverse("desk:visit-pack-preview", args=[personas.debtor_a.public_id])
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Alpha Trading" in page
    assert "&lt;b&gt;Li Lei&lt;/b&gt;" in page  # autoescaped
    nonce = re.search(r'<style nonce="([^"]+)"', page).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("name", ["visit-pack", "visit-pack-preview"])
@pytest.mark.parametrize("persona", ["collector_b", "other_manager"])
def test_the_pack_is_404_for_a_debtor_the_user_may_not_see(client, personas, name, persona):
    client.force_login(getattr(personas, persona))

    response = client.get(reverse(f"desk:{name}", args=[personas.debtor_a.public_id]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["visit-plan", "visit-pack", "visit-pack-preview"])
def test_anonymous_users_are_sent_to_log_in(client, personas, name):
    url = reverse(f"desk:{name}", args=[personas.debtor_a.public_id])
    response = client.post(url) if name == "visit-plan" else client.get(url)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
