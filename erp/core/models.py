from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from erp.core.files import private_storage


class BaseModel(models.Model):
    """Every model carries creation and update times."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class TimelineEvent(models.Model):
    """One row of a department's timeline (order, inspection, cutting, factory, installation): who, when, from which
    status to which, why, and what changed. Each model adds its parent (a ForeignKey with related_name="events"), its
    `kind` choices when it has them, its Meta (ordering, the (parent, id) index) and __str__; a model whose statuses
    are longer or shorter redeclares `from_status` and `to_status` with its own max_length."""

    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        abstract = True


class Counter(models.Model):
    """Document numbers come from locked counters, never max()+1 (domain decision A.3-6)."""

    key = models.CharField(max_length=80, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


def _export_upload_to(instance: "ExportJob", filename: str) -> str:
    return f"exports/{instance.created_at:%Y/%m}/{filename}"


class ExportJob(BaseModel):
    """A large Excel export built in the background (erp/core/exportjobs.py): the rows are those the requesting user
    may see, with the filters they chose; the file lives in private storage and only that user downloads it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("export"), max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    params = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(upload_to=_export_upload_to, storage=private_storage, blank=True, max_length=255)
    error = models.CharField(_("error"), max_length=255, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "-id"], name="core_exportjob_user_id")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(int(self.done * 100 / self.total), 99) if self.total else 0

    @property
    def is_busy(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)
