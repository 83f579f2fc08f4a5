"""Upload → preview → commit → re-import → undo, against the real database."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from collections_crm.exceptions import ApplicationError
from debtors.imports.services import (
    import_batch_commit,
    import_batch_preview,
    import_batch_queue,
    import_batch_undo,
)
from debtors.imports.views import spreadsheet_safe
from debtors.models import Debtor, ImportBatch, Invoice
from debtors.services import debtor_refresh_summary
from tests.debtors.factories import DebtorFactory, InvoiceFactory, PaymentFactory

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 11, 20)
HEADER = "Customer Code,Customer Name,Invoice Number,Invoice Date,Due Date,Amount,Open Balance\n"


def csv_upload(*rows: str, name="aging.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + "\n".join(rows) + "\n").encode())


FIRST = (
    "C001,Acme Trading,INV-1,2026-08-01,2026-09-01,1000.00,1000.00",
    "C001,Acme Trading,INV-2,2026-09-01,2026-10-01,500.00,200.00",
    "C002,Beta Metals,INV-9,2026-10-01,2026-12-01,300.00,300.00",
)


def commit(upload, **kwargs) -> ImportBatch:
    batch = import_batch_preview(actor=None, upload=upload, as_of=AS_OF, **kwargs)
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.QUEUED)
    outcome = import_batch_commit(batch_id=batch.pk)
    assert outcome.applied
    return outcome.batch


def open_amounts() -> dict[str, Decimal]:
    return dict(Invoice.objects.values_list("number", "open_amount"))


class TestPreviewAndCommit:
    def test_the_preview_counts_what_a_commit_would_do_and_writes_nothing(self):
        batch = import_batch_preview(actor=None, upload=csv_upload(*FIRST), as_of=AS_OF)
        assert batch.counts["planned"]["debtors_created"] == 2
        assert batch.counts["planned"]["invoices_created"] == 3
        assert batch.report["preview"][0]["invoice_number"] == "INV-1"
        assert not Debtor.objects.exists()
        assert not Invoice.objects.exists()

    def test_a_commit_creates_debtors_invoices_and_summaries(self):
        batch = commit(csv_upload(*FIRST))
        assert batch.status == ImportBatch.Status.COMMITTED
        assert batch.counts["applied"]["invoices_created"] == 3
        acme = Debtor.objects.get(code="C001")
        assert acme.name == "Acme Trading"
        assert acme.open_balance == Decimal("1200.00")
        assert acme.overdue_balance == Decimal("1200.00")
        assert Invoice.objects.get(number="INV-2").status == Invoice.Status.PARTIALLY_PAID

    def test_the_same_file_twice_changes_nothing_and_says_so(self):
        commit(csv_upload(*FIRST))
        before = open_amounts()
        again = import_batch_preview(actor=None, upload=csv_upload(*FIRST), as_of=AS_OF)
        assert again.status == ImportBatch.Status.DUPLICATE
        with pytest.raises(ApplicationError):
            import_batch_queue(actor=None, batch=again)
        assert open_amounts() == before

    def test_a_rerun_of_the_commit_task_applies_once(self):
        batch = commit(csv_upload(*FIRST))
        assert import_batch_commit(batch_id=batch.pk).applied is False
        assert Invoice.objects.count() == 3

    def test_a_newer_snapshot_updates_and_closes_what_the_ledger_dropped(self):
        commit(csv_upload(*FIRST))
        newer = commit(
            csv_upload(
                "C001,Acme Trading,INV-1,2026-08-01,2026-09-15,1000.00,400.00",
                "C002,Beta Metals,INV-9,2026-10-01,2026-12-01,300.00,300.00",
            )
        )
        applied = newer.counts["applied"]
        assert (applied["invoices_updated"], applied["invoices_closed"]) == (1, 1)
        assert applied["invoices_unchanged"] == 1
        inv1 = Invoice.objects.get(number="INV-1")
        assert (inv1.open_amount, inv1.due_date) == (Decimal("400.00"), datetime.date(2026, 9, 15))
        inv2 = Invoice.objects.get(number="INV-2")
        assert (inv2.open_amount, inv2.status) == (Decimal("0.00"), Invoice.Status.PAID)
        assert inv2.closed_reason == f"import:{newer.public_id}"
        assert Debtor.objects.get(code="C001").open_balance == Decimal("400.00")

    def test_incremental_mode_closes_nothing(self):
        commit(csv_upload(*FIRST))
        commit(
            csv_upload(FIRST[0].replace("1000.00,1000.00", "1000.00,900.00")),
            mode=ImportBatch.Mode.INCREMENTAL,
        )
        assert open_amounts() == {
            "INV-1": Decimal("900.00"),
            "INV-2": Decimal("200.00"),
            "INV-9": Decimal("300.00"),
        }

    def test_a_file_with_errors_cannot_be_committed_and_writes_nothing(self):
        batch = import_batch_preview(
            actor=None,
            upload=csv_upload(FIRST[0], "C001,Acme Trading,INV-1,2026-08-01,2026-09-01,5.00,5.00"),
            as_of=AS_OF,
        )
        assert batch.errors
        assert batch.errors[0]["message"]["en"] and batch.errors[0]["message"]["zh_hans"]
        with pytest.raises(ApplicationError):
            import_batch_queue(actor=None, batch=batch)
        assert not Invoice.objects.exists()


class TestUndo:
    def test_undo_puts_everything_back(self):
        DebtorFactory(code="C001", name="Acme Trading")
        InvoiceFactory(
            debtor=Debtor.objects.get(code="C001"), number="OLD-1", amount=Decimal("50.00")
        )
        first = commit(csv_upload(*FIRST))
        assert open_amounts()["OLD-1"] == Decimal("0.00")  # snapshot closed it
        result = import_batch_undo(actor=None, batch=first)
        assert (result["invoices_removed"], result["debtors_removed"]) == (3, 1)
        assert result["invoices_restored"] == 1  # OLD-1, which the snapshot had closed
        assert open_amounts() == {"OLD-1": Decimal("50.00")}
        assert list(Debtor.objects.values_list("code", flat=True)) == ["C001"]
        assert Debtor.objects.get(code="C001").open_balance == Decimal("50.00")
        first.refresh_from_db()
        assert first.status == ImportBatch.Status.UNDONE

    def test_only_the_latest_import_can_be_undone(self):
        first = commit(csv_upload(*FIRST))
        commit(csv_upload(FIRST[0]))
        with pytest.raises(ApplicationError):
            import_batch_undo(actor=None, batch=first)

    def test_undo_refuses_once_collectors_worked_on_new_debtors(self):
        batch = commit(csv_upload(*FIRST))
        PaymentFactory(debtor=Debtor.objects.get(code="C002"))
        with pytest.raises(ApplicationError):
            import_batch_undo(actor=None, batch=batch)
        assert Invoice.objects.count() == 3


class TestPages:
    def test_only_finance_and_admins_reach_imports(self, client, personas):
        for persona in ("collector_a", "manager"):
            client.force_login(getattr(personas, persona))
            assert client.get(reverse("imports:list")).status_code == 404
        for persona in ("finance", "admin"):
            client.force_login(getattr(personas, persona))
            assert client.get(reverse("imports:list")).status_code == 200

    def test_a_batch_is_404_for_other_roles(self, client, personas):
        batch = import_batch_preview(actor=personas.finance, upload=csv_upload(*FIRST), as_of=AS_OF)
        client.force_login(personas.collector_a)
        url = reverse("imports:detail", args=[batch.public_id])
        assert client.get(url).status_code == 404
        assert client.post(reverse("imports:commit", args=[batch.public_id])).status_code == 404

    def test_upload_preview_and_commit_through_the_pages(
        self, client, personas, django_capture_on_commit_callbacks
    ):
        client.force_login(personas.finance)
        response = client.post(
            reverse("imports:list"),
            {"file": csv_upload(*FIRST), "mode": "snapshot", "as_of": "2026-11-20"},
        )
        assert response.status_code == 302
        batch = ImportBatch.objects.get()
        page = client.get(response.url).content.decode()
        assert "INV-1" in page and 'data-testid="commit"' in page
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            client.post(reverse("imports:commit", args=[batch.public_id]))
        # The task is sent only once the queueing commits, and once; the
        # committed import then queues the report rollups' rebuild.
        sent = [repr(c) for c in callbacks]
        assert sum("import_batch_commit_task" in c for c in sent) == 1
        assert sum("rebuild_on_import" in c for c in sent) == 1
        assert len(sent) == 2
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.COMMITTED  # eager Celery in tests
        assert Invoice.objects.count() == 3

    def test_a_wrong_extension_is_refused_with_a_message(self, client, personas):
        client.force_login(personas.finance)
        response = client.post(
            reverse("imports:list"),
            {"file": SimpleUploadedFile("report.pdf", b"%PDF-1.4"), "mode": "snapshot"},
        )
        assert response.status_code == 400
        assert "none of these" in response.content.decode()
        assert not ImportBatch.objects.exists()

    def test_an_oversized_upload_is_refused_before_it_is_read(self, client, personas, settings):
        settings.IMPORT_MAX_UPLOAD_BYTES = 1024
        client.force_login(personas.finance)
        response = client.post(
            reverse("imports:list"),
            {"file": SimpleUploadedFile("big.csv", b"x" * 4096), "mode": "snapshot"},
        )
        assert response.status_code == 413
        assert "too large" in response.content.decode()
        assert not ImportBatch.objects.exists()

    def test_the_problems_export_is_safe_against_formula_injection(self, client, personas):
        assert spreadsheet_safe('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
        assert spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)"
        assert spreadsheet_safe("Acme") == "Acme"
        batch = import_batch_preview(
            actor=personas.finance,
            upload=csv_upload(FIRST[0], "C001,Acme Trading,INV-1,2026-08-01,2026-09-01,5.00,5.00"),
            as_of=AS_OF,
        )
        client.force_login(personas.finance)
        body = client.get(reverse("imports:problems", args=[batch.public_id])).content.decode()
        assert "INV-1" in body or "Invoice" in body


class TestStage:
    """The preview validates once and stages the records; the commit loads them."""

    def queued(self, upload=None) -> ImportBatch:
        batch = import_batch_preview(actor=None, upload=upload or csv_upload(*FIRST), as_of=AS_OF)
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.QUEUED)
        batch.refresh_from_db()
        return batch

    def test_the_commit_loads_the_stage_without_parsing_again(self, monkeypatch):
        batch = self.queued()
        stage_name = batch.report["stage"]["name"]
        assert batch.report["stage"]["rows"] == 3
        assert batch.file.storage.exists(stage_name)

        def no_second_parse(*args, **kwargs):
            raise AssertionError("the commit parsed the report again")

        monkeypatch.setattr("debtors.imports.services.parse_report", no_second_parse)
        assert import_batch_commit(batch_id=batch.pk).applied
        assert open_amounts() == {
            "INV-1": Decimal("1000.00"),
            "INV-2": Decimal("200.00"),
            "INV-9": Decimal("300.00"),
        }
        assert not batch.file.storage.exists(stage_name)  # removed once applied

    @pytest.mark.parametrize("spoil", ["altered", "missing", "other_as_of"])
    def test_an_untrustworthy_stage_is_rebuilt_from_the_upload(self, spoil):
        batch = self.queued()
        storage, stage_name = batch.file.storage, batch.report["stage"]["name"]
        if spoil == "altered":  # e.g. edited on the server: the SHA-256 no longer matches
            with storage.open(stage_name, "rb") as handle:
                text = handle.read().replace(b"1000.00", b"9000.00")
            storage.delete(stage_name)
            storage.save(stage_name, ContentFile(text))
        elif spoil == "missing":
            storage.delete(stage_name)
        else:  # the batch's settings changed after the preview
            ImportBatch.objects.filter(pk=batch.pk).update(as_of=AS_OF - datetime.timedelta(1))
        assert import_batch_commit(batch_id=batch.pk).applied
        assert open_amounts()["INV-1"] == Decimal("1000.00")
        assert Invoice.objects.count() == 3

    def test_a_failed_commit_removes_the_stage_too(self, monkeypatch):
        batch = self.queued()

        def explode(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr("debtors.imports.apply._insert_new", explode)
        with pytest.raises(RuntimeError):
            import_batch_commit(batch_id=batch.pk)
        assert not batch.file.storage.exists(batch.report["stage"]["name"])

    def test_a_file_with_errors_stages_nothing(self):
        batch = import_batch_preview(
            actor=None,
            upload=csv_upload(FIRST[0], "C001,Acme Trading,INV-1,2026-08-01,2026-09-01,5.00,5.00"),
            as_of=AS_OF,
        )
        assert batch.errors and "stage" not in batch.report

    def test_summaries_of_new_and_existing_debtors_match_a_full_refresh(self):
        old = DebtorFactory(code="C001", name="Acme Trading")
        InvoiceFactory(debtor=old, number="OLD-1", due_date=datetime.date(2026, 7, 1))
        commit(
            csv_upload(
                *FIRST,
                "C003,Gamma Ltd,CN-1,2026-10-01,2026-10-01,-50.00,-50.00",
                "C003,Gamma Ltd,INV-30,2026-06-01,2026-07-01,80.00,80.00",
            ),
            mode=ImportBatch.Mode.INCREMENTAL,
        )
        gamma = Debtor.objects.get(code="C003")
        assert (gamma.open_balance, gamma.overdue_balance) == (Decimal("30.00"), Decimal("80.00"))
        assert gamma.oldest_due_date == datetime.date(2026, 7, 1)
        # What the import computed for new and touched debtors is what a full
        # refresh computes: a refresh right after changes nobody.
        assert debtor_refresh_summary() == 0

    def test_imported_rows_get_time_ordered_public_ids(self):
        commit(csv_upload(*FIRST))
        ids = [*Invoice.objects.values_list("public_id", flat=True)]
        ids += Debtor.objects.values_list("public_id", flat=True)
        assert {uuid.version for uuid in ids} == {7}
        assert len(set(ids)) == 5


def test_a_failure_half_way_leaves_the_database_as_it_was(monkeypatch):
    DebtorFactory(code="C001", name="Acme Trading")
    InvoiceFactory(debtor=Debtor.objects.get(code="C001"), number="OLD-1")
    before = open_amounts()
    batch = import_batch_preview(actor=None, upload=csv_upload(*FIRST), as_of=AS_OF)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.QUEUED)

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    # New debtors and invoices are already written when the snapshot step fails.
    monkeypatch.setattr("debtors.imports.apply._close_missing", explode)
    with pytest.raises(RuntimeError):
        import_batch_commit(batch_id=batch.pk)
    assert open_amounts() == before
    assert list(Debtor.objects.values_list("code", flat=True)) == ["C001"]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert "nothing was changed" in batch.errors[-1]["message"]["en"]


def test_a_file_that_breaks_a_ledger_rule_is_refused_in_the_preview():
    commit(csv_upload(*FIRST))
    Invoice.objects.filter(number="INV-1").update(disputed_amount=Decimal("800.00"))
    batch = import_batch_preview(
        actor=None,
        upload=csv_upload(FIRST[0].replace("1000.00,1000.00", "500.00,400.00"), *FIRST[1:]),
        as_of=AS_OF,
    )
    assert [e["code"] for e in batch.errors] == ["ledger_conflict"]
    assert batch.errors[0]["message"]["zh_hans"]
    assert "stage" not in batch.report  # nothing kept for a commit that cannot happen
    with pytest.raises(ApplicationError):
        import_batch_queue(actor=None, batch=batch)
    assert Invoice.objects.get(number="INV-1").amount == Decimal("1000.00")


def test_the_detected_format_and_problems_show_in_the_readers_language(client, personas):
    from django.conf import settings as django_settings

    from debtors.imports.services import in_language

    batch = import_batch_preview(
        actor=personas.finance,
        upload=csv_upload(FIRST[0], "C001,Acme Trading,INV-1,2026-08-01,2026-09-01,5.00,5.00"),
        as_of=AS_OF,
    )
    label = batch.report["preset_label"]
    assert in_language(label, "zh-hans") != in_language(label, "en")
    assert in_language(None) == ""
    client.force_login(personas.finance)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(reverse("imports:detail", args=[batch.public_id])).content.decode()
    assert in_language(label, "zh-hans") in page
    assert in_language(batch.errors[0]["message"], "zh-hans") in page
