"""API v1 for inspections (docs: api.md). Thin: services write, selectors read, scoping answers 404."""

from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from erp.accounts.access import require_perm
from erp.accounts.scoping import scope_for
from erp.api.idempotency import idempotent_create
from erp.api.pagination import CursorPagination
from erp.api.permissions import has_perm
from erp.api.views import BaseApi, BaseListApi, BaseRetrieveApi, BaseTransitionApi
from erp.core.files import private_file_response
from erp.customers.models import Customer
from erp.inspections import selectors, services
from erp.inspections.models import Inspection, InspectionEvent, InspectionFile
from erp.inspections.roles import REQUEST, VIEW

VIEW_INSPECTIONS: list[type[BasePermission]] = [IsAuthenticated, has_perm(VIEW)]


@extend_schema_serializer(component_name="InspectionOutput")
class InspectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    order_id = serializers.IntegerField(allow_null=True)
    order_number = serializers.CharField(source="order.number", default=None)
    parent_id = serializers.IntegerField(allow_null=True)
    customer_id = serializers.IntegerField()
    customer_code = serializers.CharField(source="customer.code")
    customer_name = serializers.CharField(source="customer.name")
    branch = serializers.CharField(source="branch.code")
    status = serializers.ChoiceField(choices=Inspection.Status.choices)
    result = serializers.ChoiceField(choices=Inspection.Result.choices, allow_blank=True)
    windows_count = serializers.IntegerField(allow_null=True)
    payment_status = serializers.ChoiceField(choices=Inspection.Payment.choices)
    scheduled_date = serializers.DateField(allow_null=True)
    scheduled_time = serializers.TimeField(allow_null=True, format="%H:%M")
    technician_id = serializers.IntegerField(allow_null=True)
    technician = serializers.CharField(source="technician.username", default=None)
    address = serializers.CharField()
    status_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="InspectionFileOutput")
class FileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    kind = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_by = serializers.CharField(source="uploaded_by.username")
    created_at = serializers.DateTimeField()
    download = serializers.SerializerMethodField()

    def get_download(self, obj: InspectionFile) -> str:
        return reverse("api-inspections:inspection-file-download", kwargs={"pk": obj.inspection_id, "file_id": obj.pk})


@extend_schema_serializer(component_name="InspectionEventOutput")
class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    user = serializers.CharField(source="user.username", default=None)
    reason = serializers.CharField()
    details = serializers.JSONField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="InspectionDetailOutput")
class InspectionDetailSerializer(InspectionSerializer):
    notes = serializers.CharField()
    started_at = serializers.DateTimeField(allow_null=True)
    files = FileSerializer(many=True)
    iteration_ids = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    def get_iteration_ids(self, obj: Inspection) -> list[int]:
        return [i.pk for i in obj.iterations.all()]

    def get_allowed_transitions(self, obj: Inspection) -> list[str]:
        return services.inspection_allowed_targets(inspection=obj, user=self.context["request"].user)

    def get_timeline(self, obj: Inspection) -> str:
        return reverse("api-inspections:inspection-timeline", kwargs={"pk": obj.pk})


def _detail(request: Request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    inspection = selectors.inspection_get_for_user(actor=request.user, pk=pk)
    return Response(InspectionDetailSerializer(inspection, context={"request": request}).data, status=code)


class InspectionListApi(BaseListApi):
    """GET: the inspections the caller may see (filters: status, result, technician, branch, customer, order,
    date_after, date_before, search). POST: request a standalone inspection (no order)."""

    serializer_class = InspectionSerializer
    permission_classes = VIEW_INSPECTIONS
    ordering = "-id"

    def get_queryset(self) -> Any:
        return selectors.inspection_list(actor=self.request.user, filters=self.request.query_params)

    @extend_schema_serializer(component_name="InspectionCreateInput")
    class InputSerializer(serializers.Serializer):
        customer = serializers.IntegerField()
        payment_status = serializers.ChoiceField(
            choices=Inspection.Payment.choices, default=Inspection.Payment.COLLECT_ON_VISIT
        )
        address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
        notes = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: InspectionDetailSerializer})
    def post(self, request: Request) -> Response:
        """Accepts an `Idempotency-Key` header: a repeat returns the first inspection instead of creating another."""
        require_perm(request.user, REQUEST)
        return idempotent_create(request, scope="inspections.create", create=lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        customer = scope_for(request.user, "customers", Customer.objects.all()).filter(pk=values["customer"]).first()
        if customer is None:
            raise ValidationError({"customer": _("Choose one of your customers.")})
        inspection = services.inspection_request(
            actor=request.user,
            customer=customer,
            address=values["address"],
            notes=values["notes"],
            payment_status=values["payment_status"],
        )
        return _detail(request, inspection.pk, status.HTTP_201_CREATED)


class InspectionDetailApi(BaseRetrieveApi):
    serializer_class = InspectionDetailSerializer
    permission_classes = VIEW_INSPECTIONS

    def get_object(self) -> Inspection:
        return selectors.inspection_get_for_user(actor=self.request.user, pk=self.kwargs["pk"])


class InspectionTransitionApi(BaseTransitionApi):
    """POST {"to": status, "reason": "...", …}: scheduled needs scheduled_date, scheduled_time and technician;
    completed needs result, windows_count and payment_status; postponed_by_customer and cancelled need a reason.
    409 with the allowed targets in error.fields.to when the move is not allowed from the current status."""

    permission_classes = VIEW_INSPECTIONS
    OutputSerializer = InspectionDetailSerializer
    service = services.inspection_transition
    object_arg = "inspection"
    actor_arg = "actor"

    @extend_schema_serializer(component_name="InspectionTransitionInput")
    class InputSerializer(serializers.Serializer):
        to = serializers.ChoiceField(choices=Inspection.Status.choices)
        reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
        scheduled_date = serializers.DateField(required=False, allow_null=True)
        scheduled_time = serializers.TimeField(required=False, allow_null=True)
        technician = serializers.IntegerField(required=False, allow_null=True)
        result = serializers.ChoiceField(choices=Inspection.Result.choices, required=False, allow_blank=True)
        windows_count = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=500)
        payment_status = serializers.ChoiceField(choices=Inspection.Payment.choices, required=False)

    def find(self, pk: int) -> Inspection:
        return selectors.inspection_get_for_user(actor=self.request.user, pk=pk)


class OldestFirst(CursorPagination):
    ordering = "id"


class _InspectionSubList(BaseListApi):
    """A sub-resource of one inspection, oldest first (a timeline reads in order)."""

    permission_classes = VIEW_INSPECTIONS
    pagination_class = OldestFirst

    def inspection(self) -> Inspection:
        if not hasattr(self, "_inspection"):
            self._inspection = get_object_or_404(
                selectors.inspection_base(actor=self.request.user), pk=self.kwargs["pk"]
            )
        return self._inspection


class InspectionTimelineApi(_InspectionSubList):
    serializer_class = EventSerializer
    queryset = InspectionEvent.objects.none()

    def get_queryset(self) -> Any:
        return selectors.inspection_events(inspection=self.inspection())


class InspectionFileListApi(_InspectionSubList):
    """GET: the inspection's files. POST (multipart, field `file`): add a PDF, JPEG, PNG or WebP (checked by
    content, size-limited): inspection managers or the visit's technician."""

    serializer_class = FileSerializer
    queryset = InspectionFile.objects.none()
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> Any:
        return selectors.inspection_files(inspection=self.inspection())

    @extend_schema(
        request={
            "multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
        },
        responses={201: FileSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": _("Choose a file.")})
        stored = services.inspection_file_add(inspection=self.inspection(), actor=request.user, upload=upload)
        return Response(FileSerializer(stored).data, status=status.HTTP_201_CREATED)


class InspectionFileDownloadApi(BaseApi):
    """The file itself (an attachment, `nosniff`), only for someone who may see the inspection (404 otherwise)."""

    permission_classes = VIEW_INSPECTIONS

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int, file_id: int) -> Any:
        stored = get_object_or_404(
            InspectionFile.objects.filter(inspection__in=selectors.inspection_base(actor=request.user)),
            pk=file_id,
            inspection_id=pk,
        )
        return private_file_response(stored.file, stored.original_name)
