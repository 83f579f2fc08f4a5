"""seed_demo the command: deterministic, the COPY path writes what the INSERT
path writes, in one transaction, a no-op on a seeded database."""

from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import CommandError
from django.db import IntegrityError, connection, transaction

from accounts.models import User
from debtors.models import (
    Debtor,
    Invoice,
)
from followups.models import ContactPolicy, Interaction
from scripts_library.models import TalkTrack
from tests.demo.helpers import TODAY, Use, ensure_library, seed, seeded_fingerprint

# --------------------------------------------------------------------------- the command


@pytest.mark.django_db
def test_same_seed_same_book_other_seed_other_book():
    first = seeded_fingerprint(debtors=25, seed=11)
    again = seeded_fingerprint(debtors=25, seed=11)
    other = seeded_fingerprint(debtors=25, seed=12)
    assert first == again
    assert first["debtors"] != other["debtors"] and first["invoices"] != other["invoices"]


@pytest.mark.django_db
def test_copy_path_writes_exactly_what_the_insert_path_writes():
    assert connection.vendor == "postgresql"
    by_insert = seeded_fingerprint(debtors=40, seed=5, invoices_per_debtor=3, method="insert")
    by_copy = seeded_fingerprint(debtors=40, seed=5, invoices_per_debtor=3, method="copy")
    assert len(by_copy["debtors"]) == 40
    assert len(by_copy["invoices"]) == 40 * 3
    assert by_copy == by_insert


@pytest.mark.django_db
def test_copy_path_keeps_constraints_and_indexes_and_sequences():
    def schema():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexrelid::regclass::text FROM pg_index x "
                "JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname LIKE 'debtors_%%' "
                "OR t.relname LIKE 'followups_%%' ORDER BY 1"
            )
            indexes = cursor.fetchall()
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
                "JOIN pg_class t ON t.oid = k.conrelid WHERE t.relname LIKE 'debtors_%%' "
                "OR t.relname LIKE 'followups_%%' ORDER BY 1"
            )
            return indexes, cursor.fetchall()

    before = schema()
    seed(debtors=30, seed=3, method="copy")
    assert schema() == before
    debtor = Debtor.objects.order_by("id").last()
    invoice = Invoice.objects.create(
        debtor=debtor,
        number="INV-NEW-1",
        issue_date=TODAY,
        due_date=TODAY,
        amount=Decimal("10.00"),
        open_amount=Decimal("10.00"),
    )
    assert invoice.pk > Invoice.objects.exclude(pk=invoice.pk).order_by("-pk").first().pk
    with pytest.raises(IntegrityError), transaction.atomic():  # the unique key is back
        Invoice.objects.create(
            debtor=debtor,
            number="INV-NEW-1",
            issue_date=TODAY,
            due_date=TODAY,
            amount=Decimal("1.00"),
        )


@pytest.mark.django_db
def test_if_empty_is_a_no_op_the_second_time():
    seed(debtors=15, seed=2, if_empty=True)
    counts = (User.objects.count(), Debtor.objects.count(), Invoice.objects.count())
    output = seed(debtors=15, seed=2, if_empty=True)
    assert "nothing to do" in output
    assert (User.objects.count(), Debtor.objects.count(), Invoice.objects.count()) == counts
    with pytest.raises(CommandError, match="already has"):
        seed(debtors=15, seed=2)


@pytest.mark.django_db
def test_if_empty_skips_any_database_with_users():
    User.objects.create_user("someone", password="x")
    assert "nothing to do" in seed(debtors=5, if_empty=True)
    assert not Debtor.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["insert", "copy"])
def test_a_failure_leaves_nothing_half_seeded(method, monkeypatch):
    from demo.management.commands import seed_demo

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(seed_demo, "debtor_refresh_summary", broken)
    policies_before = ContactPolicy.objects.count()
    with pytest.raises(RuntimeError, match="boom"):
        seed(debtors=10, seed=1, method=method)
    assert not User.objects.exists()
    assert not Debtor.objects.exists() and not Invoice.objects.exists()
    assert ContactPolicy.objects.count() == policies_before  # the migration's packs only
    with connection.cursor() as cursor:  # the indexes lifted for COPY are back
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'invoice_open_by_due'")
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db
def test_summary_line_counts_and_exact_invoices_per_debtor():
    output = seed(debtors=12, seed=4, invoices_per_debtor=4)
    assert "12 debtors" in output and "48 invoices" in output
    assert Invoice.objects.count() == 48
    assert set(Counter(Invoice.objects.values_list("debtor_id", flat=True)).values()) == {4}


@pytest.mark.django_db
def test_history_percent_zero_still_makes_a_consistent_book():
    seed(debtors=40, seed=9, history_percent=0)
    # The showcase debtors keep their history; the rest have none.
    assert Interaction.objects.exclude(debtor__code__lte="C000012").count() == 0
    assert (
        Debtor.objects.filter(status="disputed").count()
        == Debtor.objects.filter(disputes__status__in=["open", "escalated"]).distinct().count()
    )


# --------------------------------------------------------------------------- scripts


def test_two_live_versions_of_a_track_share_the_uses(db):
    ensure_library()
    for track in TalkTrack.objects.filter(key="forgetful-opening", version=1):
        TalkTrack.objects.create(
            key=track.key,
            debtor_type=track.debtor_type,
            stage=track.stage,
            channel=track.channel,
            language=track.language,
            title=track.title,
            body=track.body + "\n",
            version=2,
            status="published",
        )
    output = seed(debtors=60, seed=3)
    assert "split between two versions" in output
    versions = Counter(
        Use.objects.filter(talktrack__key="forgetful-opening").values_list(
            "talktrack__version", flat=True
        )
    )
    assert versions[1] > 0 and versions[2] > 0


def test_without_a_script_library_nothing_is_linked_and_the_command_says_so(db):
    TalkTrack.objects.all().delete()
    output = seed(debtors=15, seed=2, library=False)
    assert "script library is empty" in output
    assert Interaction.objects.exists() and not Use.objects.exists()
