from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "erp.notifications"
    label = "notifications"
