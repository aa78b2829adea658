"""API v1 for the catalogue and stock (docs: api.md). Stock is read here; it is written only by services."""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from erp.accounts.access import require_perm
from erp.api.permissions import has_perm
from erp.api.views import BaseListApi, BaseRetrieveApi, BaseTransitionApi
from erp.inventory import selectors, services
from erp.inventory.models import Category, Product, StockBalance, StockMovement, Transfer, Variant, Warehouse
from erp.inventory.transfers import transfer_transition

VIEW_STOCK: list[type[BasePermission]] = [IsAuthenticated, has_perm("inventory.view_stock")]


class CategorySerializer(serializers.ModelSerializer):
    parent_path = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = ["id", "name", "name_en", "full_name", "depth", "path", "parent_path"]

    def get_parent_path(self, obj: Category) -> str | None:
        return obj.path[: -Category.steplen] or None  # the parent's path: no query per row


class VariantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Variant
        fields = ["id", "code", "colour", "barcode", "retail_price", "wholesale_price", "is_default", "is_active"]


class ProductSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.full_name")
    category_id = serializers.IntegerField()

    class Meta:
        model = Product
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "category_id",
            "category",
            "kind",
            "unit",
            "material",
            "width_cm",
            "retail_price",
            "wholesale_price",
            "minimum_stock",
            "is_active",
        ]


class ProductDetailSerializer(ProductSerializer):
    variants = VariantSerializer(many=True)

    class Meta(ProductSerializer.Meta):
        fields = [*ProductSerializer.Meta.fields, "variants"]


class VariantListSerializer(VariantSerializer):
    product_id = serializers.IntegerField()
    product_code = serializers.CharField(source="product.code")
    product_name = serializers.CharField(source="product.name")

    class Meta(VariantSerializer.Meta):
        fields = [*VariantSerializer.Meta.fields, "product_id", "product_code", "product_name"]


class WarehouseSerializer(serializers.ModelSerializer):
    branch = serializers.CharField(source="branch.code")

    class Meta:
        model = Warehouse
        fields = ["id", "code", "name", "branch", "is_active", "is_official_fabric", "allow_negative_for_cutting"]


class StockBalanceSerializer(serializers.ModelSerializer):
    variant_code = serializers.CharField(source="variant.code")
    product_id = serializers.IntegerField(source="variant.product_id")
    warehouse_code = serializers.CharField(source="warehouse.code")

    class Meta:
        model = StockBalance
        fields = [
            "id",
            "variant_id",
            "variant_code",
            "product_id",
            "warehouse_id",
            "warehouse_code",
            "quantity",
            "updated_at",
        ]


class StockMovementSerializer(serializers.ModelSerializer):
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
            "kind",
            "reason",
            "quantity",
            "balance_after",
            "reference",
            "user",
        ]


class CategoryListApi(BaseListApi):
    serializer_class = CategorySerializer
    permission_classes = VIEW_STOCK
    ordering = "path"

    def get_queryset(self) -> Any:
        return selectors.category_list()


class ProductListApi(BaseListApi):
    serializer_class = ProductSerializer
    permission_classes = VIEW_STOCK
    ordering = "code"

    def get_queryset(self) -> Any:
        return selectors.product_list(actor=self.request.user, filters=self.request.query_params)

    @extend_schema_serializer(component_name="ProductCreateInput")
    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=40)
        name = serializers.CharField(max_length=200)
        category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all())
        kind = serializers.ChoiceField(choices=Product.Kind.choices, default=Product.Kind.FABRIC)
        unit = serializers.ChoiceField(choices=Product.Unit.choices, default=Product.Unit.METER)
        material = serializers.CharField(max_length=120, required=False, allow_blank=True)
        retail_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
        wholesale_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
        minimum_stock = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0, required=False)
        colours = serializers.ListField(
            child=serializers.ListField(child=serializers.CharField(max_length=80), min_length=2, max_length=2),
            required=False,
            help_text="[[code suffix, colour name], …]; omit for a single default variant.",
        )

    @extend_schema(request=InputSerializer, responses={201: ProductDetailSerializer})
    def post(self, request: Request) -> Response:
        require_perm(request.user, "inventory.manage_catalogue")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        colours = [tuple(c) for c in values.pop("colours", [])]
        product = services.product_create(colours=colours, **values)
        return Response(
            ProductDetailSerializer(selectors.product_get(pk=product.pk)).data, status=status.HTTP_201_CREATED
        )


class ProductDetailApi(BaseRetrieveApi):
    serializer_class = ProductDetailSerializer
    permission_classes = VIEW_STOCK

    def get_object(self) -> Product:
        return selectors.product_get(pk=self.kwargs["pk"])


class VariantListApi(BaseListApi):
    serializer_class = VariantListSerializer
    permission_classes = VIEW_STOCK
    ordering = "code"

    def get_queryset(self) -> Any:
        return selectors.variant_list(actor=self.request.user, filters=self.request.query_params)


class WarehouseListApi(BaseListApi):
    serializer_class = WarehouseSerializer
    permission_classes = VIEW_STOCK
    ordering = "code"

    def get_queryset(self) -> Any:
        return selectors.warehouse_list(actor=self.request.user)


class WarehouseDetailApi(BaseRetrieveApi):
    serializer_class = WarehouseSerializer
    permission_classes = VIEW_STOCK

    def get_object(self) -> Warehouse:
        return selectors.warehouse_get_for_user(actor=self.request.user, pk=self.kwargs["pk"])


class StockListApi(BaseListApi):
    serializer_class = StockBalanceSerializer
    permission_classes = VIEW_STOCK
    ordering = "id"

    def get_queryset(self) -> Any:
        return selectors.stock_list(actor=self.request.user, filters=self.request.query_params)


class StockMovementListApi(BaseListApi):
    serializer_class = StockMovementSerializer
    permission_classes = VIEW_STOCK
    ordering = "-id"

    def get_queryset(self) -> Any:
        return selectors.movement_list(actor=self.request.user, filters=self.request.query_params)


class TransferItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    variant_id = serializers.IntegerField()
    variant_code = serializers.CharField(source="variant.code")
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    received_quantity = serializers.DecimalField(max_digits=14, decimal_places=3, allow_null=True)


class TransferEventSerializer(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    user = serializers.CharField(source="user.username")
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class TransferSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    source = serializers.CharField(source="source.code")  # type: ignore[assignment]
    destination = serializers.CharField(source="destination.code")
    note = serializers.CharField()
    created_by = serializers.CharField(source="created_by.username")
    created_at = serializers.DateTimeField()


class TransferDetailSerializer(TransferSerializer):
    items = TransferItemSerializer(many=True)
    timeline = TransferEventSerializer(many=True, source="events")
    allowed_transitions = serializers.SerializerMethodField()

    def get_allowed_transitions(self, obj: Any) -> list[str]:
        from erp.inventory.transfers import transfer_allowed_targets

        return transfer_allowed_targets(transfer=obj, user=self.context["request"].user)


class TransferListApi(BaseListApi):
    serializer_class = TransferSerializer
    permission_classes = VIEW_STOCK
    ordering = "-id"

    def get_queryset(self) -> Any:
        return selectors.transfer_list(actor=self.request.user)

    @extend_schema_serializer(component_name="TransferCreateInput")
    class InputSerializer(serializers.Serializer):
        source = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.all())  # type: ignore[assignment]
        destination = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.all())
        note = serializers.CharField(max_length=255, required=False, allow_blank=True)
        items = serializers.ListField(
            child=serializers.DictField(child=serializers.CharField()),
            min_length=1,
            help_text='[{"variant": id, "quantity": "3.5"}, …]',
        )

    @extend_schema(request=InputSerializer, responses={201: TransferDetailSerializer})
    def post(self, request: Request) -> Response:
        from decimal import Decimal, InvalidOperation

        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        from erp.inventory.transfers import transfer_create

        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        variants = {
            v.pk: v for v in Variant.objects.filter(pk__in=[i.get("variant") for i in data.validated_data["items"]])
        }
        items = []
        for line in data.validated_data["items"]:
            try:
                variant = variants[int(line.get("variant", ""))]
                quantity = Decimal(line.get("quantity", ""))
            except (KeyError, ValueError, InvalidOperation) as exc:
                raise ValidationError({"items": [_("Each item needs an existing variant and a quantity.")]}) from exc
            items.append((variant, quantity))
        transfer = transfer_create(
            user=request.user,
            source=data.validated_data["source"],
            destination=data.validated_data["destination"],
            items=items,
            note=data.validated_data.get("note", ""),
        )
        transfer = selectors.transfer_get_for_user(actor=request.user, pk=transfer.pk)
        return Response(
            TransferDetailSerializer(transfer, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class TransferDetailApi(BaseRetrieveApi):
    serializer_class = TransferDetailSerializer
    permission_classes = VIEW_STOCK

    def get_object(self) -> Any:
        return selectors.transfer_get_for_user(actor=self.request.user, pk=self.kwargs["pk"])


class TransferTransitionApi(BaseTransitionApi):
    """POST {"to": status, "reason": "...", "received": {item id: quantity}}; 409 lists the allowed targets."""

    permission_classes = VIEW_STOCK
    OutputSerializer = TransferDetailSerializer
    service = transfer_transition
    object_arg = "transfer"

    @extend_schema_serializer(component_name="TransferTransitionInput")
    class InputSerializer(serializers.Serializer):
        to = serializers.ChoiceField(choices=Transfer.Status.choices)
        reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
        received = serializers.DictField(
            child=serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0), required=False
        )

    def find(self, pk: int) -> Any:
        return selectors.transfer_get_for_user(actor=self.request.user, pk=pk)

    def arguments(self, data: dict[str, Any]) -> dict[str, Any]:
        received = {int(k): v for k, v in data.get("received", {}).items() if str(k).isdigit()}
        return {"to": data["to"], "reason": data["reason"], "received": received or None}
