from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from erp.core.filters import ACTIVE_CHOICES, SearchFilter, StyledFilterSet
from erp.core.text import normalize_search
from erp.installations.models import Installation, ModificationRequest, Team, Vehicle, VehicleMission
from erp.orders.filters import branch_choices


def team_choices(request: Any) -> QuerySet[Team]:
    return Team.objects.filter(is_active=True).order_by("name", "id") if request is not None else Team.objects.none()


class InstallationFilter(StyledFilterSet):
    search = SearchFilter(method="filter_search")
    status = django_filters.ChoiceFilter(
        choices=Installation.Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    team = django_filters.ModelChoiceFilter(
        queryset=lambda request: team_choices(request), label=_("Team"), empty_label=_("All teams")
    )
    branch = django_filters.ModelChoiceFilter(
        field_name="order__branch",
        queryset=lambda request: branch_choices(request),
        label=_("Branch"),
        empty_label=_("All branches"),
    )
    date_from = django_filters.DateFilter(field_name="scheduled_date", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="scheduled_date", lookup_expr="lte", label=_("To"))
    order = django_filters.NumberFilter(field_name="order_id", label=_("Order"))

    class Meta:
        model = Installation
        fields = ["search", "status", "team", "branch", "date_from", "date_to", "order"]

    def filter_search(self, queryset: QuerySet[Installation], name: str, value: str) -> QuerySet[Installation]:
        term = normalize_search(value)
        return queryset.filter(search_text__contains=term) if term else queryset


class ModificationRequestFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(
        choices=ModificationRequest.Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    fault_party = django_filters.ChoiceFilter(
        choices=ModificationRequest.Fault.choices, label=_("Fault party"), empty_label=_("Any")
    )
    priority = django_filters.ChoiceFilter(
        choices=ModificationRequest.Priority.choices, label=_("Priority"), empty_label=_("Any priority")
    )
    installation = django_filters.NumberFilter(field_name="installation_id", label=_("Installation"))

    class Meta:
        model = ModificationRequest
        fields = ["status", "fault_party", "priority", "installation"]


class TeamFilter(StyledFilterSet):
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name"))
    active = django_filters.ChoiceFilter(
        choices=ACTIVE_CHOICES, method="filter_active", label=_("Active"), empty_label=_("Any")
    )

    class Meta:
        model = Team
        fields = ["search", "active"]


class PersonFilter(TeamFilter):
    """Technicians and drivers: the same name and active filters."""

    class Meta:
        model = Team
        fields = ["search", "active"]


class VehicleFilter(StyledFilterSet):
    search = django_filters.CharFilter(field_name="plate", lookup_expr="icontains", label=_("Plate"))
    status = django_filters.ChoiceFilter(choices=Vehicle.Status.choices, label=_("Status"), empty_label=_("Any"))
    vehicle_type = django_filters.ChoiceFilter(choices=Vehicle.Type.choices, label=_("Type"), empty_label=_("Any"))

    class Meta:
        model = Vehicle
        fields = ["search", "status", "vehicle_type"]


class MissionFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(choices=VehicleMission.Status.choices, label=_("Status"), empty_label=_("Any"))
    kind = django_filters.ChoiceFilter(choices=VehicleMission.Kind.choices, label=_("Kind"), empty_label=_("Any"))
    date_from = django_filters.DateFilter(field_name="mission_date", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="mission_date", lookup_expr="lte", label=_("To"))

    class Meta:
        model = VehicleMission
        fields = ["status", "kind", "date_from", "date_to"]
