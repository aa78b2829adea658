from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "erp.inventory"
    label = "inventory"

    def ready(self) -> None:
        from erp.inventory import scoping  # noqa: F401  (registers the "warehouses" scope)
