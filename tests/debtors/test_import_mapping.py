"""A file whose columns nobody recognises is mapped by hand once, then reused."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from debtors.imports.forms import column_letter
from debtors.imports.services import import_batch_needs_mapping, import_batch_preview
from debtors.models import ImportBatch, ImportMapping

pytestmark = pytest.mark.django_db

# German headers the synonym lists do not know.
UNKNOWN = (
    "Stichtag 20.11.2026\n"
    "Kdnr;Kunde;Beleg;Belegdatum;Faellig;Betrag;Rest\n"
    "K1;Acme GmbH;R-100;01.09.2026;01.10.2026;1.000,00;1.000,00\n"
    "K2;Beta AG;R-200;01.10.2026;01.11.2026;500,00;250,00\n"
)
MAPPING = {
    "header_row": "2",
    "col_debtor_code": "0",
    "col_debtor_name": "1",
    "col_invoice_number": "2",
    "col_issue_date": "3",
    "col_due_date": "4",
    "col_amount": "5",
    "col_open_amount": "6",
}


def upload():
    return SimpleUploadedFile("offene-posten.csv", UNKNOWN.encode("utf-8"))


def test_column_letters_go_past_z():
    assert [column_letter(i) for i in (0, 25, 26, 27)] == ["A", "Z", "AA", "AB"]


def test_an_unrecognised_file_offers_mapping_and_the_mapping_previews(client, personas):
    batch = import_batch_preview(
        actor=personas.finance, upload=upload(), as_of=datetime.date(2026, 11, 20)
    )
    assert import_batch_needs_mapping(batch)
    client.force_login(personas.finance)
    detail = client.get(reverse("imports:detail", args=[batch.public_id])).content.decode()
    assert 'data-testid="map-columns"' in detail
    page = client.get(reverse("imports:map", args=[batch.public_id]))
    assert page.status_code == 200
    assert "Kdnr" in page.content.decode()

    response = client.post(
        reverse("imports:map", args=[batch.public_id]), {**MAPPING, "save_as": "Our German ERP"}
    )
    assert response.status_code == 302
    mapped = ImportBatch.objects.exclude(pk=batch.pk).get()
    assert mapped.errors == [], mapped.errors
    assert mapped.counts["planned"]["invoices_created"] == 2
    saved = ImportMapping.objects.get(name="Our German ERP")
    assert saved.mapping["invoice_number"] == 2

    # Next time: pick the saved mapping on the upload form.
    response = client.post(
        reverse("imports:list"),
        {
            "file": upload(),
            "mode": "snapshot",
            "as_of": "2026-11-20",
            "saved_mapping": str(saved.public_id),
        },
    )
    assert response.status_code == 302
    latest = ImportBatch.objects.order_by("-id").first()
    assert latest.counts["planned"]["invoices_created"] == 2


def test_a_mapping_without_an_invoice_column_is_refused_with_a_message(client, personas):
    batch = import_batch_preview(
        actor=personas.finance, upload=upload(), as_of=datetime.date(2026, 11, 20)
    )
    client.force_login(personas.finance)
    response = client.post(
        reverse("imports:map", args=[batch.public_id]), {**MAPPING, "col_invoice_number": ""}
    )
    assert response.status_code == 400
    assert "invoice number" in response.content.decode()
    assert ImportBatch.objects.count() == 1


def test_one_column_cannot_hold_two_fields(client, personas):
    batch = import_batch_preview(
        actor=personas.finance, upload=upload(), as_of=datetime.date(2026, 11, 20)
    )
    client.force_login(personas.finance)
    response = client.post(
        reverse("imports:map", args=[batch.public_id]), {**MAPPING, "col_amount": "6"}
    )
    assert response.status_code == 400
    assert "only one field" in response.content.decode()


def test_mapping_is_404_for_collectors(client, personas):
    batch = import_batch_preview(
        actor=personas.finance, upload=upload(), as_of=datetime.date(2026, 11, 20)
    )
    client.force_login(personas.collector_a)
    assert client.get(reverse("imports:map", args=[batch.public_id])).status_code == 404
