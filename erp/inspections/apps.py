from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "erp.inspections"
    label = "inspections"

    def ready(self) -> None:
        from erp.core import hooks
        from erp.inspections import (  # noqa: F401  (registers the "inspections" scope)
            departments,
            exports,  # noqa: F401  (registers the background export)
            scoping,
        )
        from erp.inspections.services import inspection_create_for_order, inspection_order_cancelled

        hooks.register("handoff.inspection_needed", inspection_create_for_order)
        hooks.register("order.cancelled", inspection_order_cancelled)
        departments.register()
