from django.contrib import admin

from erp.integrations.whatsapp.models import WhatsAppMessage, WhatsAppTemplate


@admin.register(WhatsAppTemplate)
class WhatsAppTemplateAdmin(admin.ModelAdmin[WhatsAppTemplate]):
    list_display = ("event", "name", "language", "is_active")


@admin.register(WhatsAppMessage)
class WhatsAppMessageAdmin(admin.ModelAdmin[WhatsAppMessage]):
    list_display = ("id", "event", "phone", "status", "provider_message_id", "created_at")
    list_filter = ("status", "event")
    search_fields = ("phone", "provider_message_id")
