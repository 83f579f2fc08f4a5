"""Payment files: read, match, preview, commit, re-import, pages."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collections_crm.exceptions import ApplicationError
from debtors.imports.payment_services import payment_import_commit, payment_import_preview
from debtors.imports.payments import (
    HOW_AMOUNT_AND_NAME,
    HOW_CODE_EXACT,
    HOW_CODE_OLDEST,
    HOW_INVOICE_COLUMN,
    HOW_INVOICE_IN_TEXT,
    HOW_MANUAL,
    HOW_NAME_EXACT,
    line_import_reference,
)
from debtors.models import ImportBatch, Invoice, Payment
from tests.debtors.factories import DebtorFactory, InvoiceFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def upload(text: str, name: str = "bank.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding))


def preview(text: str, **kwargs) -> ImportBatch:
    return payment_import_preview(actor=None, upload=upload(text, **kwargs))


def lines_by_row(batch: ImportBatch) -> dict[int, dict]:
    return {line["row"]: line for line in batch.report["lines"]}


def open_amounts() -> dict[str, Decimal]:
    return dict(Invoice.objects.values_list("number", "open_amount"))


@pytest.fixture
def book():
    """Two debtors with open invoices; INV-1 is the oldest of Acme's."""
    acme = DebtorFactory(code="C001", name="Acme Trading")
    beta = DebtorFactory(code="C002", name="Beta Metals Co")
    InvoiceFactory(debtor=acme, number="INV-1", due_date=D(2026, 9, 1), amount=Decimal("1000"))
    InvoiceFactory(debtor=acme, number="INV-2", due_date=D(2026, 10, 1), amount=Decimal("500"))
    InvoiceFactory(debtor=beta, number="B-77", due_date=D(2026, 9, 15), amount=Decimal("750"))
    InvoiceFactory(debtor=beta, number="B-78", due_date=D(2026, 10, 15), amount=Decimal("320.50"))
    return acme, beta


class TestReading:
    def test_it_finds_the_header_below_a_title_and_reads_chinese_columns(self, book):
        text = (
            "中国工商银行 账户明细\n"
            "账号: 6222 0000 1111\n"
            "\n"
            "交易日期,摘要,对方户名,借方金额,贷方金额\n"
            "2026-11-03,货款 INV-2,Acme Trading,,500.00\n"
        )
        batch = preview(text)
        assert batch.status == ImportBatch.Status.PREVIEWED
        assert batch.report["header_row"] == 4
        assert batch.report["columns"]["amount"] == "贷方金额"
        (line,) = batch.report["lines"]
        assert (line["row"], line["date"], line["amount"]) == (5, "2026-11-03", "500.00")

    def test_debit_rows_and_negative_amounts_are_skipped_with_a_warning(self, book):
        text = (
            "Date,Description,Debit,Credit\n"
            "2026-11-03,Bank fee,15.00,\n"
            "2026-11-04,INV-2,,500.00\n"
            "2026-11-05,Refund,,-20.00\n"
        )
        batch = preview(text)
        assert [line["row"] for line in batch.report["lines"]] == [3]
        codes = sorted(w["code"] for w in batch.warnings)
        assert codes == ["debit", "negative"]
        assert batch.counts["skipped"] == 2
        assert all(w["message"]["en"] and w["message"]["zh_hans"] for w in batch.warnings)

    def test_a_debit_marker_column_is_respected(self, book):
        text = (
            "交易日期,金额,借贷标志,摘要\n2026-11-03,500.00,借,INV-2\n2026-11-04,500.00,贷,INV-2\n"
        )
        batch = preview(text)
        assert [line["row"] for line in batch.report["lines"]] == [3]
        assert [w["code"] for w in batch.warnings] == ["debit"]

    def test_a_file_without_an_amount_column_writes_nothing_and_says_why(self, book):
        batch = preview("Date,Description,Payer\n2026-11-03,INV-2,Acme Trading\n")
        assert batch.status == ImportBatch.Status.FAILED
        assert batch.report["refused"]["code"] == "no_amount_column"
        assert "No amount column" in batch.report["refused"]["message"]["en"]
        with pytest.raises(ApplicationError):
            payment_import_commit(batch=batch, actor=None)
        assert not Payment.objects.exists()
        assert open_amounts()["INV-2"] == Decimal("500.00")

    def test_it_reads_a_gbk_bank_export(self, book):
        text = '收款日期,收入金额,付款人,附言\n2026/11/03,"1,000.00",Acme Trading,货款\n'
        batch = preview(text, encoding="gbk")
        line = batch.report["lines"][0]
        assert (line["amount"], line["debtor_code"], line["how"]) == (
            "1000.00",
            "C001",
            HOW_NAME_EXACT,
        )
        assert line["reference"] == "货款"

    def test_it_reads_an_xlsx_export(self, book):
        import io

        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["Account statement"])
        sheet.append(["Value date", "Credit amount", "Remittance info", "Customer code"])
        sheet.append([D(2026, 11, 3), 750.0, "B-77", "C002"])
        sheet.append(["Total", 750.0, None, None])
        buffer = io.BytesIO()
        workbook.save(buffer)
        batch = payment_import_preview(
            actor=None, upload=SimpleUploadedFile("statement.xlsx", buffer.getvalue())
        )
        (line,) = batch.report["lines"]
        assert (line["row"], line["date"], line["amount"]) == (3, "2026-11-03", "750.00")
        assert (line["debtor_code"], line["invoice_numbers"]) == ("C002", ["B-77"])

    def test_a_file_too_long_is_refused(self, book, monkeypatch):
        from debtors.imports import payments

        monkeypatch.setattr(payments, "MAX_LINES", 3)
        rows = "".join(f"2026-11-03,{n}.00,x\n" for n in range(1, 80))
        batch = preview("Date,Amount,Reference\n" + rows)
        assert batch.status == ImportBatch.Status.FAILED
        assert batch.report["refused"]["code"] == "too_many_lines"

    def test_each_line_gets_a_stable_import_reference(self, book):
        text = "Date,Amount,Reference\n2026-11-03,500.00,INV-2\n"
        first, second = preview(text), preview(text)
        ref = first.report["lines"][0]["import_reference"]
        assert ref == second.report["lines"][0]["import_reference"]
        assert len(ref) == 40
        assert ref == line_import_reference(
            file_sha256=first.file_sha256,
            row=2,
            received_on=D(2026, 11, 3),
            amount=Decimal("500.00"),
            reference="INV-2",
        )


class TestMatching:
    def test_by_the_invoice_number_column(self, book):
        batch = preview("Date,Amount,Invoice No,Payer\n2026-11-03,320.50,B-78,Someone\n")
        line = batch.report["lines"][0]
        assert (line["debtor_code"], line["how"]) == ("C002", HOW_INVOICE_COLUMN)
        assert line["invoice_numbers"] == ["B-78"]
        assert line["how_label"]["en"] == "Invoice number column"

    def test_by_an_invoice_number_inside_the_reference_text(self, book):
        batch = preview("Date,Amount,Narrative\n2026-11-03,500.00,TRF ACME payment inv-2 thanks\n")
        line = batch.report["lines"][0]
        assert (line["debtor_code"], line["how"]) == ("C001", HOW_INVOICE_IN_TEXT)
        assert line["invoice_numbers"] == ["INV-2"]

    def test_a_number_run_into_chinese_text_matches(self, book):
        batch = preview("交易日期,贷方金额,附言\n2026-11-03,320.50,货款B-78已付\n")
        line = batch.report["lines"][0]
        assert (line["debtor_code"], line["invoice_numbers"]) == ("C002", ["B-78"])

    def test_a_number_inside_a_longer_word_does_not_match(self, book):
        batch = preview("Date,Amount,Memo\n2026-11-03,12.00,XINV-1 and INV-10\n")
        assert batch.report["lines"][0]["matched"] is False

    def test_by_customer_code_with_an_invoice_of_exactly_that_amount(self, book):
        batch = preview("Date,Amount,Customer code\n2026-11-03,500.00,c001\n")
        line = batch.report["lines"][0]
        assert (line["debtor_code"], line["how"]) == ("C001", HOW_CODE_EXACT)
        assert line["invoice_numbers"] == ["INV-2"]

    def test_by_payer_name_with_an_invoice_of_exactly_that_amount(self, book):
        batch = preview("Date,Amount,Counterparty\n2026-11-03,320.50,  beta metals co \n")
        line = batch.report["lines"][0]
        assert (line["debtor_code"], line["how"]) == ("C002", HOW_NAME_EXACT)
        assert line["invoice_numbers"] == ["B-78"]

    def test_oldest_first_when_no_invoice_fits_the_amount(self, book):
        batch = preview("Date,Amount,Customer code\n2026-11-03,1200.00,C001\n")
        line = batch.report["lines"][0]
        assert line["how"] == HOW_CODE_OLDEST
        assert line["invoice_numbers"] == []
        assert line["allocated"] == ["INV-1", "INV-2"]
        payment_import_commit(batch=batch, actor=None)
        assert open_amounts()["INV-1"] == Decimal("0.00")
        assert open_amounts()["INV-2"] == Decimal("300.00")

    def test_by_amount_and_a_payer_name_alike(self, book):
        batch = preview("Date,Amount,Payer\n2026-11-03,750.00,BETA METALS CO LTD SHANGHAI\n")
        line = batch.report["lines"][0]
        assert (line["debtor_code"], line["how"]) == ("C002", HOW_AMOUNT_AND_NAME)
        assert line["invoice_numbers"] == ["B-77"]

    def test_an_amount_alone_is_not_enough(self, book):
        batch = preview("Date,Amount,Payer\n2026-11-03,750.00,Somebody Else\n")
        line = batch.report["lines"][0]
        assert line["matched"] is False
        assert "Somebody Else" in line["reason"]["en"]

    def test_a_number_open_for_two_debtors_is_ambiguous(self, book):
        acme, beta = book
        InvoiceFactory(debtor=beta, number="INV-1", amount=Decimal("90"))
        batch = preview("Date,Amount,Reference\n2026-11-03,90.00,Invoice INV-1\n")
        line = batch.report["lines"][0]
        assert line["matched"] is False
        assert "more than one debtor" in line["reason"]["en"]
        assert "C001" in line["reason"]["en"] and "C002" in line["reason"]["en"]
        # the customer code settles it
        batch = preview("Date,Amount,Reference,Customer code\n2026-11-03,90.00,INV-1,C002\n")
        line = batch.report["lines"][0]
        assert (line["debtor_code"], line["how"]) == ("C002", HOW_INVOICE_IN_TEXT)

    def test_matching_costs_the_same_queries_for_many_lines(self, book):
        def lines(count):
            return "Date,Amount,Reference,Payer,Customer code\n" + "".join(
                f"2026-11-03,{n}.00,INV-{n % 3} x,Payer {n},C00{n % 4}\n" for n in range(count)
            )

        with CaptureQueriesContext(connection) as few:
            preview(lines(8))
        with CaptureQueriesContext(connection) as many:
            preview(lines(400))
        assert len(many) == len(few)


class TestCommit:
    CSV = (
        "Date,Amount,Reference,Payer\n"
        "2026-11-03,500.00,INV-2,\n"
        "2026-11-04,99.00,no idea,Stranger Ltd\n"
        "2026-11-05,320.50,payment,Beta Metals Co\n"
    )

    def test_it_records_matched_lines_and_lists_the_rest(self, book):
        batch = preview(self.CSV)
        assert batch.counts["matched"] == 2 and batch.counts["unmatched"] == 1
        assert not Payment.objects.exists()  # the preview writes nothing
        counts = payment_import_commit(batch=batch, actor=None)
        assert counts == {"recorded": 2, "skipped_already_recorded": 0, "unmatched": 1}
        assert open_amounts()["INV-2"] == Decimal("0.00")
        assert open_amounts()["B-78"] == Decimal("0.00")
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.COMMITTED
        assert lines_by_row(batch)[3].get("recorded") is None
        assert book[0].payments.get().import_reference == lines_by_row(batch)[2]["import_reference"]

    def test_the_same_file_again_records_nothing_and_says_duplicate(self, book):
        payment_import_commit(batch=preview(self.CSV), actor=None)
        before = open_amounts()
        again = preview(self.CSV)
        assert again.status == ImportBatch.Status.DUPLICATE
        with pytest.raises(ApplicationError):
            payment_import_commit(batch=again, actor=None)
        assert Payment.objects.count() == 2
        assert open_amounts() == before

    def test_two_previews_of_one_file_never_record_a_line_twice(self, book):
        first, second = preview(self.CSV), preview(self.CSV)
        payment_import_commit(batch=first, actor=None)
        with pytest.raises(ApplicationError):
            payment_import_commit(batch=second, actor=None)
        assert Payment.objects.count() == 2

    def test_a_line_matched_by_hand_is_recorded(self, book):
        acme, _beta = book
        batch = preview(self.CSV)
        counts = payment_import_commit(
            batch=batch, actor=None, manual={3: (str(acme.public_id), ["INV-1"])}
        )
        assert counts["recorded"] == 3 and counts["unmatched"] == 0
        payment = Payment.objects.get(amount=Decimal("99.00"))
        assert payment.debtor == acme
        assert payment.allocations.get().invoice.number == "INV-1"
        batch.refresh_from_db()
        assert lines_by_row(batch)[3]["how"] == HOW_MANUAL

    def test_lines_matched_by_hand_after_the_commit_are_recorded_once(self, book):
        acme, _beta = book
        batch = preview(self.CSV)
        payment_import_commit(batch=batch, actor=None)
        counts = payment_import_commit(batch=batch, actor=None, manual={3: str(acme.public_id)})
        assert counts == {"recorded": 1, "skipped_already_recorded": 2, "unmatched": 0}
        assert Payment.objects.count() == 3

    def test_a_wrong_invoice_for_a_manual_match_records_nothing(self, book):
        _acme, beta = book
        batch = preview(self.CSV)
        with pytest.raises(ApplicationError):
            payment_import_commit(
                batch=batch, actor=None, manual={3: (str(beta.public_id), ["INV-1"])}
            )
        assert not Payment.objects.exists()
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.PREVIEWED

    def test_a_payment_already_recorded_from_another_file_is_held_back(self, book):
        payment_import_commit(batch=preview(self.CSV), actor=None)
        # the bank's next export overlaps: same payment, different file
        overlapping = preview(self.CSV + "2026-11-06,1.00,INV-1,\n")
        rows = lines_by_row(overlapping)
        assert rows[2]["matched"] is False  # INV-2 is paid now
        assert rows[4]["matched"] is False  # Beta Metals paid 320.50 that day already
        assert "same amount on the same day" in rows[4]["reason"]["en"]
        assert rows[5]["matched"] is True
        counts = payment_import_commit(batch=overlapping, actor=None)
        assert counts["recorded"] == 1
        assert Payment.objects.count() == 3

    def test_two_lines_naming_one_invoice_both_get_recorded(self, book):
        batch = preview("Date,Amount,Reference\n2026-11-03,500.00,INV-2\n2026-11-04,10.00,INV-2\n")
        counts = payment_import_commit(batch=batch, actor=None)
        assert counts["recorded"] == 2
        assert open_amounts()["INV-1"] == Decimal("990.00")  # the second went oldest-first


class TestPages:
    def test_only_finance_and_admins_reach_payment_imports(self, client, personas, book):
        batch = preview(TestCommit.CSV)
        urls = [
            ("get", reverse("imports:payments_upload")),
            ("post", reverse("imports:payments_upload")),
            ("get", reverse("imports:payments_detail", args=[batch.public_id])),
            ("post", reverse("imports:payments_commit", args=[batch.public_id])),
        ]
        for persona in ("collector_a", "manager"):
            client.force_login(getattr(personas, persona))
            for method, url in urls:
                assert getattr(client, method)(url).status_code == 404, (persona, url)
        assert not Payment.objects.exists()
        client.force_login(personas.admin)
        assert client.get(urls[2][1]).status_code == 200

    def test_upload_preview_match_by_hand_and_commit(self, client, personas, book):
        acme, _beta = book
        client.force_login(personas.finance)
        list_page = client.get(reverse("imports:list")).content.decode()
        assert reverse("imports:payments_upload") in list_page
        response = client.post(reverse("imports:payments_upload"), {"file": upload(TestCommit.CSV)})
        assert response.status_code == 302
        batch = ImportBatch.objects.get(kind=ImportBatch.Kind.PAYMENTS)
        page = client.get(response.url).content.decode()
        assert "Stranger Ltd" in page and 'name="debtor-3"' in page
        assert "Invoice number in the reference" in page
        response = client.post(
            reverse("imports:payments_commit", args=[batch.public_id]),
            {"debtor-3": str(acme.public_id), "invoices-3": ""},
        )
        assert response.status_code == 302
        assert Payment.objects.count() == 3
        page = client.get(response.url).content.decode()
        assert 'data-testid="payment-counts"' in page

    def test_a_bad_file_shows_the_reason(self, client, personas):
        client.force_login(personas.finance)
        response = client.post(
            reverse("imports:payments_upload"), {"file": upload("Date,Payer\n2026-11-03,X\n")}
        )
        page = client.get(response.url).content.decode()
        assert "No amount column" in page
        assert not Payment.objects.exists()

    def test_a_wrong_extension_is_refused(self, client, personas):
        client.force_login(personas.finance)
        response = client.post(
            reverse("imports:payments_upload"),
            {"file": SimpleUploadedFile("bank.pdf", b"%PDF-1.4")},
        )
        assert response.status_code == 400
        assert not ImportBatch.objects.exists()
