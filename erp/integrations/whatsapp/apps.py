from django.apps import AppConfig


class WhatsAppConfig(AppConfig):
    name = "erp.integrations.whatsapp"
    label = "whatsapp"
    verbose_name = "WhatsApp"
