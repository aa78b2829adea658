from django.apps import AppConfig


class CuttingConfig(AppConfig):
    name = "erp.cutting"
    label = "cutting"

    def ready(self) -> None:
        from erp.core import hooks
        from erp.cutting import scoping  # noqa: F401  (registers the "cutting_orders" scope)
        from erp.cutting.departments import department
        from erp.cutting.services import cutting_orders_create, refuse_item_changes_once_cutting
        from erp.orders.departments import register_department

        hooks.register("handoff.cutting_needed", cutting_orders_create)
        hooks.register("orders.items_change", refuse_item_changes_once_cutting)
        register_department(department())
