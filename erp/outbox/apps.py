from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "erp.outbox"
    label = "outbox"
