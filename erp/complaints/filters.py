"""Complaint list filters (pages and API): status, type, priority, assignee, overdue, escalated, branch, and an
Arabic-normalised search over number, title and the customer's name, code and phone."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from erp.accounts.models import Branch, User
from erp.accounts.scoping import scope_for
from erp.complaints.models import Complaint, ComplaintType, Priority
from erp.core.filters import DayFromFilter, DayToFilter, SearchFilter, StyledFilterSet
from erp.core.text import normalize_search

YES_NO = [("true", _("Yes")), ("false", _("No"))]


def _branches(request: Any) -> QuerySet[Branch]:
    return scope_for(getattr(request, "user", None), "branches", Branch.objects.filter(is_active=True)).order_by("code")


def _assignees(request: Any) -> QuerySet[User]:
    return User.objects.filter(is_active=True, assigned_complaints__isnull=False).distinct().order_by("username")


class ComplaintFilter(StyledFilterSet):
    search = SearchFilter(method="filter_search")
    status = django_filters.ChoiceFilter(
        choices=Complaint.Status.choices, method="filter_status", label=_("Status"), empty_label=_("Any status")
    )
    complaint_type = django_filters.ModelChoiceFilter(
        queryset=ComplaintType.objects.order_by("name_ar"), label=_("Type"), empty_label=_("Any type")
    )
    priority = django_filters.ChoiceFilter(choices=Priority.choices, label=_("Priority"), empty_label=_("Any priority"))
    assigned_to = django_filters.ModelChoiceFilter(
        queryset=_assignees, label=_("Assignee"), empty_label=_("Any assignee")
    )
    overdue = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_flag", field_name="is_overdue", label=_("Overdue"), empty_label=_("Overdue?")
    )
    escalated = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_escalated", label=_("Escalated"), empty_label=_("Escalated?")
    )
    open = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_open", label=_("Open"), empty_label=_("Open or closed")
    )
    branch = django_filters.ModelChoiceFilter(queryset=_branches, label=_("Branch"), empty_label=_("Any branch"))
    customer = django_filters.NumberFilter(field_name="customer_id", label=_("Customer"))
    created_after = DayFromFilter(field_name="created_at", label=_("From date"))
    created_before = DayToFilter(field_name="created_at", label=_("To date"))

    class Meta:
        model = Complaint
        fields = [
            "search",
            "status",
            "complaint_type",
            "priority",
            "assigned_to",
            "overdue",
            "escalated",
            "open",
            "branch",
            "customer",
            "created_after",
            "created_before",
        ]

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        term = normalize_search(value)
        if not term:
            return queryset
        return queryset.filter(Q(search_text__contains=term) | Q(number__iexact=term))

    def filter_status(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(status=value) if value else queryset

    def filter_flag(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(**{name: value == "true"}) if value in {"true", "false"} else queryset

    def filter_escalated(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "true":
            return queryset.filter(escalation_level__gt=0)
        return queryset.filter(escalation_level=0) if value == "false" else queryset

    def filter_open(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "true":
            return queryset.exclude(status=Complaint.Status.CLOSED)
        return queryset.filter(status=Complaint.Status.CLOSED) if value == "false" else queryset
