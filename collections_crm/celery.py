import os

from celery import Celery
from celery.app.amqp import AMQP
from kombu import Connection

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collections_crm.settings.base")

# A worker that lost its broker tries again at most this many seconds apart.
# Kombu's own default backs off 2, 4, 6 ... up to 30 s, so after an outage of a
# minute or two a worker could sit idle for half a minute with the broker long
# back; reconnecting is one cheap TCP handshake, so a short bound costs nothing.
BROKER_RECONNECT_MAX_SECONDS = 2.0


class BrokerConnection(Connection):
    """A kombu connection whose reconnect loop (the worker's consumer calls it
    with only an error handler and a retry count) waits 0.5 s, then 1 s, then
    at most BROKER_RECONNECT_MAX_SECONDS between attempts."""

    def ensure_connection(
        self,
        errback=None,
        max_retries=None,
        interval_start=0.5,
        interval_step=0.5,
        interval_max=BROKER_RECONNECT_MAX_SECONDS,
        **kwargs,
    ):
        return super().ensure_connection(
            errback,
            max_retries,
            interval_start=interval_start,
            interval_step=interval_step,
            interval_max=interval_max,
            **kwargs,
        )


class BrokerAMQP(AMQP):
    Connection = BrokerConnection


# DjangoTask gives every task delay_on_commit(): enqueue only after the
# surrounding transaction commits, never for one that rolls back.
app = Celery(
    "collections_crm",
    task_cls="celery.contrib.django.task:DjangoTask",
    amqp="collections_crm.celery:BrokerAMQP",
)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
