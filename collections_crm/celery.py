import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collections_crm.settings.base")

# DjangoTask gives every task delay_on_commit(): enqueue only after the
# surrounding transaction commits, never for one that rolls back.
app = Celery("collections_crm", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
