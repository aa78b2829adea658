from django.contrib import admin

from erp.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ("id", "kind", "priority", "title", "created_at")
    list_filter = ("kind", "priority")
    raw_id_fields = ("actor", "branch")
