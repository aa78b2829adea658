from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxEvent(models.Model):
    """An event written in the same transaction as the business change that caused it (the transactional outbox).

    The dispatcher hands due `pending` rows to Celery; the handler's side effects are keyed by `idempotency_key`, so
    a re-delivered task does nothing twice. Retryable failures come back as `pending` later (`available_at`);
    permanent failures and exhausted retries end as `failed`, shown on the task-health page with a retry action.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    topic = models.CharField(_("topic"), max_length=80)
    payload = models.JSONField(_("payload"), default=dict)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    dispatch_count = models.PositiveIntegerField(_("dispatches"), default=0)
    available_at = models.DateTimeField(_("due at"))
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        indexes = [
            # The dispatcher's claim: due pending rows in order.
            models.Index(
                fields=["available_at", "id"],
                condition=models.Q(status="pending"),
                name="outbox_event_due",
            ),
            models.Index(fields=["status", "-id"], name="outbox_event_status_id"),
            models.Index(fields=["-failed_at"], condition=models.Q(status="failed"), name="outbox_event_failed_recent"),
        ]
        permissions = [("view_task_health", "Can view task health and retry failed events")]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk} ({self.status})"
