"""The complaints list's Excel export: immediate when small, a background job with a progress bar when large
(erp/core/exportjobs.py). The job rebuilds the list as the requesting user, with their filters."""

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from erp.complaints import selectors
from erp.complaints.models import Complaint
from erp.core.exportjobs import ExportKind, register_export


def headers() -> list[str]:
    return [
        _("Number"),
        _("Customer"),
        _("Branch"),
        _("Type"),
        _("Priority"),
        _("Status"),
        _("Assignee"),
        _("Overdue"),
        _("Escalation level"),
        _("Filed"),
        _("Resolution due"),
        _("Resolved"),
    ]


def row(c: Complaint) -> list[Any]:
    return [
        c.number,
        c.customer.name,
        c.branch.code,
        c.complaint_type.name_ar,
        c.get_priority_display(),
        c.get_status_display(),
        c.assigned_to.display_name if c.assigned_to else c.get_assigned_role_display(),
        _("Yes") if c.is_overdue else "",
        c.escalation_level,
        c.created_at,
        c.resolution_due,
        c.resolved_at,
    ]


def queryset(actor: Any, filters: QueryDict) -> Any:
    return selectors.complaint_list_filtered(actor=actor, filters=filters)


COMPLAINTS = register_export(
    ExportKind(
        key="complaints",
        filename="complaints",
        permission="complaints.export_complaints",
        headers=headers,
        queryset=queryset,
        row=row,
    )
)
