"""Finance's first try in the embedded default: `make run` uses SQLite with
DEBUG=true, where Django formats every statement with its parameters for the
debug log. Upload a QuickBooks A/R aging detail as finance, preview, commit
(the worker's part called as the worker would) and undo, in a process of its
own with exactly those settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "aging" / "qbo_ar_aging_detail.csv"

SCRIPT = """
import json, sys, uuid
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)

from django.test import Client
from accounts.models import User
from debtors.imports.services import import_batch_commit
from debtors.models import Debtor, ImportBatch, Invoice

User.objects.create_user("fin", password="x", role=User.Role.FINANCE)
client = Client()
client.login(username="fin", password="x")
out = {}
with open(sys.argv[1], "rb") as fh:
    r = client.post("/imports/", {"file": fh, "as_of": "2026-09-23", "mode": "snapshot",
                                  "currency": "USD"})
out["upload"] = r.status_code
batch = ImportBatch.objects.get()
out["preview"] = client.get(f"/imports/{batch.public_id}/").status_code
out["commit"] = client.post(f"/imports/{batch.public_id}/commit/").status_code
import_batch_commit(batch_id=batch.pk)  # what the Celery worker runs next
batch.refresh_from_db()
out["status_after_commit"] = batch.status
out["debtors"] = Debtor.objects.count()
out["invoices"] = Invoice.objects.count()
ids = [d.public_id for d in Debtor.objects.all()] + [i.public_id for i in Invoice.objects.all()]
out["uuid_versions"] = sorted({u.version for u in ids})
out["uuid_variants"] = sorted({u.variant for u in ids})
out["undo"] = client.post(f"/imports/{batch.public_id}/undo/").status_code
batch.refresh_from_db()
out["status_after_undo"] = batch.status
out["invoices_after_undo"] = Invoice.objects.exclude(open_amount=0).count()
print(json.dumps(out))
"""


def test_finance_can_preview_import_and_undo_on_sqlite_with_debug(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    env.update(
        SECRET_KEY="embedded-test",
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'crm.sqlite3'}",
        CRM_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="collections_crm.settings.base",
        ALLOWED_HOSTS="testserver",
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(FIXTURE)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])

    assert (out["upload"], out["preview"], out["commit"]) == (302, 200, 302), out
    assert out["status_after_commit"] == "committed", out
    assert (out["debtors"], out["invoices"]) == (3, 5), out
    # Rows the import creates carry time-ordered RFC 9562 version 7 ids.
    assert out["uuid_versions"] == [7]
    assert out["uuid_variants"] == ["specified in RFC 4122"]
    assert out["undo"] == 302
    assert out["status_after_undo"] == "undone", out
    assert out["invoices_after_undo"] == 0, out
