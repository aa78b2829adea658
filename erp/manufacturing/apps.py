from django.apps import AppConfig


class ManufacturingConfig(AppConfig):
    name = "erp.manufacturing"
    label = "manufacturing"

    def ready(self) -> None:
        from erp.core import hooks
        from erp.manufacturing import departments, scoping, services  # noqa: F401  (scoping registers its scope)

        hooks.register("handoff.factory_order_needed", services.receive_factory_order_needed)
        hooks.register("cutting.item_done", services.receive_cut_item_done)
        hooks.register("cutting.item_reversed", services.receive_cut_item_reversed)
        hooks.register("manufacturing.modification_requested", services.receive_modification_requested)
        hooks.register("order.cancelled", services.receive_order_cancelled)
        departments.register()
