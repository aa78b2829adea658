"""API v1 for stock operations: suppliers, purchase orders (nested lines, transitions, receipts), stock counts,
stock adjustments and stock alerts (docs: api.md). Thin: parse, call one service, answer with the selector's row."""

from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from erp.api.permissions import has_perm
from erp.api.views import BaseApi, BaseListApi, BaseRetrieveApi
from erp.inventory import counts, purchasing, selectors
from erp.inventory.models import (
    Category,
    PurchaseOrder,
    StockBalance,
    StockMovement,
    Supplier,
    Variant,
    Warehouse,
)

VIEW_PURCHASING: list[type[BasePermission]] = [IsAuthenticated, has_perm("inventory.view_purchasing")]
VIEW_STOCK: list[type[BasePermission]] = [IsAuthenticated, has_perm("inventory.view_stock")]
QTY: dict[str, Any] = {"max_digits": 14, "decimal_places": 3}
MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


def _idempotency_key(request: Request, body_key: str = "") -> str:
    return (request.headers.get("Idempotency-Key") or body_key or "").strip()


# ---------------------------------------------------------------------------------------------------------------
# Suppliers


class SupplierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = ["id", "name", "phone", "email", "address", "tax_number", "is_active", "notes", "updated_at"]


@extend_schema_serializer(component_name="SupplierInput")
class SupplierInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    tax_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class SupplierListApi(BaseListApi):
    serializer_class = SupplierSerializer
    permission_classes = VIEW_PURCHASING
    ordering = "id"

    def get_queryset(self) -> Any:
        return selectors.supplier_list(actor=self.request.user, filters=self.request.query_params)

    @extend_schema(request=SupplierInputSerializer, responses={201: SupplierSerializer})
    def post(self, request: Request) -> Response:
        data = SupplierInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        supplier = purchasing.supplier_create(user=request.user, data=dict(data.validated_data))
        return Response(SupplierSerializer(supplier).data, status=status.HTTP_201_CREATED)


class SupplierDetailApi(BaseRetrieveApi):
    serializer_class = SupplierSerializer
    permission_classes = VIEW_PURCHASING

    def get_object(self) -> Supplier:
        return selectors.supplier_get(pk=self.kwargs["pk"])  # type: ignore[no-any-return]

    @extend_schema(request=SupplierInputSerializer, responses={200: SupplierSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        data = SupplierInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        supplier = purchasing.supplier_update(
            user=request.user, supplier=self.get_object(), data=dict(data.validated_data)
        )
        return Response(SupplierSerializer(supplier).data)


# ---------------------------------------------------------------------------------------------------------------
# Purchase orders


@extend_schema_serializer(component_name="PurchaseOrderLineOutput")
class POLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    variant_id = serializers.IntegerField()
    variant_code = serializers.CharField(source="variant.code")
    quantity = serializers.DecimalField(**QTY)
    unit_cost = serializers.DecimalField(**MONEY)
    received_quantity = serializers.DecimalField(**QTY)
    remaining = serializers.DecimalField(**QTY)


@extend_schema_serializer(component_name="PurchaseOrderEventOutput")
class POEventSerializer(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    user = serializers.CharField(source="user.username")
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="PurchaseReceiptLineOutput")
class ReceiptLineSerializer(serializers.Serializer):
    line_id = serializers.IntegerField()
    quantity = serializers.DecimalField(**QTY)


@extend_schema_serializer(component_name="PurchaseReceiptOutput")
class ReceiptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    user = serializers.CharField(source="user.username")
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    lines = ReceiptLineSerializer(many=True)


class POSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    supplier_id = serializers.IntegerField()
    supplier = serializers.CharField(source="supplier.name")
    warehouse_id = serializers.IntegerField()
    warehouse = serializers.CharField(source="warehouse.code")
    expected_date = serializers.DateField(allow_null=True)
    note = serializers.CharField()
    total = serializers.DecimalField(**MONEY)
    created_by = serializers.CharField(source="created_by.username")
    created_at = serializers.DateTimeField()


class PODetailSerializer(POSerializer):
    lines = POLineSerializer(many=True)
    receipts = ReceiptSerializer(many=True)
    timeline = POEventSerializer(many=True, source="events")
    allowed_transitions = serializers.SerializerMethodField()
    can_receive = serializers.SerializerMethodField()

    def get_allowed_transitions(self, obj: Any) -> list[str]:
        return purchasing.po_allowed_targets(order=obj, user=self.context["request"].user)

    def get_can_receive(self, obj: Any) -> bool:
        return purchasing.po_can_receive(order=obj, user=self.context["request"].user)


@extend_schema_serializer(component_name="PurchaseOrderLineInput")
class POLineInputSerializer(serializers.Serializer):
    variant = serializers.PrimaryKeyRelatedField(queryset=Variant.objects.filter(is_active=True))
    quantity = serializers.DecimalField(min_value=Decimal("0.001"), **QTY)
    unit_cost = serializers.DecimalField(min_value=Decimal(0), **MONEY)


@extend_schema_serializer(component_name="PurchaseOrderInput")
class POInputSerializer(serializers.Serializer):
    supplier = serializers.PrimaryKeyRelatedField(queryset=Supplier.objects.all())
    warehouse = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.all())
    expected_date = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    lines = POLineInputSerializer(many=True, min_length=1)  # type: ignore[call-arg]


def _po_values(data: dict[str, Any], request: Request) -> dict[str, Any]:
    from django.core.exceptions import ValidationError

    from erp.accounts.scoping import scope_for

    warehouse = data["warehouse"]
    if not scope_for(request.user, "warehouses", Warehouse.objects.filter(pk=warehouse.pk)).exists():
        raise ValidationError({"warehouse": ["Choose one of your warehouses."]})
    return {
        "user": request.user,
        "supplier": data["supplier"],
        "warehouse": warehouse,
        "expected_date": data.get("expected_date"),
        "note": data.get("note", ""),
        "lines": [(line["variant"], line["quantity"], line["unit_cost"]) for line in data["lines"]],
    }


def _po_response(request: Request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    order = selectors.po_get_for_user(actor=request.user, pk=pk)
    return Response(PODetailSerializer(order, context={"request": request}).data, status=code)


class PurchaseOrderListApi(BaseListApi):
    """GET the orders of the caller's warehouses; POST a draft with nested lines. An `Idempotency-Key` header makes
    a repeated POST return the first order (200) instead of creating another."""

    serializer_class = POSerializer
    permission_classes = VIEW_PURCHASING
    ordering = "-id"

    def get_queryset(self) -> Any:
        return selectors.po_list(actor=self.request.user, filters=self.request.query_params)

    @extend_schema(request=POInputSerializer, responses={201: PODetailSerializer})
    def post(self, request: Request) -> Response:
        data = POInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = purchasing.po_create(**_po_values(data.validated_data, request), key=_idempotency_key(request))
        return _po_response(
            request, order.pk, status.HTTP_200_OK if getattr(order, "replayed", False) else status.HTTP_201_CREATED
        )


class PurchaseOrderDetailApi(BaseRetrieveApi):
    """GET the order with lines, receipts, timeline and the caller's allowed transitions; PUT replaces a draft."""

    serializer_class = PODetailSerializer
    permission_classes = VIEW_PURCHASING

    def get_object(self) -> Any:
        return selectors.po_get_for_user(actor=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=POInputSerializer, responses={200: PODetailSerializer})
    def put(self, request: Request, pk: int) -> Response:
        order = self.get_object()
        data = POInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        purchasing.po_update(order=order, **_po_values(data.validated_data, request))
        return _po_response(request, pk)


class PurchaseOrderTransitionApi(BaseApi):
    """POST {"to": "approved" | "cancelled", "reason": "..."}; 409 lists the allowed targets. Receiving is done by
    posting a receipt to …/receipts/."""

    permission_classes = VIEW_PURCHASING

    @extend_schema_serializer(component_name="PurchaseOrderTransitionInput")
    class InputSerializer(serializers.Serializer):
        to = serializers.ChoiceField(choices=PurchaseOrder.Status.choices)
        reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={200: PODetailSerializer})
    def post(self, request: Request, pk: int) -> Response:
        order = selectors.po_get_for_user(actor=request.user, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        purchasing.po_transition(
            order=order, user=request.user, to=data.validated_data["to"], reason=data.validated_data["reason"]
        )
        return _po_response(request, pk)


class PurchaseReceiptApi(BaseApi):
    """GET the order's receipts; POST {"lines": [{"line": id, "quantity": "2"}], "note": ""} with an
    `Idempotency-Key` header (or "key"): a repeat with the same key returns the first receipt (200) and moves
    nothing again."""

    permission_classes = VIEW_PURCHASING

    @extend_schema_serializer(component_name="PurchaseReceiptLineInput")
    class LineSerializer(serializers.Serializer):
        line = serializers.IntegerField()
        quantity = serializers.DecimalField(min_value=Decimal(0), **QTY)

    @extend_schema_serializer(component_name="PurchaseReceiptInput")
    class InputSerializer(serializers.Serializer):
        key = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
        note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
        lines = serializers.ListField(child=serializers.DictField(), min_length=1)

    @extend_schema(responses={200: ReceiptSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        order = selectors.po_get_for_user(actor=request.user, pk=pk)
        return Response(ReceiptSerializer(order.receipts.all(), many=True).data)

    @extend_schema(request=InputSerializer, responses={201: ReceiptSerializer, 200: ReceiptSerializer})
    def post(self, request: Request, pk: int) -> Response:
        order = selectors.po_get_for_user(actor=request.user, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lines = self.LineSerializer(data=data.validated_data["lines"], many=True)
        lines.is_valid(raise_exception=True)
        result = purchasing.po_receive(
            order=order,
            user=request.user,
            quantities={row["line"]: row["quantity"] for row in lines.validated_data},
            key=_idempotency_key(request, data.validated_data["key"]),
            note=data.validated_data["note"],
        )
        receipt = get_object_or_404(
            order.receipts.select_related("user").prefetch_related("lines"), pk=result.receipt.pk
        )
        return Response(
            ReceiptSerializer(receipt).data, status=status.HTTP_200_OK if result.replayed else status.HTTP_201_CREATED
        )


# ---------------------------------------------------------------------------------------------------------------
# Stock counts


@extend_schema_serializer(component_name="StockCountLineOutput")
class CountLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    variant_id = serializers.IntegerField()
    variant_code = serializers.CharField(source="variant.code")
    expected = serializers.DecimalField(**QTY)
    counted = serializers.DecimalField(allow_null=True, **QTY)
    difference = serializers.DecimalField(allow_null=True, **QTY)


class CountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    warehouse_id = serializers.IntegerField()
    warehouse = serializers.CharField(source="warehouse.code")
    category_id = serializers.IntegerField(allow_null=True)
    note = serializers.CharField()
    created_by = serializers.CharField(source="created_by.username")
    created_at = serializers.DateTimeField()
    posted_at = serializers.DateTimeField(allow_null=True)


class CountDetailSerializer(CountSerializer):
    lines = CountLineSerializer(many=True)


def _count_response(request: Request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    return Response(CountDetailSerializer(selectors.count_get_for_user(actor=request.user, pk=pk)).data, status=code)


class StockCountListApi(BaseListApi):
    serializer_class = CountSerializer
    permission_classes = VIEW_STOCK
    ordering = "-id"

    def get_queryset(self) -> Any:
        return selectors.count_list(actor=self.request.user, filters=self.request.query_params)

    @extend_schema_serializer(component_name="StockCountInput")
    class InputSerializer(serializers.Serializer):
        warehouse = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.all())
        category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), required=False, allow_null=True)
        note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: CountDetailSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = counts.count_create(
            user=request.user,
            warehouse=data.validated_data["warehouse"],
            category=data.validated_data.get("category"),
            note=data.validated_data["note"],
        )
        return _count_response(request, count.pk, status.HTTP_201_CREATED)


class StockCountDetailApi(BaseRetrieveApi):
    serializer_class = CountDetailSerializer
    permission_classes = VIEW_STOCK

    def get_object(self) -> Any:
        return selectors.count_get_for_user(actor=self.request.user, pk=self.kwargs["pk"])


class StockCountLinesApi(BaseApi):
    """POST {"lines": [{"line": id, "counted": "4.5" | null}]} records counted quantities on an open sheet."""

    permission_classes = VIEW_STOCK

    @extend_schema_serializer(component_name="StockCountLineInput")
    class LineSerializer(serializers.Serializer):
        line = serializers.IntegerField()
        counted = serializers.DecimalField(min_value=Decimal(0), allow_null=True, **QTY)

    @extend_schema_serializer(component_name="StockCountLinesInput")
    class InputSerializer(serializers.Serializer):
        lines = serializers.ListField(child=serializers.DictField(), min_length=1)

    @extend_schema(request=InputSerializer, responses={200: CountDetailSerializer})
    def post(self, request: Request, pk: int) -> Response:
        count = selectors.count_get_for_user(actor=request.user, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lines = self.LineSerializer(data=data.validated_data["lines"], many=True)
        lines.is_valid(raise_exception=True)
        counts.count_enter(
            user=request.user, count=count, counted={row["line"]: row["counted"] for row in lines.validated_data}
        )
        return _count_response(request, pk)


class StockCountTransitionApi(BaseApi):
    """POST {"to": "posted" | "cancelled"}; posting adjusts the differences once (409 when not open)."""

    permission_classes = VIEW_STOCK

    @extend_schema_serializer(component_name="StockCountTransitionInput")
    class InputSerializer(serializers.Serializer):
        to = serializers.ChoiceField(choices=[("posted", "posted"), ("cancelled", "cancelled")])

    @extend_schema(request=InputSerializer, responses={200: CountDetailSerializer})
    def post(self, request: Request, pk: int) -> Response:
        count = selectors.count_get_for_user(actor=request.user, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["to"] == "posted":
            counts.count_post(user=request.user, count=count)
        else:
            counts.count_cancel(user=request.user, count=count)
        return _count_response(request, pk)


# ---------------------------------------------------------------------------------------------------------------
# Adjustments and alerts


class AdjustmentSerializer(serializers.ModelSerializer):
    variant_code = serializers.CharField(source="variant.code")
    warehouse_code = serializers.CharField(source="warehouse.code")
    user = serializers.CharField(source="user.username", default=None)

    class Meta:
        model = StockMovement
        fields = [
            "id",
            "created_at",
            "variant_id",
            "variant_code",
            "warehouse_id",
            "warehouse_code",
            "reason",
            "quantity",
            "balance_after",
            "reference",
            "note",
            "user",
        ]


class StockAdjustmentListApi(BaseListApi):
    """GET adjustments (ledger rows of kind adjustment); POST one with an `Idempotency-Key` header (or "key")."""

    serializer_class = AdjustmentSerializer
    permission_classes = VIEW_STOCK
    ordering = "-id"

    def get_queryset(self) -> Any:
        return selectors.adjustment_list(actor=self.request.user, filters=self.request.query_params)

    @extend_schema_serializer(component_name="StockAdjustmentInput")
    class InputSerializer(serializers.Serializer):
        warehouse = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.all())
        variant = serializers.PrimaryKeyRelatedField(queryset=Variant.objects.all())
        quantity = serializers.DecimalField(help_text="Signed: negative takes stock out.", **QTY)
        # Validated by the service (damage, count or other); a CharField keeps the schema's "reason" enum unique.
        reason = serializers.CharField(max_length=20, help_text="damage | count | other")
        note = serializers.CharField(max_length=255)
        key = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: AdjustmentSerializer, 200: AdjustmentSerializer})
    def post(self, request: Request) -> Response:
        from django.core.exceptions import ValidationError

        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        key = _idempotency_key(request, values["key"])
        if not key:
            raise ValidationError({"key": ["Send an Idempotency-Key header."]})
        result = counts.stock_adjust(
            user=request.user,
            warehouse=values["warehouse"],
            variant=values["variant"],
            quantity=values["quantity"],
            reason=values["reason"],
            note=values["note"],
            key=f"api:{request.user.pk}:{key}",
        )
        movement = selectors.adjustment_list(actor=request.user).get(pk=result.movements[0].pk)
        return Response(
            AdjustmentSerializer(movement).data,
            status=status.HTTP_200_OK if result.replayed else status.HTTP_201_CREATED,
        )


class StockAlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    variant_id = serializers.IntegerField()
    variant_code = serializers.CharField(source="variant.code")
    product_id = serializers.IntegerField(source="variant.product_id")
    product = serializers.CharField(source="variant.product.name")
    warehouse_id = serializers.IntegerField()
    warehouse_code = serializers.CharField(source="warehouse.code")
    quantity = serializers.DecimalField(**QTY)
    minimum = serializers.DecimalField(source="variant.product.minimum_stock", **QTY)
    state = serializers.CharField()


class StockAlertListApi(BaseListApi):
    serializer_class = StockAlertSerializer
    permission_classes = VIEW_STOCK
    ordering = "id"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, and the list reads the products
            return StockBalance.objects.none()
        return selectors.alert_list(actor=self.request.user, filters=self.request.query_params)
