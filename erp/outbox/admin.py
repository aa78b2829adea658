from django.contrib import admin

from erp.outbox.models import OutboxEvent


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin[OutboxEvent]):
    list_display = ("id", "topic", "status", "attempts", "dispatch_count", "created_at", "available_at")
    list_filter = ("status", "topic")
    search_fields = ("idempotency_key",)
    readonly_fields = [f.name for f in OutboxEvent._meta.fields]
