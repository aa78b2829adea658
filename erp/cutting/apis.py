"""API v1 for cutting (api.md): cutting orders (list, detail, transition of every item at once) and cut items
(transition). Scoped like the pages: outside the caller's scope is 404; a move the caller may not make is 403; a
move the status does not allow is 409 with the allowed targets in error.fields.to."""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from erp.api.idempotency import idempotent_create
from erp.api.permissions import has_perm
from erp.api.views import BaseApi, BaseListApi, BaseRetrieveApi
from erp.cutting import selectors, services
from erp.cutting.models import CuttingItem, CuttingOrder, CuttingStatus
from erp.orders.models import Order

VIEW_CUTTING: list[type[BasePermission]] = [IsAuthenticated, has_perm("cutting.view_cutting")]


class _AllowedTransitions(serializers.Serializer):
    allowed_transitions = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=CuttingStatus.choices)))
    def get_allowed_transitions(self, obj: Any) -> list[str]:
        return services.allowed_targets(status=obj.status, user=self.context["request"].user)


@extend_schema_serializer(component_name="CutItem")
class CutItemSerializer(_AllowedTransitions):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=CuttingStatus.choices)
    name = serializers.CharField()
    code = serializers.CharField()
    order_item_id = serializers.IntegerField(allow_null=True)
    is_external = serializers.BooleanField()
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    extra_quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    cutter_name = serializers.CharField()
    permit_number = serializers.CharField()
    receiver_name = serializers.CharField()
    exit_date = serializers.DateField(allow_null=True)
    backdate_reason = serializers.CharField()
    bag_number = serializers.CharField()
    rejection_reason = serializers.CharField()
    cut_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="CuttingEvent")
class CuttingEventSerializer(serializers.Serializer):
    item_id = serializers.IntegerField(allow_null=True)
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    user = serializers.CharField(source="user.username", default=None)
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="CuttingOrder")
class CuttingOrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    status = serializers.ChoiceField(choices=CuttingStatus.choices)
    order_id = serializers.IntegerField()
    order_number = serializers.CharField(source="order.number")
    order_type = serializers.ChoiceField(choices=Order.Type.choices, source="order.order_type")
    customer = serializers.CharField(source="order.customer.name")
    branch_id = serializers.IntegerField(source="order.branch_id")
    warehouse_id = serializers.IntegerField()
    warehouse = serializers.CharField(source="warehouse.name")
    item_count = serializers.IntegerField()
    cut_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="CuttingOrderDetail")
class CuttingOrderDetailSerializer(CuttingOrderSerializer, _AllowedTransitions):
    items = CutItemSerializer(many=True)
    timeline = CuttingEventSerializer(many=True, source="events")


class CuttingOrderListApi(BaseListApi):
    """GET: the cutting orders the caller may see (filters: status, warehouse, order_type, created_after,
    created_before, search: code, order number, customer name or phone)."""

    serializer_class = CuttingOrderSerializer
    permission_classes = VIEW_CUTTING
    ordering = "-id"

    def get_queryset(self) -> Any:
        return selectors.cutting_order_list(actor=self.request.user, filters=self.request.query_params)


class CuttingOrderDetailApi(BaseRetrieveApi):
    serializer_class = CuttingOrderDetailSerializer
    permission_classes = VIEW_CUTTING

    def get_object(self) -> CuttingOrder:
        return selectors.cutting_order_get_for_user(actor=self.request.user, pk=self.kwargs["pk"])


@extend_schema_serializer(component_name="CutTransitionInput")
class CutTransitionInputSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=CuttingStatus.choices)
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    cutter = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    permit_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    receiver = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    exit_date = serializers.DateField(required=False, allow_null=True, default=None)
    backdate_reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    extra_quantity = serializers.DecimalField(
        max_digits=14, decimal_places=3, min_value=0, required=False, allow_null=True, default=None
    )
    bag_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")

    def details(self) -> services.CutDetails:
        d = self.validated_data
        return services.CutDetails(
            cutter=d["cutter"],
            permit_number=d["permit_number"],
            receiver=d["receiver"],
            exit_date=d["exit_date"],
            backdate_reason=d["backdate_reason"],
            extra_quantity=d["extra_quantity"],
            bag_number=d["bag_number"],
        )


class CuttingOrderTransitionApi(BaseApi):
    """POST {"to", "reason", and for "completed": cutter, permit_number, receiver, exit_date, backdate_reason,
    extra_quantity, bag_number}: moves every item that can go there ("complete all" with one permit and receiver).
    Accepts an `Idempotency-Key` header (a repeat returns the first result)."""

    permission_classes = VIEW_CUTTING

    @extend_schema(request=CutTransitionInputSerializer, responses={200: CuttingOrderDetailSerializer})
    def post(self, request: Request, pk: int) -> Response:
        co = selectors.cutting_order_get_for_user(actor=request.user, pk=pk)
        return idempotent_create(request, scope="cutting.order-transition", create=lambda: self._move(request, co))

    def _move(self, request: Request, co: CuttingOrder) -> Response:
        data = CutTransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.cutting_order_transition(
            cutting_order=co,
            user=request.user,
            to=data.validated_data["to"],
            reason=data.validated_data["reason"],
            details=data.details(),
        )
        co = selectors.cutting_order_get_for_user(actor=request.user, pk=co.pk)
        return Response(CuttingOrderDetailSerializer(co, context={"request": request}).data)


class CutItemTransitionApi(BaseApi):
    """POST {"to", "reason", and for "completed": cutter, permit_number, receiver, exit_date, backdate_reason,
    extra_quantity, bag_number}: moves one cut item. Completion deducts stock once; accepts an `Idempotency-Key`."""

    permission_classes = VIEW_CUTTING

    @extend_schema(request=CutTransitionInputSerializer, responses={200: CutItemSerializer})
    def post(self, request: Request, pk: int) -> Response:
        item = selectors.cut_item_get_for_user(actor=request.user, pk=pk)
        return idempotent_create(request, scope="cutting.item-transition", create=lambda: self._move(request, item))

    def _move(self, request: Request, item: CuttingItem) -> Response:
        data = CutTransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.cut_item_transition(
            item=item,
            user=request.user,
            to=data.validated_data["to"],
            reason=data.validated_data["reason"],
            details=data.details(),
        )
        return Response(CutItemSerializer(item, context={"request": request}).data)
