"""Complaint reads, scoped (erp/accounts/scoping "complaints") and fetched with what the pages and API show."""

from datetime import timedelta
from typing import Any

from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from erp.accounts.scoping import scope_for
from erp.complaints.filters import ComplaintFilter
from erp.complaints.models import BusinessCalendar, Complaint, ComplaintType, ComplaintUpdate
from erp.core.exceptions import NotFoundError
from erp.core.filters import apply_filter

S = Complaint.Status
LIST_FIELDS = ("customer", "complaint_type", "assigned_to", "branch")


def complaint_list(*, actor: Any) -> QuerySet[Complaint]:
    return scope_for(actor, "complaints", Complaint.objects.select_related(*LIST_FIELDS))


def complaint_list_filtered(*, actor: Any, filters: Any = None) -> QuerySet[Complaint]:
    return apply_filter(ComplaintFilter, filters, complaint_list(actor=actor), actor=actor)


def complaint_get_for_user(*, actor: Any, pk: int) -> Complaint:
    """The complaint with its timeline (users, attachments), attachments and evaluation; 404 outside the scope."""
    complaint = (
        complaint_list(actor=actor)
        .select_related("related_order", "evaluation", "created_by", "assigned_branch")
        .prefetch_related(
            Prefetch(
                "updates",
                queryset=ComplaintUpdate.objects.select_related("user").prefetch_related("attachments").order_by("id"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if complaint is None:
        raise NotFoundError("Complaint not found.")
    return complaint


def complaint_types(*, active_only: bool = False) -> QuerySet[ComplaintType]:
    qs = ComplaintType.objects.select_related("calendar", "default_assignee")
    return qs.filter(is_active=True) if active_only else qs


def calendars() -> QuerySet[BusinessCalendar]:
    return BusinessCalendar.objects.prefetch_related("holidays")


def customer_complaints(*, actor: Any, customer: Any, limit: int = 10) -> dict[str, Any]:
    """The customer's latest complaints (in the actor's scope) and how many are open: two queries."""
    qs = scope_for(actor, "complaints", Complaint.objects.filter(customer=customer))
    rows = list(qs.select_related("complaint_type").order_by("-id")[:limit])
    counts = qs.aggregate(total=Count("id"), open=Count("id", filter=~Q(status=S.CLOSED)))
    return {"rows": rows, "total": counts["total"], "open": counts["open"]}


def dashboard(*, actor: Any, now: Any = None, days: int = 90) -> dict[str, Any]:
    """Open complaints by status, type, priority and assignee, the overdue and escalated counts, and the average
    resolution time over the last `days` days: five aggregate queries whatever the volume."""
    now = now or timezone.now()
    scoped = complaint_list(actor=actor)
    open_qs = scoped.exclude(status=S.CLOSED)
    totals = open_qs.aggregate(
        open=Count("id"),
        overdue=Count("id", filter=Q(is_overdue=True)),
        escalated=Count("id", filter=Q(escalation_level__gt=0)),
        unassigned=Count("id", filter=Q(assigned_to__isnull=True, assigned_role="")),
    )
    by_status = list(open_qs.values("status").annotate(n=Count("id")).order_by("status"))
    by_type = list(
        open_qs.values("complaint_type_id", "complaint_type__name_ar").annotate(n=Count("id")).order_by("-n")[:20]
    )
    by_priority = list(open_qs.values("priority").annotate(n=Count("id")).order_by("priority"))
    by_assignee = list(
        open_qs.values(
            "assigned_to_id",
            "assigned_to__username",
            "assigned_to__first_name",
            "assigned_to__last_name",
            "assigned_role",
        )
        .annotate(n=Count("id"), overdue=Count("id", filter=Q(is_overdue=True)))
        .order_by("-n")[:20]
    )
    resolved = scoped.filter(resolved_at__isnull=False, resolved_at__gte=now - timedelta(days=days)).aggregate(
        avg=Avg(F("resolved_at") - F("created_at")), n=Count("id")
    )
    return {
        "totals": totals,
        "by_status": by_status,
        "by_type": by_type,
        "by_priority": by_priority,
        "by_assignee": by_assignee,
        "avg_resolution": resolved["avg"],
        "resolved_count": resolved["n"],
        "days": days,
    }
