"""Reads of the report rollups go to the ``reports`` database when
``REPORTS_DATABASE_URL`` names one (a PostgreSQL replica), so a large team's
dashboards do not load the primary. Writes (rebuilds, refreshes) and
migrations always use the primary; a replica follows it by replication."""

from django.conf import settings

REPLICA = "reports"
ROLLUP_MODELS = frozenset({"dailyflow", "dailyaging", "contacthour", "monthlyroll", "rollupstate"})


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReportsRouter:
    def db_for_read(self, model, **hints):
        meta = model._meta
        if meta.app_label == "reports" and meta.model_name in ROLLUP_MODELS:
            return REPLICA if replica_configured() else None
        return None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None
