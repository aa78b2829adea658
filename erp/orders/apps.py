from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "erp.orders"
    label = "orders"

    def ready(self) -> None:
        from erp.orders import scoping  # noqa: F401  (registers the "orders" scope)
