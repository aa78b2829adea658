"""API v1 for the catalogue and stock (docs: api.md). Stock is read here; it is written only by services."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from erp.accounts.access import access_for
from erp.api.permissions import has_perm
from erp.api.views import BaseListApi, BaseRetrieveApi
from erp.inventory import selectors, services
from erp.inventory.models import Category, Product, StockBalance, StockMovement, Variant, Warehouse

VIEW_STOCK: list[type[BasePermission]] = [IsAuthenticated, has_perm("inventory.view_stock")]


def _require(request: Request, perm: str) -> None:
    if not access_for(request.user).has_perm(perm):
        raise PermissionDenied


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
        _require(request, "inventory.manage_catalogue")
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
