from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "erp.customers"
    label = "customers"

    def ready(self) -> None:
        from erp.customers import (
            exports,  # noqa: F401  (registers the "customers" background export)
            scoping,  # noqa: F401  (registers the "customers" scope)
        )
