"""API v1 for the factory (docs: api.md): manufacturing orders with their transition, production lines and the
fabric receipt. Thin: services write, selectors read."""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from erp.api.permissions import has_perm
from erp.api.views import BaseApi, BaseListApi, BaseRetrieveApi, BaseTransitionApi
from erp.manufacturing import selectors, services
from erp.manufacturing.models import FactoryOrder, ProductionLine

VIEW: list[type[BasePermission]] = [IsAuthenticated, has_perm("manufacturing.view_factory_orders")]
QTY: dict[str, Any] = {"max_digits": 12, "decimal_places": 3}


@extend_schema_serializer(component_name="FactoryItemOutput")
class FactoryItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    order_item_id = serializers.IntegerField(allow_null=True)
    cut_item_id = serializers.IntegerField(allow_null=True)
    cut_reference = serializers.CharField()
    cut_permit = serializers.CharField()
    cut_receiver = serializers.CharField()
    meters = serializers.DecimalField(allow_null=True, **QTY)
    notes = serializers.CharField()
    bag_number = serializers.CharField()
    received_at = serializers.DateTimeField(allow_null=True)
    delivered_to_line_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="FactoryEventOutput")
class FactoryEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    user = serializers.CharField(source="user.username", default=None)
    reason = serializers.CharField()
    details = serializers.JSONField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="FactoryOrderOutput")
class FactoryOrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    order_id = serializers.IntegerField()
    order_number = serializers.CharField(source="order.number")
    customer_name = serializers.CharField(source="order.customer.name")
    branch = serializers.CharField(source="branch.code")
    order_type = serializers.ChoiceField(choices=FactoryOrder.Type.choices)
    status = serializers.ChoiceField(choices=FactoryOrder.Status.choices)
    is_vip = serializers.BooleanField()
    line_id = serializers.IntegerField(allow_null=True)
    line = serializers.CharField(source="line.name", default=None)
    expected_date = serializers.DateField()
    modification_request_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="FactoryOrderDetailOutput")
class FactoryOrderDetailSerializer(FactoryOrderSerializer):
    status_reason = serializers.CharField()
    rejection_reason = serializers.CharField()
    rejection_reply = serializers.CharField()
    delivery_permit = serializers.CharField()
    delivery_recipient = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    items = FactoryItemSerializer(many=True)
    events = FactoryEventSerializer(many=True)
    allowed_transitions = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    def get_allowed_transitions(self, obj: FactoryOrder) -> list[str]:
        return services.factory_allowed_targets(factory_order=obj, user=self.context["request"].user)

    def get_timeline(self, obj: FactoryOrder) -> str:
        return reverse("manufacturing:order_detail", kwargs={"pk": obj.pk})


class FactoryOrderListApi(BaseListApi):
    """The factory orders the caller may see (filters: status, order_type, line, branch, overdue, vip, order,
    search)."""

    serializer_class = FactoryOrderSerializer
    permission_classes = VIEW
    ordering = "-id"

    def get_queryset(self) -> Any:
        return selectors.factory_order_list(actor=self.request.user, filters=self.request.query_params)


class FactoryOrderDetailApi(BaseRetrieveApi):
    serializer_class = FactoryOrderDetailSerializer
    permission_classes = VIEW

    def get_object(self) -> FactoryOrder:
        return selectors.factory_order_get_for_user(actor=self.request.user, pk=self.kwargs["pk"])


class FactoryOrderTransitionApi(BaseTransitionApi):
    """POST {"to", "reason", "permit", "recipient"}: 409 with the allowed targets in error.fields.to when not
    allowed; a move back needs a system administrator and a reason."""

    permission_classes = VIEW
    OutputSerializer = FactoryOrderDetailSerializer
    service = services.factory_order_transition
    object_arg = "factory_order"

    @extend_schema_serializer(component_name="FactoryOrderTransitionInput")
    class InputSerializer(serializers.Serializer):
        to = serializers.ChoiceField(choices=FactoryOrder.Status.choices)
        reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
        permit = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
        recipient = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")

    def find(self, pk: int) -> FactoryOrder:
        return selectors.factory_order_get_for_user(actor=self.request.user, pk=pk)


class FabricReceiptApi(BaseApi):
    """POST either {"cut_reference", "bag_number"} (every open item of a cutting order in one bag) or
    {"items": [{"id", "bag_number"}, ...]}; answers the received items."""

    permission_classes = [IsAuthenticated, has_perm("manufacturing.receive_fabric")]

    @extend_schema_serializer(component_name="FabricReceiptItemInput")
    class ItemSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        bag_number = serializers.CharField(max_length=40)

    @extend_schema_serializer(component_name="FabricReceiptInput")
    class InputSerializer(serializers.Serializer):
        cut_reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
        bag_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
        items = serializers.ListField(child=serializers.DictField(), required=False, default=list)

    @extend_schema(request=InputSerializer, responses={200: FactoryItemSerializer(many=True)})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scope = selectors.factory_order_base(actor=request.user)
        items = data.validated_data["items"]
        if items:
            rows = self.ItemSerializer(data=items, many=True)
            rows.is_valid(raise_exception=True)
            received = services.factory_fabric_receive(
                user=request.user, receipts=[(r["id"], r["bag_number"]) for r in rows.validated_data], scope=scope
            )
        else:
            received = services.factory_fabric_receive_reference(
                user=request.user,
                cut_reference=data.validated_data["cut_reference"],
                bag_number=data.validated_data["bag_number"],
                scope=scope,
            )
        return Response(FactoryItemSerializer(sorted(received, key=lambda i: i.pk), many=True).data)


@extend_schema_serializer(component_name="ProductionLineOutput")
class ProductionLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    capacity_per_day = serializers.IntegerField()
    priority = serializers.IntegerField()
    is_active = serializers.BooleanField()
    open_orders = serializers.IntegerField()
    routes = serializers.SerializerMethodField()

    def get_routes(self, obj: ProductionLine) -> list[dict[str, Any]]:
        return [{"order_type": r.order_type, "branch_id": r.branch_id} for r in obj.routes.all()]


class ProductionLineListApi(BaseListApi):
    serializer_class = ProductionLineSerializer
    permission_classes = VIEW
    ordering = "id"

    def get_queryset(self) -> Any:
        return selectors.line_list()
