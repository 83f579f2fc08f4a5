"""The import commit runs in a real Celery worker, all or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from debtors.imports.services import import_batch_preview, import_batch_queue
from debtors.models import Debtor, ImportBatch, Invoice
from tests.debtors.test_import_workflow import AS_OF, FIRST, HEADER
from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_queued_import_is_applied_by_the_worker(start_worker, personas):
    start_worker()
    upload = SimpleUploadedFile("aging.csv", (HEADER + "\n".join(FIRST)).encode())
    batch = import_batch_preview(actor=personas.finance, upload=upload, as_of=AS_OF)
    import_batch_queue(actor=personas.finance, batch=batch)

    def committed():
        batch.refresh_from_db()
        return batch.status == ImportBatch.Status.COMMITTED

    assert wait_for(committed), batch.status
    assert batch.counts["applied"]["invoices_created"] == 3
    assert Debtor.objects.get(code="C001").open_balance > 0
    assert Invoice.objects.filter(number__in=["INV-1", "INV-2", "INV-9"]).count() == 3
