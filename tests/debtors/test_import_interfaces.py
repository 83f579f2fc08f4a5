"""The same importer from the command line and the REST API."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from debtors.models import Debtor, ImportBatch, Invoice
from tests.debtors.test_import_workflow import FIRST, HEADER

pytestmark = pytest.mark.django_db


@pytest.fixture
def aging_file(tmp_path):
    path = tmp_path / "aging.csv"
    path.write_text(HEADER + "\n".join(FIRST) + "\n")
    return path


class TestCommand:
    def test_a_dry_run_writes_nothing(self, aging_file):
        out = io.StringIO()
        call_command(
            "import_aging", str(aging_file), "--as-of", "2026-11-20", "--dry-run", stdout=out
        )
        assert "invoices_created=3" in out.getvalue()
        assert "dry run" in out.getvalue()
        assert not Invoice.objects.exists()
        assert not ImportBatch.objects.exists()

    def test_it_imports_and_a_second_run_changes_nothing(self, aging_file):
        out = io.StringIO()
        call_command("import_aging", str(aging_file), "--as-of", "2026-11-20", stdout=out)
        assert "imported: rows=3" in out.getvalue()
        assert Debtor.objects.count() == 2
        again = io.StringIO()
        call_command("import_aging", str(aging_file), "--as-of", "2026-11-20", stdout=again)
        assert "imported before" in again.getvalue()
        assert Invoice.objects.count() == 3

    def test_a_file_with_problems_is_refused_with_the_rows(self, tmp_path):
        path = tmp_path / "bad.csv"
        path.write_text(
            HEADER + FIRST[0] + "\n" + FIRST[0].replace("1000.00,1000.00", "1.00,1.00") + "\n"
        )
        err = io.StringIO()
        with pytest.raises(CommandError, match="nothing imported"):
            call_command("import_aging", str(path), "--as-of", "2026-11-20", stderr=err)
        assert "row 3" in err.getvalue()
        assert not Invoice.objects.exists()

    def test_a_report_without_a_date_needs_as_of(self, aging_file):
        err = io.StringIO()
        with pytest.raises(CommandError, match="nothing imported"):
            call_command("import_aging", str(aging_file), stdout=io.StringIO(), stderr=err)
        assert "as-of date" in err.getvalue()
        assert not Invoice.objects.exists()


class TestApi:
    def upload(self, client, content: bytes, **extra):
        return client.post(
            "/api/imports/",
            {
                "file": SimpleUploadedFile("aging.csv", content),
                "mode": "snapshot",
                "as_of": "2026-11-20",
                **extra,
            },
        )

    def test_finance_previews_commits_and_polls(
        self, client, personas, django_capture_on_commit_callbacks
    ):
        client.force_login(personas.finance)
        response = self.upload(client, (HEADER + "\n".join(FIRST)).encode())
        assert response.status_code == 201
        data = response.json()
        assert data["status"] == "previewed"
        assert data["counts"]["planned"]["invoices_created"] == 3
        with django_capture_on_commit_callbacks(execute=True):
            committed = client.post(f"/api/imports/{data['id']}/commit/")
        assert committed.status_code == 202
        final = client.get(f"/api/imports/{data['id']}/").json()
        assert (final["status"], final["progress"]) == ("committed", 100)
        assert Invoice.objects.count() == 3

    def test_errors_come_back_per_row_in_the_callers_language(self, client, personas):
        client.force_login(personas.finance)
        bad = HEADER + FIRST[0] + "\n" + FIRST[0].replace("1000.00,1000.00", "1.00,1.00")
        data = self.upload(client, bad.encode(), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
        assert data["errors"][0]["row"] == 3
        response = client.post(f"/api/imports/{data['id']}/commit/")
        assert response.status_code == 400
        assert not Invoice.objects.exists()

    @pytest.mark.parametrize("persona", ["collector_a", "manager"])
    def test_other_roles_get_404(self, client, personas, persona):
        client.force_login(getattr(personas, persona))
        assert self.upload(client, (HEADER + FIRST[0]).encode()).status_code == 404
        assert not ImportBatch.objects.exists()
