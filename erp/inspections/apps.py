from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "erp.inspections"
    label = "inspections"
