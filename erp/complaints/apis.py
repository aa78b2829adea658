"""API v1 for complaints (docs: api.md): list/create, detail, transition, updates (comments with attachments) and
complaint types. Thin: parse, call one service, answer with the selector's row."""

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from erp.accounts.scoping import scope_for
from erp.api.permissions import has_perm
from erp.api.views import BaseApi, BaseListApi, BaseRetrieveApi, BaseTransitionApi
from erp.complaints import selectors, services
from erp.complaints.models import Complaint, ComplaintType, Priority

VIEW: list[type[BasePermission]] = [IsAuthenticated, has_perm(services.VIEW)]


@extend_schema_serializer(component_name="ComplaintTypeOutput")
class ComplaintTypeSerializer(serializers.ModelSerializer):
    # A role key or "" (plain text: the role choices already have one enum name in the schema).
    default_role = serializers.CharField(read_only=True)

    class Meta:
        model = ComplaintType
        fields = [
            "id",
            "code",
            "name_ar",
            "name_en",
            "default_priority",
            "response_hours",
            "resolution_hours",
            "escalation_hours",
            "default_assignee",
            "default_role",
            "is_active",
        ]


@extend_schema_serializer(component_name="ComplaintListOutput")
class ComplaintSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=Complaint.Status.choices)
    priority = serializers.ChoiceField(choices=Priority.choices)
    source = serializers.ChoiceField(choices=Complaint.Source.choices)  # type: ignore[assignment]
    title = serializers.CharField()
    customer_id = serializers.IntegerField()
    customer = serializers.CharField(source="customer.name")
    customer_code = serializers.CharField(source="customer.code")
    branch = serializers.CharField(source="branch.code")
    complaint_type_id = serializers.IntegerField()
    complaint_type = serializers.CharField(source="complaint_type.name_ar")
    related_order_id = serializers.IntegerField(allow_null=True)
    assigned_to_id = serializers.IntegerField(allow_null=True)
    assigned_to = serializers.CharField(source="assigned_to.username", allow_null=True, default=None)
    assigned_role = serializers.CharField()
    escalation_level = serializers.IntegerField()
    is_overdue = serializers.BooleanField()
    response_due = serializers.DateTimeField()
    resolution_due = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="ComplaintAttachmentOutput")
class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    size = serializers.IntegerField()


@extend_schema_serializer(component_name="ComplaintUpdateOutput")
class UpdateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    text = serializers.CharField()
    user = serializers.CharField(source="user.username", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    attachments = AttachmentSerializer(many=True)


@extend_schema_serializer(component_name="ComplaintEvaluationOutput")
class EvaluationSerializer(serializers.Serializer):
    overall = serializers.IntegerField()
    response_speed = serializers.IntegerField()
    solution_quality = serializers.IntegerField()
    staff = serializers.IntegerField()
    would_recommend = serializers.BooleanField()
    comment = serializers.CharField()


@extend_schema_serializer(component_name="ComplaintDetailOutput")
class ComplaintDetailSerializer(ComplaintSerializer):
    description = serializers.CharField()
    resolution_note = serializers.CharField()
    related_label = serializers.CharField()
    related_url = serializers.CharField()
    timeline = UpdateSerializer(many=True, source="updates")
    evaluation = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField()

    def get_evaluation(self, obj: Complaint) -> dict[str, Any] | None:
        if not services._has_evaluation(obj):
            return None
        return EvaluationSerializer(obj.evaluation).data  # type: ignore[return-value]

    def get_allowed_transitions(self, obj: Complaint) -> list[str]:
        return services.complaint_allowed_targets(complaint=obj, user=self.context["request"].user)


def _detail(request: Request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    complaint = selectors.complaint_get_for_user(actor=request.user, pk=pk)
    return Response(ComplaintDetailSerializer(complaint, context={"request": request}).data, status=code)


class ComplaintListApi(BaseListApi):
    """GET: the complaints in your scope (filters as the list page); POST: file one."""

    serializer_class = ComplaintSerializer
    permission_classes = VIEW
    ordering = "-id"

    def get_queryset(self) -> Any:
        return selectors.complaint_list_filtered(actor=self.request.user, filters=self.request.query_params)

    @extend_schema_serializer(component_name="ComplaintCreateInput")
    class InputSerializer(serializers.Serializer):
        customer = serializers.IntegerField()
        complaint_type = serializers.IntegerField()
        title = serializers.CharField(max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        priority = serializers.ChoiceField(choices=Priority.choices, required=False, allow_null=True)
        related_order = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(request=InputSerializer, responses={201: ComplaintDetailSerializer})
    def post(self, request: Request) -> Response:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        from erp.customers.models import Customer
        from erp.orders.models import Order

        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        customer = scope_for(request.user, "customers", Customer.objects.all()).filter(pk=values["customer"]).first()
        if customer is None:
            raise ValidationError({"customer": [_("No such customer.")]})
        complaint_type = ComplaintType.objects.filter(pk=values["complaint_type"]).first()
        if complaint_type is None:
            raise ValidationError({"complaint_type": [_("No such complaint type.")]})
        order = None
        if values.get("related_order"):
            order = scope_for(request.user, "orders", Order.objects.all()).filter(pk=values["related_order"]).first()
            if order is None:
                raise ValidationError({"related_order": [_("No such order.")]})
        complaint = services.complaint_create(
            actor=request.user,
            customer=customer,
            complaint_type=complaint_type,
            title=values["title"],
            description=values["description"],
            priority=values.get("priority") or None,
            related_order=order,
        )
        return _detail(request, complaint.pk, status.HTTP_201_CREATED)


class ComplaintDetailApi(BaseRetrieveApi):
    serializer_class = ComplaintDetailSerializer
    permission_classes = VIEW

    def get_object(self) -> Any:
        return selectors.complaint_get_for_user(actor=self.request.user, pk=self.kwargs["pk"])


class ComplaintTransitionApi(BaseTransitionApi):
    """POST {"to": status, "reason": "..."}: the reason is the resolution note when resolving. 409 lists the
    allowed targets; closing needs the customer's evaluation (409 evaluation_required)."""

    permission_classes = VIEW
    OutputSerializer = ComplaintDetailSerializer
    service = services.complaint_transition
    object_arg = "complaint"
    actor_arg = "actor"

    @extend_schema_serializer(component_name="ComplaintTransitionInput")
    class InputSerializer(serializers.Serializer):
        to = serializers.ChoiceField(choices=Complaint.Status.choices)
        reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def find(self, pk: int) -> Complaint:
        return selectors.complaint_get_for_user(actor=self.request.user, pk=pk)


class ComplaintUpdatesApi(BaseApi):
    """GET: the timeline; POST (multipart or JSON): a comment, with `files` attached (PDF or images)."""

    permission_classes = VIEW
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses={200: UpdateSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        complaint = selectors.complaint_get_for_user(actor=request.user, pk=pk)
        return Response(UpdateSerializer(complaint.updates.all(), many=True).data)

    @extend_schema_serializer(component_name="ComplaintCommentInput")
    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(required=False, allow_blank=True, default="")
        files = serializers.ListField(child=serializers.FileField(), required=False, default=list)

    @extend_schema(request=InputSerializer, responses={201: UpdateSerializer})
    def post(self, request: Request, pk: int) -> Response:
        selectors.complaint_get_for_user(actor=request.user, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        files = request.FILES.getlist("files") if hasattr(request, "FILES") else []
        update = services.complaint_comment(
            actor=request.user, complaint=pk, text=data.validated_data["text"], files=files
        )
        update = type(update).objects.prefetch_related("attachments").select_related("user").get(pk=update.pk)
        return Response(UpdateSerializer(update).data, status=status.HTTP_201_CREATED)


class ComplaintTypeListApi(BaseListApi):
    """GET: the complaint types (active ones unless ?all=1); POST: a new type (complaint type managers)."""

    serializer_class = ComplaintTypeSerializer
    permission_classes = VIEW
    ordering = "id"

    def get_queryset(self) -> Any:
        qs = ComplaintType.objects.all()
        return qs if self.request.query_params.get("all") == "1" else qs.filter(is_active=True)

    @extend_schema_serializer(component_name="ComplaintTypeInput")
    class InputSerializer(serializers.Serializer):
        name_ar = serializers.CharField(max_length=120)
        name_en = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
        code = serializers.SlugField(max_length=40, required=False, allow_blank=True, default="")
        default_priority = serializers.ChoiceField(choices=Priority.choices, required=False, default=Priority.MEDIUM)
        response_hours = serializers.IntegerField(min_value=0, max_value=10000, default=4)
        resolution_hours = serializers.IntegerField(min_value=0, max_value=10000, default=72)
        escalation_hours = serializers.IntegerField(min_value=0, max_value=10000, default=48)
        default_role = serializers.CharField(
            max_length=40, required=False, allow_blank=True, default="", help_text="A department role key, or empty."
        )
        is_active = serializers.BooleanField(required=False, default=True)

    @extend_schema(request=InputSerializer, responses={201: ComplaintTypeSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.complaint_type_create(actor=request.user, data=dict(data.validated_data))
        return Response(ComplaintTypeSerializer(created).data, status=status.HTTP_201_CREATED)


class ComplaintTypeDetailApi(BaseRetrieveApi):
    serializer_class = ComplaintTypeSerializer
    permission_classes = VIEW

    def get_object(self) -> Any:
        return get_object_or_404(ComplaintType, pk=self.kwargs["pk"])
