"""API v1 for catalogue data: price history, bulk price updates (preview or apply), import job status."""

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from erp.api.permissions import has_perm
from erp.api.views import BaseListApi, BaseRetrieveApi
from erp.inventory import catalogue
from erp.inventory.models import BulkPriceUpdate, Category, ImportJob, PriceChange, Product

VIEW_STOCK: list[type[BasePermission]] = [IsAuthenticated, has_perm("inventory.view_stock")]
CHANGE_PRICES: list[type[BasePermission]] = [IsAuthenticated, has_perm("inventory.change_prices")]
IMPORT: list[type[BasePermission]] = [IsAuthenticated, has_perm("inventory.import_catalogue")]


class PriceChangeSerializer(serializers.ModelSerializer):
    variant_code = serializers.CharField(source="variant.code", default=None)
    user = serializers.CharField(source="user.username", default=None)

    class Meta:
        model = PriceChange
        fields = [
            "id",
            "created_at",
            "product_id",
            "variant_id",
            "variant_code",
            "field",
            "old_value",
            "new_value",
            "source",
            "bulk_update_id",
            "user",
        ]


class BulkPriceUpdateSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username")

    class Meta:
        model = BulkPriceUpdate
        fields = [
            "id",
            "created_at",
            "user",
            "category_id",
            "product_codes",
            "method",
            "direction",
            "amount",
            "apply_retail",
            "apply_wholesale",
            "rounding",
            "note",
            "product_count",
            "change_count",
        ]


@extend_schema_serializer(component_name="BulkPricePreviewLine")
class BulkPriceLineSerializer(serializers.Serializer):
    product_id = serializers.IntegerField()
    code = serializers.CharField()
    old_retail = serializers.DecimalField(max_digits=14, decimal_places=2)
    new_retail = serializers.DecimalField(max_digits=14, decimal_places=2)
    old_wholesale = serializers.DecimalField(max_digits=14, decimal_places=2)
    new_wholesale = serializers.DecimalField(max_digits=14, decimal_places=2)


@extend_schema_serializer(component_name="BulkPricePreview")
class BulkPricePreviewSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    variant_changes = serializers.IntegerField()
    negative_count = serializers.IntegerField()
    unknown_codes = serializers.ListField(child=serializers.CharField())
    fingerprint = serializers.CharField()
    lines = BulkPriceLineSerializer(many=True)


class ImportJobSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username")

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "file_name",
            "file_hash",
            "kind",
            "status",
            "total",
            "processed",
            "created",
            "updated",
            "error_count",
            "created_by",
            "created_at",
            "validated_at",
            "started_at",
            "finished_at",
        ]


class ProductPriceHistoryApi(BaseListApi):
    serializer_class = PriceChangeSerializer
    permission_classes = VIEW_STOCK
    ordering = "-id"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no product in the URL
            return PriceChange.objects.none()
        product = get_object_or_404(Product.objects.only("pk"), pk=self.kwargs["pk"])
        return PriceChange.objects.filter(product=product).select_related("variant", "user")


class BulkPriceUpdateListApi(BaseListApi):
    """GET: past bulk updates. POST: preview (`"preview": true`, nothing written) or apply (with the preview's
    `fingerprint`, refused with 409 when prices changed since)."""

    serializer_class = BulkPriceUpdateSerializer
    permission_classes = CHANGE_PRICES
    ordering = "-id"

    def get_queryset(self) -> Any:
        return BulkPriceUpdate.objects.select_related("user")

    @extend_schema_serializer(component_name="BulkPriceUpdateInput")
    class InputSerializer(serializers.Serializer):
        category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), required=False, allow_null=True)
        product_codes = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
        method = serializers.ChoiceField(choices=BulkPriceUpdate.Method.choices)
        direction = serializers.ChoiceField(choices=BulkPriceUpdate.Direction.choices)
        amount = serializers.DecimalField(max_digits=12, decimal_places=2)
        apply_retail = serializers.BooleanField(default=True)
        apply_wholesale = serializers.BooleanField(default=False)
        rounding = serializers.ChoiceField(
            choices=BulkPriceUpdate.Rounding.choices, default=BulkPriceUpdate.Rounding.CENTS
        )
        note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
        preview = serializers.BooleanField(default=False)
        fingerprint = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={200: BulkPricePreviewSerializer, 201: BulkPriceUpdateSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        params = catalogue.BulkPriceParams(
            method=values["method"],
            direction=values["direction"],
            amount=values["amount"],
            apply_retail=values["apply_retail"],
            apply_wholesale=values["apply_wholesale"],
            rounding=values["rounding"],
            category=values.get("category"),
            product_codes=catalogue.parse_product_codes(" ".join(values.get("product_codes", []))),
        )
        if values["preview"]:
            preview = catalogue.bulk_price_preview(params=params)
            body = {
                "count": preview.count,
                "variant_changes": len(preview.variant_deltas),
                "negative_count": preview.negative_count,
                "unknown_codes": preview.unknown_codes,
                "fingerprint": preview.fingerprint,
                "lines": preview.changing[:500],
            }
            return Response(BulkPricePreviewSerializer(body).data)
        audit = catalogue.bulk_price_apply(
            actor=request.user, params=params, fingerprint=values["fingerprint"] or None, note=values["note"]
        )
        audit = BulkPriceUpdate.objects.select_related("user").get(pk=audit.pk)
        return Response(BulkPriceUpdateSerializer(audit).data, status=status.HTTP_201_CREATED)


class ImportJobDetailApi(BaseRetrieveApi):
    serializer_class = ImportJobSerializer
    permission_classes = IMPORT

    def get_object(self) -> ImportJob:
        return get_object_or_404(ImportJob.objects.select_related("created_by"), pk=self.kwargs["pk"])
