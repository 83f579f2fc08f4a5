"""``Idempotency-Key`` for API POSTs (draft-ietf-httpapi-idempotency-key-header).

The first request with a key runs inside a transaction together with the
record of its response; a retry with the same key and the same body gets that
response again (and the header ``Idempotent-Replayed: true``); the same key
with a different body is refused (422); a retry while the first is still
running gets 409. Keys are per user and kept for ``KEEP`` days.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.response import Response

from .models import IdempotentRequest

HEADER = "Idempotency-Key"
MAX_KEY = 255
KEEP = dt.timedelta(days=7)


def _fingerprint(request) -> str:
    try:
        body = json.dumps(request.data, sort_keys=True, default=str)
    except (TypeError, ValueError):
        body = repr(request.data)
    return hashlib.sha256(f"{request.path}\n{body}".encode()).hexdigest()


def idempotent(view_method):
    """Decorate an APIView's ``post``: honour the Idempotency-Key header."""

    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return view_method(self, request, *args, **kwargs)
        if len(key) > MAX_KEY:
            return Response({"detail": _("The Idempotency-Key is too long.")}, status=400)
        fingerprint = _fingerprint(request)
        IdempotentRequest.objects.filter(
            user=request.user, created_at__lt=timezone.now() - KEEP
        ).delete()
        existing = IdempotentRequest.objects.filter(user=request.user, key=key).first()
        if existing is not None:
            return _replay(existing, fingerprint)
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    user=request.user, key=key, endpoint=request.path, fingerprint=fingerprint
                )
                response = view_method(self, request, *args, **kwargs)
                if response.status_code >= 500:
                    raise _Rollback(response)
                if response.status_code >= 400:
                    # A refused request changed nothing; the key stays free for
                    # a corrected retry.
                    raise _Rollback(response)
                record.status_code = response.status_code
                record.body = response.data
                record.save(update_fields=["status_code", "body"])
        except _Rollback as rollback:
            return rollback.response
        except IntegrityError:
            existing = IdempotentRequest.objects.filter(user=request.user, key=key).first()
            if existing is None:
                raise
            return _replay(existing, fingerprint)
        return response

    return wrapper


class _Rollback(Exception):
    def __init__(self, response):
        self.response = response


def _replay(record: IdempotentRequest, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        return Response(
            {"detail": _("This Idempotency-Key was already used for a different request.")},
            status=422,
        )
    if record.status_code is None:
        return Response({"detail": _("The first request with this key is still running.")}, 409)
    response = Response(record.body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response
