"""The project: settings (from the environment), URLs, the Celery app, the
role-based start page and health check (``views``), the navigation, and
``lib/`` — small helpers with no domain (money, time zones, PDF rendering).

App map, imports running one way: accounts ← debtors ← scripts_library ←
followups ← desk, reports; demo may import anything, nothing imports demo.
"""

from .celery import app as celery_app

__all__ = ("celery_app",)
