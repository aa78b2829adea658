from django.apps import AppConfig


class CuttingConfig(AppConfig):
    name = "erp.cutting"
    label = "cutting"
