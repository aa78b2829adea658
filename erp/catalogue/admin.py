from django.contrib import admin

from erp.catalogue.models import SyncEntry


@admin.register(SyncEntry)
class SyncEntryAdmin(admin.ModelAdmin[SyncEntry]):
    list_display = ["code", "operation", "status", "version", "sent_version", "attempts", "next_attempt_at"]
    list_filter = ["status", "operation"]
    search_fields = ["code"]
    readonly_fields = [f.name for f in SyncEntry._meta.fields]
