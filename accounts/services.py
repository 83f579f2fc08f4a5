from __future__ import annotations

import datetime
import decimal
import uuid

from django.db import models, transaction

from .models import AuditEvent, User


def _jsonable(value):
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(getattr(value, "public_id", value.pk))
    return value


def model_snapshot(instance: models.Model, fields) -> dict:
    return {name: _jsonable(getattr(instance, name)) for name in fields}


def audit_record(
    *, actor: User | None, action: str, target: models.Model, before=None, after=None
) -> AuditEvent:
    """Write one audit row. Call it inside the service's transaction."""
    return AuditEvent.objects.create(
        actor=actor if actor and actor.pk else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=target.public_id,
        before=before or {},
        after=after or {},
    )


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    before = model_snapshot(user, ["language"])
    user.language = language
    user.full_clean(validate_unique=False)
    user.save(update_fields=["language"])
    audit_record(
        actor=user, action="user.language", target=user, before=before, after={"language": language}
    )
    return user
