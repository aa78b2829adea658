from django.apps import AppConfig


class InstallationsConfig(AppConfig):
    name = "erp.installations"
    label = "installations"
