"""Exchange rates: the lookup on a day, converted totals (none rather than a
partial sum), the services and the all-or-nothing CSV import, the pages and
the API (who may see and change what), and the converted-total include."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.test import Client
from django.urls import NoReverseMatch, URLResolver, include, path, reverse
from django.utils import translation

from accounts.models import AuditEvent
from collections_crm import urls as root_urls
from reports import fx_api, urls_fx
from reports.fx import converted_total, rate_on, rates_on
from reports.fx_services import rate_create, rate_delete, rate_update, rates_import_csv
from reports.models import ExchangeRate

NOW = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
DAY = dt.date(2026, 11, 30)


def _urlpatterns():
    """The site's URLs, with the rate pages and API added where the project
    does not include them yet (so these tests run before and after)."""
    try:
        reverse("reports:fx-rates", urlconf=root_urls)
        reverse("api:exchange-rate-list", urlconf=root_urls)
        return root_urls.urlpatterns
    except NoReverseMatch:
        pass
    patterns = []
    for p in root_urls.urlpatterns:
        if isinstance(p, URLResolver) and p.namespace == "reports":
            p = path(str(p.pattern), include(([*p.url_patterns, *urls_fx.urlpatterns], "reports")))
        elif isinstance(p, URLResolver) and p.namespace == "api":
            p = path(str(p.pattern), include(([*p.url_patterns, *fx_api.urlpatterns], "api")))
        patterns.append(p)
    return patterns


urlpatterns = _urlpatterns()
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture(autouse=True)
def _frozen(settings):
    settings.BASE_CURRENCY = "CNY"
    with time_machine.travel(NOW, tick=False):
        yield


def rate(currency, day, value, by=None) -> ExchangeRate:
    return ExchangeRate.objects.create(
        currency=currency, valid_from=day, rate=Decimal(value), entered_by=by
    )


def csv_bytes(*lines: str, bom=False) -> bytes:
    return (("\ufeff" if bom else "") + "\n".join(lines) + "\n").encode()


def problems_of(exc_info) -> list[str]:
    return exc_info.value.messages


# ---------------------------------------------------------------- lookup


class TestRateOnADay:
    def test_a_rate_applies_from_its_own_day(self):
        rate("USD", DAY, "7.1")
        assert rate_on("USD", DAY) == Decimal("7.1")

    def test_before_the_first_rate_there_is_none(self):
        rate("USD", DAY, "7.1")
        assert rate_on("USD", DAY - dt.timedelta(days=1)) is None

    def test_the_latest_rate_on_or_before_the_day_applies(self):
        rate("USD", dt.date(2026, 11, 1), "7.0")
        rate("USD", DAY, "7.2")
        rate("USD", dt.date(2026, 12, 15), "7.4")
        assert rate_on("USD", dt.date(2026, 11, 29)) == Decimal("7.0")
        assert rate_on("USD", DAY) == Decimal("7.2")
        assert rate_on("USD", dt.date(2026, 12, 14)) == Decimal("7.2")

    def test_the_base_currency_is_always_one(self):
        assert rate_on("CNY", dt.date(1999, 1, 1)) == Decimal(1)

    def test_an_unknown_currency_has_none(self):
        assert rate_on("XAU", DAY) is None

    def test_several_currencies_are_read_in_one_query(self, django_assert_num_queries):
        rate("USD", dt.date(2026, 11, 1), "7.0")
        rate("USD", DAY, "7.2")
        rate("EUR", dt.date(2026, 10, 1), "7.7")
        rate("JPY", dt.date(2026, 12, 5), "0.05")  # not yet in force
        with django_assert_num_queries(1):
            found = rates_on(["USD", "EUR", "JPY", "CNY"], DAY)
        assert {c: r.rate for c, r in found.items()} == {
            "USD": Decimal("7.2"),
            "EUR": Decimal("7.7"),
            "CNY": Decimal(1),
        }
        assert found["USD"].valid_from == DAY
        assert found["CNY"].valid_from is None


class TestConvertedTotal:
    def test_each_line_is_converted_and_rounded_then_added(self):
        rate("USD", dt.date(2026, 11, 28), "7.12345")
        rate("EUR", DAY, "7.6")
        amounts = {"CNY": Decimal("1000.00"), "USD": Decimal("10.01"), "EUR": Decimal("2.50")}
        converted = converted_total(amounts, DAY)
        assert converted.currency == "CNY"
        assert converted.day == DAY
        # 10.01 × 7.12345 = 71.3057… → 71.31; 2.50 × 7.6 = 19.00
        assert converted.total == Decimal("1090.31")
        assert {ln.currency: ln.converted for ln in converted.lines} == {
            "CNY": Decimal("1000.00"),
            "EUR": Decimal("19.00"),
            "USD": Decimal("71.31"),
        }
        assert converted.rates["USD"].valid_from == dt.date(2026, 11, 28)
        assert [ln.currency for ln in converted.foreign] == ["EUR", "USD"]

    def test_one_missing_rate_means_no_total_not_a_partial_sum(self):
        rate("USD", DAY, "7.1")
        amounts = {"CNY": Decimal("100"), "USD": Decimal("10"), "EUR": Decimal("5")}
        assert converted_total(amounts, DAY) is None

    def test_a_rate_entered_after_the_day_does_not_count(self):
        rate("USD", DAY + dt.timedelta(days=1), "7.1")
        assert converted_total({"USD": Decimal("10")}, DAY) is None

    def test_a_zero_amount_needs_no_rate(self):
        rate("USD", DAY, "7")
        converted = converted_total({"USD": Decimal("10"), "EUR": Decimal("0.00")}, DAY)
        assert converted.total == Decimal("70.00")

    def test_nothing_to_convert(self):
        assert converted_total({}, DAY) is None
        assert converted_total({"CNY": Decimal("5")}, DAY).foreign == ()


class TestConvertedTotalInclude:
    def test_it_shows_the_total_marked_as_converted(self):
        rate("USD", dt.date(2026, 11, 28), "7.10000000")
        converted = converted_total({"CNY": Decimal("5244.50"), "USD": Decimal("1000")}, DAY)
        html = render_to_string("reports/_converted_total.html", {"converted": converted})
        assert "≈ ¥12,344.50" in html
        assert "converted to CNY at the rates of 2026-11-30" in html
        assert "1 USD = 7.1 CNY from 2026-11-28" in html
        assert 'data-testid="converted-total"' in html

    def test_it_shows_nothing_without_a_total_or_when_nothing_was_converted(self):
        html = render_to_string("reports/_converted_total.html", {"converted": None})
        assert html.strip() == ""
        only_base = converted_total({"CNY": Decimal("5")}, DAY)
        html = render_to_string("reports/_converted_total.html", {"converted": only_base})
        assert html.strip() == ""

    def test_it_speaks_chinese(self):
        rate("USD", DAY, "7.1")
        converted = converted_total({"USD": Decimal("1")}, DAY)
        with translation.override("zh-hans"):
            html = render_to_string("reports/_converted_total.html", {"converted": converted})
        assert "≈ ¥7.10" in html
        assert "converted to" not in html


# ---------------------------------------------------------------- services


class TestRateServices:
    def test_finance_adds_a_rate_and_it_is_audited(self, personas):
        row = rate_create(personas.finance, currency=" usd ", valid_from="2026-11-30", rate="7.1")
        assert (row.currency, row.valid_from, row.rate) == ("USD", DAY, Decimal("7.1"))
        assert row.entered_by == personas.finance
        event = AuditEvent.objects.get(action="exchange_rate.create")
        assert event.after == {"currency": "USD", "valid_from": "2026-11-30", "rate": "7.1"}

    @pytest.mark.parametrize(
        ("field", "data"),
        [
            ("currency", {"currency": "US"}),
            ("currency", {"currency": "U$D"}),
            ("currency", {"currency": "CNY"}),  # the base currency itself
            ("currency", {"currency": ""}),
            ("valid_from", {"valid_from": "30/11/2026"}),
            ("valid_from", {"valid_from": "2026-02-30"}),
            ("rate", {"rate": "0"}),
            ("rate", {"rate": "-7"}),
            ("rate", {"rate": "abc"}),
            ("rate", {"rate": "NaN"}),
            ("rate", {"rate": "0.000000001"}),  # zero at 8 places
            ("rate", {"rate": "12345678901"}),
        ],
    )
    def test_bad_values_are_refused_with_the_field_named(self, personas, field, data):
        values = {"currency": "USD", "valid_from": "2026-11-30", "rate": "7.1", **data}
        with pytest.raises(ValidationError) as exc:
            rate_create(personas.finance, **values)
        assert list(exc.value.message_dict) == [field]
        assert not ExchangeRate.objects.exists()

    def test_the_same_currency_and_day_twice_is_refused(self, personas):
        rate("USD", DAY, "7.1")
        with pytest.raises(ValidationError) as exc:
            rate_create(personas.finance, currency="USD", valid_from=DAY, rate="7.2")
        assert "already a rate for USD from 2026-11-30" in exc.value.message_dict["valid_from"][0]

    @pytest.mark.parametrize("persona", ["collector_a", "manager"])
    def test_only_finance_and_admins_write(self, personas, persona):
        row = rate("USD", DAY, "7.1")
        user = getattr(personas, persona)
        with pytest.raises(PermissionDenied):
            rate_create(user, currency="EUR", valid_from=DAY, rate="7.6")
        with pytest.raises(PermissionDenied):
            rate_update(user, row, currency="USD", valid_from=DAY, rate="7.2")
        with pytest.raises(PermissionDenied):
            rate_delete(user, row)

    def test_update_and_delete_are_audited(self, personas):
        row = rate("USD", DAY, "7.1", by=personas.finance)
        rate_update(personas.admin, row, currency="USD", valid_from=DAY, rate="7.25")
        row.refresh_from_db()
        assert row.rate == Decimal("7.25") and row.entered_by == personas.admin
        update = AuditEvent.objects.get(action="exchange_rate.update")
        assert (update.before["rate"], update.after["rate"]) == ("7.1", "7.25")
        rate_delete(personas.finance, row)
        assert not ExchangeRate.objects.exists()
        assert AuditEvent.objects.get(action="exchange_rate.delete").target_id == update.target_id

    def test_an_update_onto_another_rates_day_is_refused(self, personas):
        rate("USD", DAY, "7.1")
        other = rate("USD", dt.date(2026, 12, 1), "7.2")
        with pytest.raises(ValidationError):
            rate_update(personas.finance, other, currency="USD", valid_from=DAY, rate="7.2")


# ---------------------------------------------------------------- CSV import


class TestCsvImport:
    def test_comma_file_is_imported(self, personas):
        data = csv_bytes("currency,valid_from,rate", "USD,2026-11-30,7.1", "eur,2026-11-30,7.65")
        result = rates_import_csv(personas.finance, data)
        assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
        assert rate_on("EUR", DAY) == Decimal("7.65")
        assert AuditEvent.objects.filter(action="exchange_rate.import").count() == 2

    def test_semicolons_a_bom_a_decimal_comma_and_any_column_order(self, personas):
        data = csv_bytes("Rate;Currency;Valid_From", "7,1;USD;2026-11-30", "", bom=True)
        assert rates_import_csv(personas.finance, data).created == 1
        assert rate_on("USD", DAY) == Decimal("7.1")

    def test_existing_rows_are_updated_and_same_ones_left_alone(self, personas):
        kept = rate("USD", DAY, "7.1", by=personas.admin)
        changed = rate("EUR", DAY, "7.5", by=personas.admin)
        data = csv_bytes(
            "currency,valid_from,rate", "USD,2026-11-30,7.1", "EUR,2026-11-30,7.65",
            "GBP,2026-11-30,9.0",
        )  # fmt: skip
        result = rates_import_csv(personas.finance, data)
        assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
        changed.refresh_from_db()
        kept.refresh_from_db()
        assert changed.rate == Decimal("7.65") and changed.entered_by == personas.finance
        assert kept.entered_by == personas.admin
        assert ExchangeRate.objects.count() == 3
        event = AuditEvent.objects.get(action="exchange_rate.import", before__rate="7.5")
        assert event.after["rate"] == "7.65"

    def test_one_bad_line_and_nothing_is_saved_with_every_problem_listed(self, personas):
        existing = rate("USD", DAY, "7.0")
        data = csv_bytes(
            "currency,valid_from,rate",
            "USD,2026-11-30,7.2",  # would update: must not
            "EUR,2026-13-01,7.6",  # bad date
            "GBP,2026-11-30,abc",  # bad rate
            "JPY,2026-11-30,0",  # not > 0
            "EUR,2026-12-01,7.6",
            "EUR,2026-12-01,7.7",  # duplicate of line 6
            "CNY,2026-12-01,1",  # the base currency
        )
        with pytest.raises(ValidationError) as exc:
            rates_import_csv(personas.finance, data)
        problems = problems_of(exc)
        assert problems[0].startswith("Line 3: ") and "2026-13-01" in problems[0]
        assert problems[1].startswith("Line 4: ") and "abc" in problems[1]
        assert problems[2].startswith("Line 5: ") and "greater than zero" in problems[2]
        assert problems[3] == "Line 7: EUR from 2026-12-01 is already on line 6."
        assert problems[4].startswith("Line 8: CNY is the base currency")
        assert len(problems) == 5
        existing.refresh_from_db()
        assert existing.rate == Decimal("7.0")
        assert ExchangeRate.objects.count() == 1
        assert not AuditEvent.objects.exists()

    def test_unknown_and_missing_columns_are_named(self, personas):
        data = csv_bytes("currency,date,rate,comment", "USD,2026-11-30,7.1,x")
        with pytest.raises(ValidationError) as exc:
            rates_import_csv(personas.finance, data)
        assert problems_of(exc) == [
            "Line 1: unknown columns “date”, “comment”; "
            "the columns are currency, valid_from, rate.",
            "Line 1: missing columns valid_from; the columns are currency, valid_from, rate.",
        ]

    def test_a_line_of_the_wrong_width(self, personas):
        data = csv_bytes("currency,valid_from,rate", "USD,2026-11-30")
        with pytest.raises(ValidationError) as exc:
            rates_import_csv(personas.finance, data)
        assert problems_of(exc) == ["Line 2: 2 values where the header has 3."]

    @pytest.mark.parametrize(
        ("data", "text"),
        [
            (b"", "The file is empty."),
            (csv_bytes("currency,valid_from,rate"), "no rates below its header"),
            ("currency,valid_from,rate\nCHF,2026-11-30,8\n".encode("utf-16"), "not UTF-8"),
            (b"currency,valid_from,rate\n\xe9,2026-11-30,1\n", "not UTF-8"),
        ],
    )
    def test_files_that_cannot_be_read(self, personas, data, text):
        with pytest.raises(ValidationError) as exc:
            rates_import_csv(personas.finance, data)
        assert text in problems_of(exc)[0]

    def test_the_messages_are_in_the_users_language(self, personas):
        data = csv_bytes("currency,valid_from,rate", "USD,2026-11-31,7.1")
        with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
            rates_import_csv(personas.finance, data)
        assert problems_of(exc)[0].startswith("第 2 行：")
        assert "2026-11-31" in problems_of(exc)[0]

    def test_a_collector_cannot_import(self, personas):
        with pytest.raises(PermissionDenied):
            rates_import_csv(personas.collector_a, csv_bytes("currency,valid_from,rate"))


# ---------------------------------------------------------------- pages


def as_user(client, user) -> Client:
    client.force_login(user)
    return client


def fx_url(name, *args) -> str:
    return reverse(f"reports:{name}", args=args)


class TestPageAccess:
    @pytest.mark.parametrize(
        ("name", "needs_row"),
        [
            ("fx-rates", False),
            ("fx-rates-csv", False),
            ("fx-rate-add", False),
            ("fx-rates-import", False),
            ("fx-rate-edit", True),
            ("fx-rate-delete", True),
        ],
    )
    def test_collectors_get_404_everywhere(self, client, personas, name, needs_row):
        row = rate("USD", DAY, "7.1")
        url = fx_url(name, row.pk) if needs_row else fx_url(name)
        assert as_user(client, personas.collector_a).get(url).status_code == 404
        assert client.post(url, {}).status_code in (404, 405)

    def test_anonymous_visitors_are_sent_to_log_in(self, client):
        response = client.get(fx_url("fx-rates"))
        assert response.status_code == 302 and "/accounts/" in response.url

    def test_managers_read_but_do_not_change(self, client, personas):
        row = rate("USD", DAY, "7.1", by=personas.finance)
        client = as_user(client, personas.manager)
        response = client.get(fx_url("fx-rates"))
        body = response.content.decode()
        assert response.status_code == 200
        assert "7.1" in body and fx_url("fx-rate-edit", row.pk) not in body
        assert "fx-upload-card" not in body and "fx-add" not in body
        assert client.get(fx_url("fx-rates-csv")).status_code == 200
        for url in (fx_url("fx-rate-add"), fx_url("fx-rates-import")):
            assert client.get(url).status_code == 404
        assert client.post(fx_url("fx-rate-delete", row.pk)).status_code == 404
        data = {"currency": "USD", "valid_from": "2026-11-30", "rate": "9"}
        assert client.post(fx_url("fx-rate-edit", row.pk), data).status_code == 404
        row.refresh_from_db()
        assert row.rate == Decimal("7.1")


class TestPagesForFinance:
    def test_the_list_filters_by_currency_and_shows_todays_rates(self, client, personas):
        rate("USD", DAY, "7.1")
        rate("USD", dt.date(2026, 12, 10), "7.3")  # not yet in force
        rate("EUR", DAY, "7.65")
        client = as_user(client, personas.finance)
        body = client.get(fx_url("fx-rates"), {"currency": "usd"}).content.decode()
        table = body.split('data-testid="fx-table"')[1]
        assert "7.3" in table and "7.65" not in table
        in_force = body.split('data-testid="fx-in-force"')[1].split("</section>")[0]
        assert "7.1" in in_force and "7.3" not in in_force and "7.65" in in_force

    def test_add_edit_delete(self, client, personas):
        client = as_user(client, personas.finance)
        data = {"currency": "usd", "valid_from": "2026-11-30", "rate": "7.1"}
        response = client.post(fx_url("fx-rate-add"), data)
        assert response.status_code == 302
        row = ExchangeRate.objects.get()
        data["rate"] = "7.2"
        assert client.post(fx_url("fx-rate-edit", row.pk), data).status_code == 302
        row.refresh_from_db()
        assert row.rate == Decimal("7.2")
        assert client.get(fx_url("fx-rate-delete", row.pk)).status_code == 200
        assert client.post(fx_url("fx-rate-delete", row.pk)).status_code == 302
        assert not ExchangeRate.objects.exists()

    def test_a_bad_rate_is_shown_by_its_field(self, client, personas):
        client = as_user(client, personas.finance)
        data = {"currency": "USD", "valid_from": "2026-11-30", "rate": "-1"}
        response = client.post(fx_url("fx-rate-add"), data)
        assert response.status_code == 400
        assert "The rate must be greater than zero." in response.content.decode()

    def test_an_upload_with_bad_lines_lists_them_and_saves_nothing(self, client, personas):
        client = as_user(client, personas.finance)
        upload = _upload(csv_bytes("currency,valid_from,rate", "USD,2026-11-30,7.1", "EUR,x,1"))
        response = client.post(fx_url("fx-rates-import"), {"file": upload})
        assert response.status_code == 400
        assert "Line 3: “x” is not a date" in response.content.decode()
        assert not ExchangeRate.objects.exists()

    def test_a_good_upload_and_the_download_round_trip(self, client, personas):
        client = as_user(client, personas.finance)
        upload = _upload(csv_bytes("currency,valid_from,rate", "USD,2026-11-30,7.1"))
        assert client.post(fx_url("fx-rates-import"), {"file": upload}).status_code == 302
        response = client.get(fx_url("fx-rates-csv"))
        assert response["Content-Type"].startswith("text/csv")
        text = response.content.decode("utf-8")
        assert text == "\ufeffcurrency,valid_from,rate\r\nUSD,2026-11-30,7.1\r\n"
        again = rates_import_csv(personas.finance, response.content)
        assert again.unchanged == 1

    def test_the_pages_speak_chinese(self, client, personas):
        personas.finance.language = "zh-hans"
        personas.finance.save()
        client = as_user(client, personas.finance)
        body = client.get(fx_url("fx-rates"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "汇率" in body


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("rates.csv", data, content_type="text/csv")


class TestCsrf:
    def test_a_post_without_the_token_is_refused(self, personas):
        client = Client(enforce_csrf_checks=True)
        client.force_login(personas.finance)
        data = {"currency": "USD", "valid_from": "2026-11-30", "rate": "7.1"}
        assert client.post(fx_url("fx-rate-add"), data).status_code == 403
        assert not ExchangeRate.objects.exists()
        client.get(fx_url("fx-rate-add"))
        data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
        assert client.post(fx_url("fx-rate-add"), data).status_code == 302
        assert ExchangeRate.objects.count() == 1


# ---------------------------------------------------------------- API


class TestApi:
    @property
    def url(self) -> str:
        return reverse("api:exchange-rate-list")

    def test_finance_lists_and_creates(self, client, personas):
        rate("USD", DAY, "7.1", by=personas.admin)
        client = as_user(client, personas.finance)
        body = client.get(self.url, {"currency": "USD"}).json()
        assert body["count"] == 1
        assert body["results"][0]["rate"] == "7.10000000"
        assert body["results"][0]["base_currency"] == "CNY"
        response = client.post(
            self.url, {"currency": "EUR", "valid_from": "2026-11-30", "rate": "7.65"}
        )
        assert response.status_code == 201
        assert response.json()["entered_by"] == personas.finance.username
        assert rate_on("EUR", DAY) == Decimal("7.65")

    def test_bad_input_is_a_400_by_field(self, client, personas):
        client = as_user(client, personas.finance)
        response = client.post(self.url, {"currency": "CNY", "valid_from": "x", "rate": "0"})
        assert response.status_code == 400
        assert set(response.json()) == {"currency", "valid_from", "rate"}

    def test_managers_read_only_and_collectors_see_nothing(self, client, personas):
        data = {"currency": "EUR", "valid_from": "2026-11-30", "rate": "7.65"}
        client = as_user(client, personas.manager)
        assert client.get(self.url).status_code == 200
        assert client.post(self.url, data).status_code == 403
        client = as_user(client, personas.collector_a)
        assert client.get(self.url).status_code == 404
        assert client.post(self.url, data).status_code == 404
        assert not ExchangeRate.objects.exists()

    def test_it_is_in_the_schema(self, client, personas):
        schema = as_user(client, personas.finance).get("/api/schema/?format=json").json()
        operations = schema["paths"][self.url]
        assert set(operations) >= {"get", "post"}
