"""API v1 for customers and customer types (docs: api.md). Scoped like the pages: outside the scope is 404."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from erp.accounts.access import require_perm
from erp.accounts.models import Branch
from erp.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from erp.api.idempotency import idempotent_create
from erp.api.permissions import has_perm
from erp.api.views import BaseApi, BaseListApi
from erp.customers import selectors, services
from erp.customers.models import ContactPerson, Customer, CustomerCategory, CustomerType

VIEW_CUSTOMERS: list[type[BasePermission]] = [IsAuthenticated, has_perm("customers.view_customers")]


@extend_schema_serializer(component_name="CustomerType")
class CustomerTypeSerializer(serializers.ModelSerializer):
    discount_warehouse_ids = serializers.SerializerMethodField()

    class Meta:
        model = CustomerType
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "pricing_type",
            "discount_percentage",
            "discount_warehouse_ids",
            "badge_colour",
            "is_active",
        ]

    def get_discount_warehouse_ids(self, obj: CustomerType) -> list[int]:
        return [w.pk for w in obj.discount_warehouses.all()]  # prefetched by the selector


@extend_schema_serializer(component_name="CustomerContact")
class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactPerson
        fields = ["id", "name", "title", "phone", "email", "position", "is_primary"]


@extend_schema_serializer(component_name="Customer")
class CustomerSerializer(serializers.ModelSerializer):
    branch_code = serializers.CharField(source="branch.code")
    customer_type_code = serializers.CharField(source="customer_type.code")
    category_name = serializers.CharField(source="category.name", default=None)
    created_by = serializers.CharField(source="created_by.username", default=None)
    balance = serializers.DecimalField(
        source="balance_due",
        max_digits=14,
        decimal_places=2,
        read_only=True,
        help_text="What the customer owes over their open orders (annotated by the selector).",
    )

    class Meta:
        model = Customer
        fields = [
            "id",
            "code",
            "name",
            "branch_id",
            "branch_code",
            "customer_type_id",
            "customer_type_code",
            "category_id",
            "category_name",
            "phone",
            "phone2",
            "email",
            "birth_date",
            "address",
            "location_type",
            "status",
            "credit_limit",
            "balance",
            "payment_terms_days",
            "notes",
            "created_by",
            "created_at",
            "updated_at",
        ]


@extend_schema_serializer(component_name="CustomerDetail")
class CustomerDetailSerializer(CustomerSerializer):
    contacts = ContactSerializer(many=True)

    class Meta(CustomerSerializer.Meta):
        fields = [*CustomerSerializer.Meta.fields, "contacts"]


class _CustomerFields(serializers.Serializer):
    """Writable fields shared by create and update (validation of phones and the rest is the service's)."""

    name = serializers.CharField(max_length=150)
    customer_type = serializers.PrimaryKeyRelatedField(queryset=CustomerType.objects.filter(is_active=True))
    category = serializers.PrimaryKeyRelatedField(
        queryset=CustomerCategory.objects.all(), required=False, allow_null=True
    )
    phone = serializers.CharField(max_length=30)
    phone2 = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    location_type = serializers.ChoiceField(choices=Customer.LocationType.choices, required=False)
    credit_limit = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)  # type: ignore[arg-type]
    payment_terms_days = serializers.IntegerField(min_value=0, max_value=3650, required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class CustomerListApi(BaseListApi):
    """GET: the customers in the caller's scope (filters: search, branch, customer_type, category, status,
    has_balance, over_credit_limit; ordering: id, code). POST: a new customer (needs customers.manage_customers)."""

    serializer_class = CustomerSerializer
    permission_classes = VIEW_CUSTOMERS
    filter_backends = [OrderingFilter]
    ordering_fields = ["id", "code"]
    ordering = "-id"

    def get_queryset(self) -> Any:
        return selectors.customer_list(actor=self.request.user, filters=self.request.query_params)

    @extend_schema_serializer(component_name="CustomerCreateInput")
    class InputSerializer(_CustomerFields):
        branch = serializers.PrimaryKeyRelatedField(
            queryset=Branch.objects.filter(is_active=True),
            required=False,
            help_text="Defaults to the caller's branch.",
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: CustomerDetailSerializer},
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="A repeat with the same key returns the first result; a different body → 409.",
            )
        ],
    )
    def post(self, request: Request) -> Response:
        require_perm(request.user, "customers.manage_customers")
        return idempotent_create(request, scope="customers.create", create=lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        branch = values.pop("branch", None) or getattr(request.user, "branch", None)
        if branch is None:
            raise serializers.ValidationError({"branch": ["This field is required."]})
        customer = services.customer_create(actor=request.user, branch=branch, **values)
        customer = selectors.customer_get(actor=request.user, pk=customer.pk)
        return Response(CustomerDetailSerializer(customer).data, status=status.HTTP_201_CREATED)


class CustomerDetailApi(BaseApi):
    """GET one customer with contact persons; PATCH its editable fields (needs customers.manage_customers)."""

    permission_classes = VIEW_CUSTOMERS

    @extend_schema(responses={200: CustomerDetailSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(CustomerDetailSerializer(selectors.customer_get(actor=request.user, pk=pk)).data)

    @extend_schema_serializer(component_name="CustomerUpdateInput")
    class InputSerializer(_CustomerFields):
        pass

    @extend_schema(request=InputSerializer, responses={200: CustomerDetailSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        require_perm(request.user, "customers.manage_customers")
        customer = selectors.customer_get(actor=request.user, pk=pk)
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.customer_update(actor=request.user, customer=customer, **data.validated_data)
        return Response(CustomerDetailSerializer(selectors.customer_get(actor=request.user, pk=pk)).data)


class CustomerTypeListApi(BaseListApi):
    serializer_class = CustomerTypeSerializer
    permission_classes = VIEW_CUSTOMERS
    ordering = "id"

    def get_queryset(self) -> Any:
        return selectors.customer_type_list()
