from django.apps import AppConfig


class ManufacturingConfig(AppConfig):
    name = "erp.manufacturing"
    label = "manufacturing"

    def ready(self) -> None:
        from erp.core import hooks
        from erp.manufacturing import (  # noqa: F401  (scoping registers its scope)
            departments,
            exports,  # noqa: F401  (registers the background export)
            scoping,
            services,
        )

        hooks.register("handoff.factory_order_needed", services.receive_factory_order_needed)
        hooks.register("cutting.item_done", services.receive_cut_item_done)
        hooks.register("cutting.item_reversed", services.receive_cut_item_reversed)
        hooks.register("manufacturing.modification_requested", services.receive_modification_requested)
        hooks.register("order.cancelled", services.receive_order_cancelled)
        departments.register()
