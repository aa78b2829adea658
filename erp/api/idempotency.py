"""`Idempotency-Key` for create endpoints (api.md): a repeat with the same key returns the first result.

    def post(self, request):
        return idempotent_create(request, scope="orders.create", create=lambda: self._create(request))

How it holds under concurrency: the record is inserted *before* the document is created, in the same transaction.
A concurrent request with the same key blocks on the unique index until the first commits, then finds the record
and replays it (or, if the first rolled back, goes ahead itself). Errors are not stored: the transaction that raised
them rolled back, so a corrected retry with the same key creates the document.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from erp.api.models import IdempotencyRecord
from erp.core.exceptions import ConflictError

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
# How long a key is remembered; older records are pruned by a beat task.
RETENTION = timedelta(hours=48)
PENDING = 0


def _request_hash(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(record: IdempotencyRecord, request_hash: str) -> Response:
    if record.request_hash != request_hash:
        raise ConflictError(
            _("This Idempotency-Key was already used with a different request."),
            extra={HEADER: [_("Use a new key for a different request.")]},
            code="idempotency_key_reused",
        )
    response = Response(record.response_body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent_create(request: Request, *, scope: str, create: Callable[[], Response]) -> Response:
    key = (request.headers.get(HEADER) or "").strip()
    if not key:
        return create()
    if len(key) > MAX_KEY_LENGTH:
        raise ValidationError({HEADER: [_("At most %(n)d characters.") % {"n": MAX_KEY_LENGTH}]})
    user: Any = request.user  # an authenticated User: create endpoints require authentication
    request_hash = _request_hash(request)
    existing = IdempotencyRecord.objects.filter(user=user, scope=scope, key=key).first()
    if existing is not None:
        return _replay(existing, request_hash)
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                user=user, scope=scope, key=key, request_hash=request_hash, status_code=PENDING, response_body={}
            )
            response = create()
            if response.status_code >= 400:
                # A handled failure is not remembered: undo everything, including the record.
                transaction.set_rollback(True)
                return response
            record.status_code = response.status_code
            record.response_body = json.loads(JSONRenderer().render(response.data) or b"null")
            record.save(update_fields=["status_code", "response_body", "updated_at"])
            return response
    except IntegrityError:
        # A concurrent request with the same key committed first: replay its result.
        return _replay(IdempotencyRecord.objects.get(user=user, scope=scope, key=key), request_hash)


def idempotency_records_prune(*, now: Any = None) -> int:
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _unused = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
