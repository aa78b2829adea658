from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _annotate(qs: Any) -> Any:
    from erp.installations.models import Installation
    from erp.orders.departments import latest

    status, pk = latest(Installation, "status")
    return qs.annotate(dept_installation_status=status, dept_installation_id=pk)


def _label(value: str) -> Any:
    from erp.installations.models import Installation

    return Installation.Status(value).label if value in Installation.Status.values else value


def _url(pk: int) -> str:
    from django.urls import reverse

    return reverse("installations:installation_detail", kwargs={"pk": pk})


class InstallationsConfig(AppConfig):
    name = "erp.installations"
    label = "installations"
    verbose_name = _("Installations")

    def ready(self) -> None:
        from erp.core import hooks
        from erp.installations import (
            exports,  # noqa: F401  (registers the background export)
            scoping,  # noqa: F401  (registers the "installations" scopes)
            services,
        )
        from erp.orders.departments import Department, register_department

        hooks.register("manufacturing.modification_done", services.on_modification_done)
        hooks.register("complaints.delay_candidates", services.delay_candidates)
        hooks.register("order.cancelled", services.on_order_cancelled)
        register_department(
            Department(
                key="installation",
                title=_("Installation"),
                order_types=("installation",),
                annotate=_annotate,
                label=_label,
                url=_url,
                position=40,
            )
        )
