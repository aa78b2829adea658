from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "erp.complaints"
    label = "complaints"
