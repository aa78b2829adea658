from django.conf import settings
from django.db import models

from erp.core.models import BaseModel


class IdempotencyRecord(BaseModel):
    """The first response to a create request sent with an `Idempotency-Key` header (api.md), replayed on repeats.

    Written in the same transaction as the document it created, so a record exists exactly when the document does.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=60)
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="api_idempotency_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
