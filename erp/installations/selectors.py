"""Installation reads: scoped by the "installations" scope (A.3-7), fetching everything a page or API renders."""

from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from erp.accounts.scoping import scope_for
from erp.core.filters import apply_filter
from erp.installations.filters import InstallationFilter, ModificationRequestFilter
from erp.installations.models import (
    Installation,
    InstallationEvent,
    ModificationItem,
    ModificationRequest,
    Technician,
)
from erp.installations.services import orders_awaiting_installation
from erp.orders.models import Order, PaymentAllocation

SORTS: dict[str, tuple[str, ...]] = {
    "-id": ("-id",),
    "id": ("id",),
    "-scheduled_date": ("-scheduled_date", "-id"),
    "scheduled_date": ("scheduled_date", "id"),
}
LIST_RELATED = ("order", "order__customer", "order__branch", "team", "driver", "vehicle")


def installation_base(*, actor: Any) -> QuerySet[Installation]:
    return scope_for(actor, "installations", Installation.objects.all())


def installation_list(*, actor: Any, filters: Any = None) -> QuerySet[Installation]:
    qs = installation_base(actor=actor).select_related(*LIST_RELATED)
    return apply_filter(InstallationFilter, filters, qs, actor=actor)


def installation_get_for_user(*, actor: Any, pk: int) -> Installation:
    qs = installation_base(actor=actor).select_related(*LIST_RELATED, "order__salesperson", "created_by")
    return get_object_or_404(
        qs.prefetch_related(
            Prefetch("technicians", queryset=Technician.objects.order_by("name", "id")),
            Prefetch("events", queryset=InstallationEvent.objects.select_related("user").order_by("id")),
            Prefetch(
                "modifications",
                queryset=ModificationRequest.objects.order_by("-id"),
            ),
        ),
        pk=pk,
    )


def installation_events(*, installation: Installation) -> QuerySet[InstallationEvent]:
    return InstallationEvent.objects.filter(installation=installation).select_related("user")


def order_payments(*, order_id: int) -> list[PaymentAllocation]:
    return list(
        PaymentAllocation.objects.filter(order_id=order_id)
        .select_related("payment", "payment__created_by")
        .order_by("id")
    )


def needs_scheduling(*, actor: Any) -> QuerySet[Order]:
    """Ready installation orders with no open installation, that the user may see."""
    return scope_for(actor, "orders", orders_awaiting_installation()).select_related("customer", "branch")


def day_schedule(*, actor: Any, day: date, team_id: int | None = None) -> list[Installation]:
    """The installations of one day (optionally one team), in time order, with their technicians."""
    qs = (
        installation_base(actor=actor)
        .filter(scheduled_date=day)
        .exclude(status=Installation.Status.CANCELLED)
        .select_related(*LIST_RELATED)
        .prefetch_related(Prefetch("technicians", queryset=Technician.objects.order_by("name", "id")))
    )
    if team_id:
        qs = qs.filter(team_id=team_id)
    return list(qs.order_by("team__name", "team_id", "scheduled_time", "id"))


def range_schedule(*, actor: Any, start: date, end: date) -> list[Installation]:
    """Installations dated in [start, end] (the week calendar), without technicians."""
    qs = (
        installation_base(actor=actor)
        .filter(scheduled_date__gte=start, scheduled_date__lte=end)
        .exclude(status=Installation.Status.CANCELLED)
        .select_related("order", "order__customer", "team")
    )
    return list(qs.order_by("scheduled_date", "scheduled_time", "id"))


def modification_base(*, actor: Any) -> QuerySet[ModificationRequest]:
    return scope_for(actor, "modification_requests", ModificationRequest.objects.all())


def modification_list(*, actor: Any, filters: Any = None) -> QuerySet[ModificationRequest]:
    """The page's installations (with their orders and customers) come by primary key in a second query. Joined into
    the list query, a merge join walked the whole installations table whenever the newest requests pointed past
    the installation ids in the planner's statistics (a small table's statistics lag its last rows): 31 ms at
    136,000 installations, growing with the table, for 16 requests."""
    installations = Prefetch("installation", queryset=Installation.objects.select_related("order__customer"))
    qs = modification_base(actor=actor).select_related("created_by").prefetch_related(installations)
    return apply_filter(ModificationRequestFilter, filters, qs, actor=actor)


def modification_get_for_user(*, actor: Any, pk: int) -> ModificationRequest:
    return get_object_or_404(
        modification_base(actor=actor)
        .select_related(
            "installation", "installation__order", "installation__order__customer", "created_by", "approved_by"
        )
        .prefetch_related(Prefetch("items", queryset=ModificationItem.objects.order_by("id"))),
        pk=pk,
    )
