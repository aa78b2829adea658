"""Inspection reads: scoped by `inspection_scope` (A.3-7) and fetching everything a page or API renders up front."""

from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from erp.accounts.scoping import scope_for
from erp.core.filters import apply_filter
from erp.inspections.filters import InspectionFilter
from erp.inspections.models import Inspection, InspectionEvent, InspectionFile

SORTS: dict[str, tuple[str, ...]] = {
    "-id": ("-id",),
    "id": ("id",),
}

S = Inspection.Status
ON_THE_DAY = (S.SCHEDULED, S.IN_PROGRESS, S.POSTPONED, S.COMPLETED)


def inspection_base(*, actor: Any) -> QuerySet[Inspection]:
    return scope_for(actor, "inspections", Inspection.objects.all())


def inspection_list(*, actor: Any, filters: Any = None) -> QuerySet[Inspection]:
    qs = inspection_base(actor=actor).select_related("customer", "branch", "technician", "order")
    return apply_filter(InspectionFilter, filters, qs, actor=actor)


def inspection_get_for_user(*, actor: Any, pk: int) -> Inspection:
    qs = inspection_base(actor=actor).select_related(
        "customer", "branch", "technician", "order", "parent", "created_by"
    )
    return get_object_or_404(
        qs.prefetch_related(
            Prefetch("events", queryset=InspectionEvent.objects.select_related("user").order_by("id")),
            Prefetch("files", queryset=InspectionFile.objects.select_related("uploaded_by").order_by("id")),
            Prefetch("iterations", queryset=Inspection.objects.order_by("id")),
        ),
        pk=pk,
    )


def inspection_events(*, inspection: Inspection) -> QuerySet[InspectionEvent]:
    return InspectionEvent.objects.filter(inspection=inspection).select_related("user")


def inspection_files(*, inspection: Inspection) -> QuerySet[InspectionFile]:
    return InspectionFile.objects.filter(inspection=inspection).select_related("uploaded_by")


def visits_of_day(*, actor: Any, day: date) -> QuerySet[Inspection]:
    """The caller's own visits of `day` (the technician's mobile page), earliest first."""
    return (
        inspection_base(actor=actor)
        .filter(technician_id=actor.pk, scheduled_date=day, status__in=ON_THE_DAY)
        .select_related("customer", "branch")
        .order_by("scheduled_time", "id")
    )
