from django.apps import AppConfig


class CuttingConfig(AppConfig):
    name = "erp.cutting"
    label = "cutting"

    def ready(self) -> None:
        from erp.core import hooks
        from erp.cutting import (
            exports,  # noqa: F401  (registers the background export)
            scoping,  # noqa: F401  (registers the "cutting_orders" scope)
        )
        from erp.cutting.departments import department
        from erp.cutting.services import cutting_items_changed, cutting_order_cancelled, cutting_orders_create
        from erp.orders.departments import register_department

        hooks.register("handoff.cutting_needed", cutting_orders_create)
        hooks.register("orders.items_changed", cutting_items_changed)
        hooks.register("order.cancelled", cutting_order_cancelled)
        register_department(department())
