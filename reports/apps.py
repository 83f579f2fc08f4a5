from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        # The rollup refreshes' signal receivers, and the monthly review's
        # Celery task (autodiscovery finds only tasks.py by itself).
        from . import receivers, review_tasks  # noqa: F401
