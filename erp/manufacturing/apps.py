from django.apps import AppConfig


class ManufacturingConfig(AppConfig):
    name = "erp.manufacturing"
    label = "manufacturing"
