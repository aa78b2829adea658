from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "erp.api"
    label = "api"
