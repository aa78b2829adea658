"""API v1 for orders, payments and promo codes (docs: api.md). Thin: services write, selectors read."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from erp.accounts.access import require_perm
from erp.accounts.scoping import scope_for
from erp.api.idempotency import idempotent_create
from erp.api.permissions import has_perm
from erp.api.views import BaseApi, BaseListApi, BaseRetrieveApi, BaseTransitionApi
from erp.customers.models import Customer
from erp.orders import selectors, services
from erp.orders.departments import department_rows, derived_stage
from erp.orders.models import (
    CurtainFabric,
    CurtainRoom,
    Order,
    OrderEvent,
    OrderItem,
    Payment,
    PaymentAllocation,
    PromoCode,
    Salesperson,
)
from erp.orders.transitions import order_allowed_targets, order_transition

VIEW_ORDERS: list[type[BasePermission]] = [IsAuthenticated, has_perm("orders.view_orders")]
MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}
QTY: dict[str, Any] = {"max_digits": 14, "decimal_places": 3}


# ---------------------------------------------------------------------------------------------------------------
# Output


@extend_schema_serializer(component_name="OrderItemOutput")
class OrderItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    variant_id = serializers.IntegerField()
    warehouse_id = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField()
    name = serializers.CharField()
    code = serializers.CharField()
    quantity = serializers.DecimalField(**QTY)
    unit_price = serializers.DecimalField(**MONEY)
    is_manual_price = serializers.BooleanField()
    discount_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    gross = serializers.DecimalField(**MONEY)
    discount_amount = serializers.DecimalField(**MONEY)
    net = serializers.DecimalField(**MONEY)


@extend_schema_serializer(component_name="OrderCurtainFabricOutput")
class FabricSerializer(serializers.Serializer):
    fabric_type = serializers.CharField()
    order_item_id = serializers.IntegerField(allow_null=True)
    customer_supplied = serializers.CharField()
    meters = serializers.DecimalField(**QTY)
    pieces = serializers.IntegerField()
    tailoring_type = serializers.CharField()


@extend_schema_serializer(component_name="OrderCurtainAccessoryOutput")
class AccessorySerializer(serializers.Serializer):
    name = serializers.CharField()
    quantity = serializers.DecimalField(**QTY)
    size = serializers.CharField()
    colour = serializers.CharField()


@extend_schema_serializer(component_name="OrderCurtainRoomOutput")
class RoomSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    room_name = serializers.CharField()
    width_cm = serializers.DecimalField(max_digits=8, decimal_places=1)
    height_cm = serializers.DecimalField(max_digits=8, decimal_places=1)
    installation_type = serializers.CharField()
    curtain_box = serializers.BooleanField()
    curtain_box_size = serializers.CharField()
    notes = serializers.CharField()
    fabrics = FabricSerializer(many=True)
    accessories = AccessorySerializer(many=True)


@extend_schema_serializer(component_name="OrderEventOutput")
class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    user = serializers.CharField(source="user.username", default=None)
    reason = serializers.CharField()
    details = serializers.JSONField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="OrderPaymentOutput")
class AllocationSerializer(serializers.Serializer):
    payment_id = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY)
    payment_amount = serializers.DecimalField(source="payment.amount", **MONEY)
    method = serializers.CharField(source="payment.method")
    reference = serializers.CharField(source="payment.reference")
    payment_date = serializers.DateField(source="payment.payment_date")
    created_by = serializers.CharField(source="payment.created_by.username")


@extend_schema_serializer(component_name="OrderOutput")
class OrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    customer_id = serializers.IntegerField()
    customer_code = serializers.CharField(source="customer.code")
    customer_name = serializers.CharField(source="customer.name")
    branch = serializers.CharField(source="branch.code")
    salesperson = serializers.CharField(source="salesperson.name", default=None)
    order_type = serializers.CharField()
    priority = serializers.CharField()
    status = serializers.CharField()
    order_date = serializers.DateField()
    expected_delivery_date = serializers.DateField()
    delivery_type = serializers.CharField()
    delivery_address = serializers.CharField()
    contract_number = serializers.CharField()
    invoice_numbers = serializers.SerializerMethodField()
    subtotal = serializers.DecimalField(**MONEY)
    items_discount = serializers.DecimalField(**MONEY)
    financial_addition = serializers.DecimalField(**MONEY)
    admin_discount = serializers.DecimalField(**MONEY)
    promo_discount = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)
    paid = serializers.DecimalField(**MONEY)
    balance = serializers.DecimalField(**MONEY)
    created_at = serializers.DateTimeField()

    def get_invoice_numbers(self, obj: Order) -> list[str]:
        return [n for n in obj.invoice_numbers.split(", ") if n]


@extend_schema_serializer(component_name="OrderDetailOutput")
class OrderDetailSerializer(OrderSerializer):
    related_inspection_id = serializers.IntegerField(allow_null=True)
    promo_code = serializers.CharField(source="promo_code.code", default=None)
    notes = serializers.CharField()
    status_reason = serializers.CharField()
    items = OrderItemSerializer(many=True)
    rooms = RoomSerializer(many=True)
    payments = AllocationSerializer(many=True, source="allocations")
    handoffs = serializers.SerializerMethodField()
    departments = serializers.SerializerMethodField()
    stage = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    @extend_schema_field(
        inline_serializer(
            "OrderDepartmentOutput",
            {
                "key": serializers.CharField(),
                "status": serializers.CharField(allow_null=True),
                "label": serializers.CharField(allow_null=True),
            },
            many=True,
        )
    )
    def get_departments(self, obj: Order) -> list[dict[str, Any]]:
        return [
            {"key": r["key"], "status": r["status"], "label": str(r["label"]) if r["label"] else None}
            for r in department_rows(obj)
        ]

    @extend_schema_field(
        inline_serializer(
            "OrderStageOutput",
            {
                "department": serializers.CharField(allow_null=True),
                "status": serializers.CharField(),
                "label": serializers.CharField(),
            },
        )
    )
    def get_stage(self, obj: Order) -> dict[str, Any]:
        stage = derived_stage(obj)
        return {
            "department": str(stage["department"]) if stage["department"] else None,
            "status": stage["status"],
            "label": str(stage["label"]),
        }

    def get_handoffs(self, obj: Order) -> list[dict[str, str]]:
        return [{"kind": h.kind, "status": h.status} for h in obj.handoffs.all()]

    def get_allowed_transitions(self, obj: Order) -> list[str]:
        return order_allowed_targets(order=obj, user=self.context["request"].user)

    def get_timeline(self, obj: Order) -> str:
        from django.urls import reverse

        return reverse("api-orders:order-timeline", kwargs={"pk": obj.pk})


@extend_schema_serializer(component_name="PaymentOutput")
class PaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    customer_id = serializers.IntegerField()
    order_id = serializers.IntegerField(allow_null=True)
    amount = serializers.DecimalField(**MONEY)
    is_refund = serializers.BooleanField()
    method = serializers.CharField()
    reference = serializers.CharField()
    payment_date = serializers.DateField()
    note = serializers.CharField()
    created_by = serializers.CharField(source="created_by.username")
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="PromoCodeOutput")
class PromoCodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    discount_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    status = serializers.CharField()
    expires_at = serializers.DateTimeField()
    issued_by = serializers.CharField(source="issued_by.username")
    note = serializers.CharField()
    used_at = serializers.DateTimeField(allow_null=True)
    order_id = serializers.SerializerMethodField()

    def get_order_id(self, obj: PromoCode) -> int | None:
        order = getattr(obj, "order", None)
        return order.pk if order else None


# ---------------------------------------------------------------------------------------------------------------
# Input


@extend_schema_serializer(component_name="OrderItemInput")
class ItemInputSerializer(serializers.Serializer):
    variant = serializers.IntegerField()
    quantity = serializers.DecimalField(**QTY)
    warehouse = serializers.IntegerField(required=False, allow_null=True)
    unit_price = serializers.DecimalField(required=False, allow_null=True, **MONEY)
    discount_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, default=Decimal(0))


@extend_schema_serializer(component_name="OrderCurtainFabricInput")
class FabricInputSerializer(serializers.Serializer):
    fabric_type = serializers.ChoiceField(choices=CurtainFabric.FabricType.choices)
    meters = serializers.DecimalField(**QTY)
    item = serializers.IntegerField(required=False, allow_null=True, help_text="Index into `items` (from 0).")
    customer_supplied = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    pieces = serializers.IntegerField(min_value=1, default=1)
    tailoring_type = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


@extend_schema_serializer(component_name="OrderCurtainAccessoryInput")
class AccessoryInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    quantity = serializers.DecimalField(**QTY)
    size = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    colour = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


@extend_schema_serializer(component_name="OrderCurtainRoomInput")
class RoomInputSerializer(serializers.Serializer):
    room_name = serializers.CharField(max_length=80)
    width_cm = serializers.DecimalField(max_digits=8, decimal_places=1)
    height_cm = serializers.DecimalField(max_digits=8, decimal_places=1)
    installation_type = serializers.ChoiceField(
        choices=CurtainRoom.Installation.choices, default=CurtainRoom.Installation.WALL
    )
    curtain_box = serializers.BooleanField(default=False)
    curtain_box_size = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    notes = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    fabrics = FabricInputSerializer(many=True, required=False, default=list)
    accessories = AccessoryInputSerializer(many=True, required=False, default=list)


@extend_schema_serializer(component_name="OrderFirstPaymentInput")
class FirstPaymentInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY)
    method = serializers.ChoiceField(choices=Payment.Method.choices, default=Payment.Method.CASH)
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    payment_date = serializers.DateField(required=False, allow_null=True)


@extend_schema_serializer(component_name="OrderCreateInput")
class OrderInputSerializer(serializers.Serializer):
    customer = serializers.IntegerField()
    order_type = serializers.ChoiceField(choices=Order.Type.choices)
    priority = serializers.ChoiceField(choices=Order.Priority.choices, default=Order.Priority.NORMAL)
    salesperson = serializers.IntegerField(required=False, allow_null=True)
    delivery_type = serializers.ChoiceField(choices=Order.Delivery.choices, default=Order.Delivery.BRANCH)
    delivery_address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    invoice_numbers = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, default=list, max_length=3
    )
    related_inspection = serializers.IntegerField(required=False, allow_null=True)
    financial_addition = serializers.DecimalField(required=False, default=Decimal(0), **MONEY)
    admin_discount = serializers.DecimalField(required=False, default=Decimal(0), **MONEY)
    promo_code = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    items = ItemInputSerializer(many=True, required=False, default=list)
    rooms = RoomInputSerializer(many=True, required=False, default=list)
    payment = FirstPaymentInputSerializer(required=False, allow_null=True)
    waive_down_payment = serializers.BooleanField(default=False)


@extend_schema_serializer(component_name="PaymentCreateInput")
class PaymentInputSerializer(serializers.Serializer):
    customer = serializers.IntegerField(required=False)
    order = serializers.IntegerField(required=False, allow_null=True)
    amount = serializers.DecimalField(help_text="Negative for a refund (needs `order`).", **MONEY)
    method = serializers.ChoiceField(choices=Payment.Method.choices, default=Payment.Method.CASH)
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    payment_date = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


# ---------------------------------------------------------------------------------------------------------------
# Helpers


def _visible_customer(user: Any, pk: int | None) -> Customer:
    customer = (
        scope_for(user, "customers", Customer.objects.select_related("customer_type", "branch")).filter(pk=pk).first()
        if pk
        else None
    )
    if customer is None:
        raise ValidationError({"customer": _("Choose one of your customers.")})
    return customer


def place_from_data(*, user: Any, data: dict[str, Any]) -> Order:
    """Turn validated API (or form) data into an order_place call."""
    customer = _visible_customer(user, data["customer"])
    salesperson = None
    if data.get("salesperson"):
        salesperson = Salesperson.objects.filter(pk=data["salesperson"]).first()
        if salesperson is None:
            raise ValidationError({"salesperson": _("Choose an active salesperson of this branch.")})
    related = None
    if data.get("related_inspection"):
        related = selectors.order_base(actor=user).filter(pk=data["related_inspection"]).first()
        if related is None:
            raise ValidationError({"related_inspection": _("Choose a completed inspection of this customer.")})
    payment = data.get("payment")
    return services.order_place(
        actor=user,
        customer=customer,
        order_type=data["order_type"],
        priority=data["priority"],
        salesperson=salesperson,
        branch=salesperson.branch if salesperson else None,
        delivery_type=data["delivery_type"],
        delivery_address=data["delivery_address"],
        invoice_numbers=data["invoice_numbers"],
        related_inspection=related,
        financial_addition=data["financial_addition"],
        admin_discount=data["admin_discount"],
        promo_code=data["promo_code"],
        notes=data["notes"],
        waive_down_payment=data["waive_down_payment"],
        items=[
            services.ItemInput(
                variant_id=i["variant"],
                quantity=i["quantity"],
                warehouse_id=i.get("warehouse"),
                unit_price=i.get("unit_price"),
                discount_percent=i.get("discount_percent", Decimal(0)),
            )
            for i in data["items"]
        ],
        rooms=[
            services.RoomInput(
                room_name=r["room_name"],
                width_cm=r["width_cm"],
                height_cm=r["height_cm"],
                installation_type=r["installation_type"],
                curtain_box=r["curtain_box"],
                curtain_box_size=r["curtain_box_size"],
                notes=r["notes"],
                fabrics=[
                    services.FabricInput(
                        fabric_type=f["fabric_type"],
                        meters=f["meters"],
                        item_index=f.get("item"),
                        customer_supplied=f["customer_supplied"],
                        pieces=f["pieces"],
                        tailoring_type=f["tailoring_type"],
                    )
                    for f in r["fabrics"]
                ],
                accessories=[
                    services.AccessoryInput(a["name"], a["quantity"], size=a["size"], colour=a["colour"])
                    for a in r["accessories"]
                ],
            )
            for r in data["rooms"]
        ],
        payment=services.PaymentInput(
            amount=payment["amount"],
            method=payment["method"],
            reference=payment["reference"],
            payment_date=payment.get("payment_date"),
        )
        if payment
        else None,
    )


# ---------------------------------------------------------------------------------------------------------------
# Orders


class OrderListApi(BaseListApi):
    """GET: the orders the caller may see (filters: status, order_type, priority, branch, salesperson, customer,
    created_after, created_before, has_balance, overdue, search). POST: place an order (items and curtain rooms
    nested, optional first payment)."""

    serializer_class = OrderSerializer
    permission_classes = VIEW_ORDERS
    ordering = "-id"

    def get_queryset(self) -> Any:
        return selectors.order_list(actor=self.request.user, filters=self.request.query_params)

    @extend_schema(request=OrderInputSerializer, responses={201: OrderDetailSerializer})
    def post(self, request: Request) -> Response:
        """Accepts an `Idempotency-Key` header: a repeat returns the first order instead of placing another."""
        require_perm(request.user, "orders.place_orders")
        return idempotent_create(request, scope="orders.create", create=lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        data = OrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = place_from_data(user=request.user, data=data.validated_data)
        order = selectors.order_get_for_user(actor=request.user, pk=order.pk)
        return Response(OrderDetailSerializer(order, context={"request": request}).data, status=status.HTTP_201_CREATED)


class OrderDetailApi(BaseRetrieveApi):
    serializer_class = OrderDetailSerializer
    permission_classes = VIEW_ORDERS

    def get_object(self) -> Order:
        return selectors.order_get_for_user(actor=self.request.user, pk=self.kwargs["pk"])


class OrderTransitionApi(BaseTransitionApi):
    """POST {"to": status, "reason": "..."}: 409 with the allowed targets in error.fields.to when not allowed."""

    permission_classes = VIEW_ORDERS
    OutputSerializer = OrderDetailSerializer
    service = order_transition
    object_arg = "order"

    @extend_schema_serializer(component_name="OrderTransitionInput")
    class InputSerializer(serializers.Serializer):
        to = serializers.ChoiceField(choices=Order.Status.choices)
        reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")

    def find(self, pk: int) -> Order:
        return selectors.order_get_for_user(actor=self.request.user, pk=pk)


class _OrderSubList(BaseListApi):
    permission_classes = VIEW_ORDERS

    def order(self) -> Order:
        if not hasattr(self, "_order"):
            self._order = selectors.order_get_for_user(actor=self.request.user, pk=self.kwargs["pk"])
        return self._order


@extend_schema_serializer(component_name="OrderItemEditInput")
class ItemEditSerializer(ItemInputSerializer):
    id = serializers.IntegerField(required=False, allow_null=True, help_text="An existing row of the order to change.")


@extend_schema_serializer(component_name="OrderItemsReplaceInput")
class ItemsReplaceSerializer(serializers.Serializer):
    items = ItemEditSerializer(many=True)
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


@extend_schema_serializer(component_name="OrderItemsPatchInput")
class ItemsPatchSerializer(serializers.Serializer):
    items = ItemEditSerializer(many=True, required=False, default=list)
    remove = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


def _edit_row(row: dict[str, Any]) -> services.ItemEdit:
    return services.ItemEdit(
        variant_id=row["variant"],
        quantity=row["quantity"],
        warehouse_id=row.get("warehouse"),
        unit_price=row.get("unit_price"),
        discount_percent=row.get("discount_percent", Decimal(0)),
        item_id=row.get("id"),
    )


class OrderItemListApi(_OrderSubList):
    """GET: the order's items. PUT: replace them (rows with `id` are kept and changed, rows without are added,
    rows left out are removed). PATCH: change or add the rows given and remove the ids in `remove`, keeping the
    others. Only while the order awaits approval or waits (409 after); products orders move the stock difference."""

    serializer_class = OrderItemSerializer
    ordering = "id"
    queryset = OrderItem.objects.none()

    def get_queryset(self) -> Any:
        return selectors.order_items(order=self.order())

    def _target(self) -> Order:
        """The order to edit, without the detail's prefetches (the answer fetches the detail afterwards)."""
        from django.shortcuts import get_object_or_404

        return get_object_or_404(selectors.order_base(actor=self.request.user), pk=self.kwargs["pk"])

    def _save(self, request: Request, items: list[services.ItemEdit], reason: str) -> Response:
        services.order_update_items(actor=request.user, order=self._target(), items=items, reason=reason)
        order = selectors.order_get_for_user(actor=request.user, pk=self.kwargs["pk"])
        return Response(OrderDetailSerializer(order, context={"request": request}).data)

    @extend_schema(request=ItemsReplaceSerializer, responses={200: OrderDetailSerializer})
    def put(self, request: Request, pk: int) -> Response:
        require_perm(request.user, "orders.edit_orders")
        data = ItemsReplaceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        items = [_edit_row(row) for row in data.validated_data["items"]]
        return self._save(request, items, data.validated_data["reason"])

    @extend_schema(request=ItemsPatchSerializer, responses={200: OrderDetailSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        require_perm(request.user, "orders.edit_orders")
        data = ItemsPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = {row["id"]: row for row in data.validated_data["items"] if row.get("id")}
        removed = set(data.validated_data["remove"])
        current = list(OrderItem.objects.filter(order=self._target()).order_by("position", "id"))
        items = [
            _edit_row(changes[row.pk])
            if row.pk in changes
            else services.ItemEdit(
                variant_id=row.variant_id,
                quantity=row.quantity,
                warehouse_id=row.warehouse_id,
                unit_price=row.unit_price,
                discount_percent=row.discount_percent,
                item_id=row.pk,
            )
            for row in current
            if row.pk not in removed
        ]
        known = {row.pk for row in current}
        unknown = [pk for pk in list(changes) + list(removed) if pk not in known]
        if unknown:
            raise ValidationError({"items": _("Item %(id)s is not on the order.") % {"id": unknown[0]}})
        items += [_edit_row(row) for row in data.validated_data["items"] if not row.get("id")]
        return self._save(request, items, data.validated_data["reason"])


class OrderTimelineApi(_OrderSubList):
    serializer_class = EventSerializer
    ordering = "id"
    queryset = OrderEvent.objects.none()

    def get_queryset(self) -> Any:
        return selectors.order_events(order=self.order())


class OrderPaymentListApi(_OrderSubList):
    """GET: the payments (allocations) of the order. POST: a payment or refund (negative amount) on the order."""

    serializer_class = AllocationSerializer
    ordering = "id"
    queryset = PaymentAllocation.objects.none()

    def get_queryset(self) -> Any:
        return selectors.order_allocations(order=self.order())

    @extend_schema(request=PaymentInputSerializer, responses={201: PaymentSerializer})
    def post(self, request: Request, pk: int) -> Response:
        require_perm(request.user, "orders.record_payments")
        return idempotent_create(request, scope="orders.payment", create=lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        order = self.order()
        data = PaymentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = _record(request.user, data.validated_data, order=order, customer=order.customer)
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


def _record(user: Any, data: dict[str, Any], *, order: Order | None, customer: Customer) -> Payment:
    return services.payment_record(
        actor=user,
        customer=customer,
        order=order,
        amount=data["amount"],
        method=data["method"],
        reference=data["reference"],
        payment_date=data.get("payment_date"),
        note=data["note"],
    )


# ---------------------------------------------------------------------------------------------------------------
# Payments and promo codes


class PaymentListApi(BaseListApi):
    """GET: payments on orders the caller may see. POST: with `order`, a payment or refund on it; without, a
    general payment allocated oldest-first over the customer's unpaid orders."""

    serializer_class = PaymentSerializer
    permission_classes = VIEW_ORDERS
    ordering = "-id"

    def get_queryset(self) -> Any:
        return selectors.payment_list(actor=self.request.user, filters=self.request.query_params)

    @extend_schema(request=PaymentInputSerializer, responses={201: PaymentSerializer})
    def post(self, request: Request) -> Response:
        require_perm(request.user, "orders.record_payments")
        return idempotent_create(request, scope="orders.payment", create=lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        data = PaymentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        order = None
        if values.get("order"):
            order = (
                selectors.order_base(actor=request.user).select_related("customer").filter(pk=values["order"]).first()
            )
            if order is None:
                raise ValidationError({"order": _("Choose one of your orders.")})
            customer = order.customer
        else:
            customer = _visible_customer(request.user, values.get("customer"))
        payment = _record(request.user, values, order=order, customer=customer)
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


class PromoCodeListApi(BaseListApi):
    serializer_class = PromoCodeSerializer
    permission_classes = [IsAuthenticated, has_perm("orders.issue_promo_codes")]
    ordering = "-id"

    def get_queryset(self) -> Any:
        return selectors.promo_list(actor=self.request.user, filters=self.request.query_params)

    @extend_schema_serializer(component_name="PromoCodeCreateInput")
    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
        discount_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
        expires_at = serializers.DateTimeField()
        note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: PromoCodeSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        promo = services.promo_issue(actor=request.user, **data.validated_data)
        return Response(PromoCodeSerializer(promo).data, status=status.HTTP_201_CREATED)


class PromoCodeCancelApi(BaseApi):
    permission_classes = [IsAuthenticated, has_perm("orders.issue_promo_codes")]

    @extend_schema(request=None, responses={200: PromoCodeSerializer})
    def post(self, request: Request, pk: int) -> Response:
        from django.shortcuts import get_object_or_404

        promo = services.promo_cancel(actor=request.user, promo=get_object_or_404(PromoCode, pk=pk))
        return Response(PromoCodeSerializer(promo).data)
