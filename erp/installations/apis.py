"""API v1 for installations, teams, technicians, drivers, vehicles and modification requests (docs: api.md).
Thin: services write, selectors read."""

from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from erp.accounts.access import require_perm
from erp.accounts.models import Branch
from erp.accounts.scoping import scope_for
from erp.api.permissions import has_perm
from erp.api.views import BaseListApi, BaseRetrieveApi, BaseTransitionApi
from erp.core.filters import apply_filter
from erp.installations import filters, selectors, services
from erp.installations.models import (
    Driver,
    Installation,
    ModificationRequest,
    Team,
    Technician,
    Vehicle,
)
from erp.orders.models import Payment

VIEW: list[type[BasePermission]] = [IsAuthenticated, has_perm("installations.view_installations")]
TEAMS: list[type[BasePermission]] = [IsAuthenticated, has_perm("installations.manage_teams")]
FLEET: list[type[BasePermission]] = [IsAuthenticated, has_perm("installations.manage_fleet")]
MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


# ---------------------------------------------------------------------------------------------------------------
# Output


@extend_schema_serializer(component_name="InstallationTechnicianRef")
class TechnicianRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="InstallationEventOutput")
class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    user = serializers.CharField(source="user.username", default=None)
    reason = serializers.CharField()
    details = serializers.JSONField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="InstallationOutput")
class InstallationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    order_id = serializers.IntegerField()
    order_number = serializers.CharField(source="order.number")
    customer_name = serializers.CharField(source="order.customer.name")
    customer_phone = serializers.CharField(source="order.customer.phone")
    branch = serializers.CharField(source="order.branch.code")
    status = serializers.ChoiceField(choices=Installation.Status.choices)
    scheduled_date = serializers.DateField(allow_null=True)
    scheduled_time = serializers.TimeField(allow_null=True)
    team_id = serializers.IntegerField(allow_null=True)
    team = serializers.CharField(source="team.name", default=None)
    driver_id = serializers.IntegerField(allow_null=True)
    vehicle_id = serializers.IntegerField(allow_null=True)
    address = serializers.CharField()
    location_type = serializers.ChoiceField(choices=Installation.Location.choices)
    windows_count = serializers.IntegerField()
    order_balance = serializers.DecimalField(source="order.balance", **MONEY)
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="InstallationDetailOutput")
class InstallationDetailSerializer(InstallationSerializer):
    technicians = TechnicianRefSerializer(many=True)
    notes = serializers.CharField()
    status_reason = serializers.CharField()
    debt_confirmed = serializers.BooleanField()
    completed_at = serializers.DateTimeField(allow_null=True)
    receipt_number = serializers.CharField()
    receipt_notes = serializers.CharField()
    has_receipt_file = serializers.SerializerMethodField()
    events = EventSerializer(many=True)
    allowed_transitions = serializers.SerializerMethodField()

    def get_has_receipt_file(self, obj: Installation) -> bool:
        return bool(obj.receipt_file)

    def get_allowed_transitions(self, obj: Installation) -> list[str]:
        return services.allowed_targets(installation=obj, user=self.context["request"].user)


@extend_schema_serializer(component_name="InstallationTeamOutput")
class TeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    branch_id = serializers.IntegerField()
    is_active = serializers.BooleanField()


@extend_schema_serializer(component_name="InstallationTechnicianOutput")
class TechnicianSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()
    team_id = serializers.IntegerField(allow_null=True)
    is_active = serializers.BooleanField()


@extend_schema_serializer(component_name="InstallationDriverOutput")
class DriverSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()
    is_active = serializers.BooleanField()


@extend_schema_serializer(component_name="VehicleOutput")
class VehicleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    plate = serializers.CharField()
    vehicle_type = serializers.ChoiceField(choices=Vehicle.Type.choices)
    status = serializers.ChoiceField(choices=Vehicle.Status.choices)


@extend_schema_serializer(component_name="ModificationItemOutput")
class ModificationItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()
    new_meters = serializers.DecimalField(max_digits=14, decimal_places=3)
    notes = serializers.CharField()


@extend_schema_serializer(component_name="ModificationRequestOutput")
class ModificationRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    installation_id = serializers.IntegerField()
    installation_number = serializers.CharField(source="installation.number")
    fault_party = serializers.ChoiceField(choices=ModificationRequest.Fault.choices)
    status = serializers.ChoiceField(choices=ModificationRequest.Status.choices)
    priority = serializers.ChoiceField(choices=ModificationRequest.Priority.choices)
    description = serializers.CharField()
    status_reason = serializers.CharField()
    factory_order_id = serializers.IntegerField(allow_null=True)
    factory_order_number = serializers.CharField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="ModificationRequestDetailOutput")
class ModificationRequestDetailSerializer(ModificationRequestSerializer):
    items = ModificationItemSerializer(many=True)
    allowed_transitions = serializers.SerializerMethodField()

    def get_allowed_transitions(self, obj: ModificationRequest) -> list[str]:
        return services.request_allowed_targets(request=obj, user=self.context["request"].user)


# ---------------------------------------------------------------------------------------------------------------
# Installations


class InstallationListApi(BaseListApi):
    """GET: the installations the caller may see (filters: search, status, team, branch, date_from, date_to, order).
    POST: create the installation of a ready installation order (scheduled when a date is given); a balance due
    must be confirmed with `debt_confirmed` or the answer is 400 naming that field."""

    serializer_class = InstallationSerializer
    permission_classes = VIEW
    ordering = "-id"

    def get_queryset(self) -> Any:
        return selectors.installation_list(actor=self.request.user, filters=self.request.query_params)

    @extend_schema_serializer(component_name="InstallationCreateInput")
    class InputSerializer(serializers.Serializer):
        order = serializers.IntegerField()
        scheduled_date = serializers.DateField(required=False, allow_null=True)
        scheduled_time = serializers.TimeField(required=False, allow_null=True)
        team = serializers.IntegerField(required=False, allow_null=True)
        technicians = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
        driver = serializers.IntegerField(required=False, allow_null=True)
        vehicle = serializers.IntegerField(required=False, allow_null=True)
        address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
        location_type = serializers.ChoiceField(
            choices=Installation.Location.choices, default=Installation.Location.OPEN
        )
        windows_count = serializers.IntegerField(min_value=0, max_value=500, default=0)
        notes = serializers.CharField(required=False, allow_blank=True, default="")
        debt_confirmed = serializers.BooleanField(default=False)

    @extend_schema(request=InputSerializer, responses={201: InstallationDetailSerializer})
    def post(self, request: Request) -> Response:
        require_perm(request.user, services.MANAGE)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        order = selectors.needs_scheduling(actor=request.user).filter(pk=values["order"]).first()
        if order is None:
            raise ValidationError({"order": _("Choose a ready installation order with no installation.")})
        installation = services.installation_schedule(
            actor=request.user,
            order=order,
            crew=crew_from(values),
            address=values["address"],
            location_type=values["location_type"],
            windows_count=values["windows_count"],
            notes=values["notes"],
            debt_confirmed=values["debt_confirmed"],
        )
        installation = selectors.installation_get_for_user(actor=request.user, pk=installation.pk)
        return Response(
            InstallationDetailSerializer(installation, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


def _pick(model: Any, pk: int | None, field: str, **active: Any) -> Any:
    if not pk:
        return None
    obj = model.objects.filter(pk=pk, **active).first()
    if obj is None:
        raise ValidationError({field: _("Choose an active one.")})
    return obj


def crew_from(values: dict[str, Any]) -> services.Crew:
    technician_ids = values.get("technicians") or []
    technicians = list(Technician.objects.filter(pk__in=technician_ids, is_active=True))
    if len(technicians) != len(set(technician_ids)):
        raise ValidationError({"technicians": _("Choose active technicians only.")})
    return services.Crew(
        scheduled_date=values.get("scheduled_date"),
        scheduled_time=values.get("scheduled_time"),
        team=_pick(Team, values.get("team"), "team", is_active=True),
        technicians=technicians,
        driver=_pick(Driver, values.get("driver"), "driver", is_active=True),
        vehicle=_pick(Vehicle, values.get("vehicle"), "vehicle"),
    )


class InstallationDetailApi(BaseRetrieveApi):
    serializer_class = InstallationDetailSerializer
    permission_classes = VIEW

    def get_object(self) -> Installation:
        return selectors.installation_get_for_user(actor=self.request.user, pk=self.kwargs["pk"])


@extend_schema_serializer(component_name="InstallationDoorPaymentInput")
class DoorPaymentSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY)
    method = serializers.ChoiceField(choices=Payment.Method.choices, default=Payment.Method.CASH)
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class InstallationTransitionApi(BaseTransitionApi):
    """POST {"to": status, "reason": "..."}: scheduled (with date, time, team, technicians, driver, vehicle),
    in_installation, completed (with payments collected at the door and the receipt), cancelled (with a reason).
    409 with the allowed targets in error.fields.to when the move is not allowed."""

    permission_classes = VIEW
    OutputSerializer = InstallationDetailSerializer
    service = services.installation_transition
    object_arg = "installation"
    actor_arg = "actor"

    @extend_schema_serializer(component_name="InstallationTransitionInput")
    class InputSerializer(serializers.Serializer):
        to = serializers.ChoiceField(choices=Installation.Status.choices)
        reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
        scheduled_date = serializers.DateField(required=False, allow_null=True)
        scheduled_time = serializers.TimeField(required=False, allow_null=True)
        team = serializers.IntegerField(required=False, allow_null=True)
        technicians = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
        driver = serializers.IntegerField(required=False, allow_null=True)
        vehicle = serializers.IntegerField(required=False, allow_null=True)
        payments = DoorPaymentSerializer(many=True, required=False, default=list)
        receipt_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
        receipt_notes = serializers.CharField(required=False, allow_blank=True, default="")

    def find(self, pk: int) -> Installation:
        return get_object_or_404(selectors.installation_base(actor=self.request.user), pk=pk)

    def detail(self, pk: int) -> Installation:
        return selectors.installation_get_for_user(actor=self.request.user, pk=pk)

    def arguments(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "to": data["to"],
            "reason": data["reason"],
            "crew": crew_from(data) if data["to"] == Installation.Status.SCHEDULED else None,
            "payments": [services.DoorPayment(**p) for p in data["payments"]],
            "receipt_number": data["receipt_number"],
            "receipt_notes": data["receipt_notes"],
        }


# ---------------------------------------------------------------------------------------------------------------
# Teams, technicians, drivers, vehicles


class _ResourceListApi(BaseListApi):
    filterset: type[filters.StyledFilterSet]
    model: Any
    related: tuple[str, ...] = ()
    ordering = "id"

    def get_queryset(self) -> Any:
        qs = self.model.objects.select_related(*self.related)
        return apply_filter(self.filterset, self.request.query_params, qs, actor=self.request.user)


class TeamListApi(_ResourceListApi):
    """GET: installation teams (filters: search, active). POST: add a team."""

    serializer_class = TeamSerializer
    permission_classes = TEAMS
    filterset = filters.TeamFilter
    model = Team

    @extend_schema_serializer(component_name="InstallationTeamInput")
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        branch = serializers.IntegerField()
        is_active = serializers.BooleanField(default=True)

    @extend_schema(request=InputSerializer, responses={201: TeamSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        branch = scope_for(request.user, "branches", Branch.objects.filter(pk=values.pop("branch"))).first()
        if branch is None:
            raise ValidationError({"branch": _("Choose one of your branches.")})
        team = services.team_save(actor=request.user, branch=branch, **values)
        return Response(TeamSerializer(team).data, status=status.HTTP_201_CREATED)


class TechnicianListApi(_ResourceListApi):
    """GET: technicians (filters: search, active). POST: add a technician."""

    serializer_class = TechnicianSerializer
    permission_classes = TEAMS
    filterset = filters.PersonFilter
    model = Technician

    @extend_schema_serializer(component_name="InstallationTechnicianInput")
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
        team = serializers.IntegerField(required=False, allow_null=True)
        is_active = serializers.BooleanField(default=True)

    @extend_schema(request=InputSerializer, responses={201: TechnicianSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        team = _pick(Team, values.pop("team", None), "team")
        technician = services.technician_save(actor=request.user, team=team, **values)
        return Response(TechnicianSerializer(technician).data, status=status.HTTP_201_CREATED)


class DriverListApi(_ResourceListApi):
    """GET: drivers (filters: search, active). POST: add a driver."""

    serializer_class = DriverSerializer
    permission_classes = FLEET
    filterset = filters.PersonFilter
    model = Driver

    @extend_schema_serializer(component_name="InstallationDriverInput")
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
        is_active = serializers.BooleanField(default=True)

    @extend_schema(request=InputSerializer, responses={201: DriverSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        driver = services.driver_save(actor=request.user, **data.validated_data)
        return Response(DriverSerializer(driver).data, status=status.HTTP_201_CREATED)


class VehicleListApi(_ResourceListApi):
    """GET: vehicles (filters: search, status, vehicle_type). POST: add a vehicle."""

    serializer_class = VehicleSerializer
    permission_classes = FLEET
    filterset = filters.VehicleFilter
    model = Vehicle

    @extend_schema_serializer(component_name="VehicleInput")
    class InputSerializer(serializers.Serializer):
        plate = serializers.CharField(max_length=20)
        vehicle_type = serializers.ChoiceField(choices=Vehicle.Type.choices)
        status = serializers.ChoiceField(choices=Vehicle.Status.choices, default=Vehicle.Status.ACTIVE)

    @extend_schema(request=InputSerializer, responses={201: VehicleSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vehicle = services.vehicle_save(actor=request.user, **data.validated_data)
        return Response(VehicleSerializer(vehicle).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------------------------------------------------------
# Modification requests


class ModificationRequestListApi(BaseListApi):
    """GET: modification requests the caller may see (filters: status, fault_party, priority, installation).
    POST: open one on a completed installation (items: curtains with their new meters)."""

    serializer_class = ModificationRequestSerializer
    permission_classes = VIEW
    ordering = "-id"

    def get_queryset(self) -> Any:
        return selectors.modification_list(actor=self.request.user, filters=self.request.query_params)

    @extend_schema_serializer(component_name="ModificationItemInput")
    class ItemSerializer(serializers.Serializer):
        description = serializers.CharField(max_length=200)
        new_meters = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0)
        notes = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")

    @extend_schema_serializer(component_name="ModificationRequestCreateInput")
    class InputSerializer(serializers.Serializer):
        installation = serializers.IntegerField()
        fault_party = serializers.ChoiceField(choices=ModificationRequest.Fault.choices)
        priority = serializers.ChoiceField(
            choices=ModificationRequest.Priority.choices, default=ModificationRequest.Priority.NORMAL
        )
        description = serializers.CharField()
        items = serializers.ListField(child=serializers.DictField(), min_length=1)

    @extend_schema(request=InputSerializer, responses={201: ModificationRequestDetailSerializer})
    def post(self, request: Request) -> Response:
        require_perm(request.user, services.MANAGE)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        items = self.ItemSerializer(data=values["items"], many=True)
        items.is_valid(raise_exception=True)
        installation = get_object_or_404(selectors.installation_base(actor=request.user), pk=values["installation"])
        created = services.modification_request_create(
            actor=request.user,
            installation=installation,
            fault_party=values["fault_party"],
            priority=values["priority"],
            description=values["description"],
            items=[services.ModificationItemInput(**i) for i in items.validated_data],
        )
        created = selectors.modification_get_for_user(actor=request.user, pk=created.pk)
        return Response(
            ModificationRequestDetailSerializer(created, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class ModificationRequestDetailApi(BaseRetrieveApi):
    serializer_class = ModificationRequestDetailSerializer
    permission_classes = VIEW

    def get_object(self) -> ModificationRequest:
        return selectors.modification_get_for_user(actor=self.request.user, pk=self.kwargs["pk"])


class ModificationRequestTransitionApi(BaseTransitionApi):
    """POST {"to": "investigating" | "approved" | "cancelled", "reason": "..."}: approving (needs the investigate
    permission) asks the factory for a modification order; 409 with the allowed targets when not allowed."""

    permission_classes = VIEW
    OutputSerializer = ModificationRequestDetailSerializer
    service = services.modification_request_transition
    object_arg = "request"
    actor_arg = "actor"

    @extend_schema_serializer(component_name="ModificationRequestTransitionInput")
    class InputSerializer(serializers.Serializer):
        to = serializers.ChoiceField(choices=ModificationRequest.Status.choices)
        reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")

    def find(self, pk: int) -> ModificationRequest:
        return get_object_or_404(selectors.modification_base(actor=self.request.user), pk=pk)

    def detail(self, pk: int) -> ModificationRequest:
        return selectors.modification_get_for_user(actor=self.request.user, pk=pk)
