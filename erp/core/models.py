from django.db import models


class BaseModel(models.Model):
    """Every model carries creation and update times."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Counter(models.Model):
    """Document numbers come from locked counters, never max()+1 (domain decision A.3-6)."""

    key = models.CharField(max_length=80, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
