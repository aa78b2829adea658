from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "erp.orders"
    label = "orders"

    def ready(self) -> None:
        from erp.orders import (
            customer_sections,
            scoping,  # noqa: F401  (registers the "orders" scope)
        )

        customer_sections.register()  # the orders, payments, balance and timeline cards of the customer page
        from erp.orders import exports  # noqa: F401  (registers the "orders" background export)
