"""API v1 for authentication, the current user, branches and users (docs: api.md)."""

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from erp.accounts import selectors, services
from erp.accounts.access import access_for
from erp.accounts.models import ApiToken, Branch, Role, User
from erp.api.throttling import ScopedRateThrottle
from erp.api.views import BaseApi, BaseListApi, BaseRetrieveApi
from erp.core.exceptions import ApplicationError

# ---------------------------------------------------------------------------------------------------------------
# Output serializers shared by several endpoints


class BranchOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Branch
        fields = ["id", "code", "name", "address", "phone", "is_active", "is_main"]


class RoleOutputSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField()


class UserOutputSerializer(serializers.ModelSerializer):
    branch = BranchOutputSerializer(allow_null=True)
    roles = RoleOutputSerializer(many=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "phone",
            "branch",
            "preferred_language",
            "roles",
            "is_active",
            "last_seen",
            "date_joined",
        ]


# ---------------------------------------------------------------------------------------------------------------
# Tokens


class TokenObtainApi(BaseApi):
    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema_serializer(component_name="TokenObtainInput")
    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=256, trim_whitespace=False)

    @extend_schema_serializer(component_name="TokenObtainOutput")
    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()
        expires_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(
            request=django_request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if getattr(django_request, "axes_locked_out", False):
            raise ApplicationError(
                _("Too many failed attempts: this account is locked for a while."), code="locked_out", status=403
            )
        if user is None:
            raise ApplicationError(_("The username or password is wrong."), code="invalid_credentials", status=401)
        token, key = services.api_token_issue(user=user, request=django_request)
        return Response(
            self.OutputSerializer({"token": key, "expires_at": token.expires_at}).data, status=status.HTTP_201_CREATED
        )


class TokenRevokeApi(BaseApi):
    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        if not isinstance(request.auth, ApiToken):
            raise ApplicationError(_("Only a token can revoke itself."), code="not_token_auth")
        services.api_token_revoke(token=request.auth, request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------------------------------------------------------
# Me


class MeApi(BaseApi):
    @extend_schema_serializer(component_name="Me")
    class OutputSerializer(UserOutputSerializer):
        permissions = serializers.SerializerMethodField()
        effective_roles = serializers.SerializerMethodField()

        class Meta(UserOutputSerializer.Meta):
            fields = [*UserOutputSerializer.Meta.fields, "is_superuser", "effective_roles", "permissions"]

        def get_permissions(self, obj: User) -> list[str]:
            return sorted(access_for(obj).permissions)

        def get_effective_roles(self, obj: User) -> list[str]:
            return sorted(access_for(obj).roles)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        user = selectors.user_get_for_user(actor=request.user, pk=request.user.pk)  # type: ignore[arg-type]
        return Response(self.OutputSerializer(user).data)


# ---------------------------------------------------------------------------------------------------------------
# Branches


class BranchInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=120)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)
    is_main = serializers.BooleanField(required=False)


class BranchListApi(BaseListApi):
    serializer_class = BranchOutputSerializer
    ordering = "code"

    def get_queryset(self) -> Any:
        return selectors.branch_list(actor=self.request.user, filters=self.request.query_params)  # type: ignore[arg-type]

    @extend_schema(request=BranchInputSerializer, responses={201: BranchOutputSerializer})
    def post(self, request: Request) -> Response:
        data = BranchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        branch = services.branch_create(actor=request.user, data=data.validated_data, request=request._request)  # type: ignore[arg-type]
        return Response(BranchOutputSerializer(branch).data, status=status.HTTP_201_CREATED)


class BranchDetailApi(BaseRetrieveApi):
    serializer_class = BranchOutputSerializer

    def get_object(self) -> Branch:
        return selectors.branch_get_for_user(actor=self.request.user, pk=self.kwargs["pk"])  # type: ignore[arg-type]

    @extend_schema(request=BranchInputSerializer, responses=BranchOutputSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        branch = self.get_object()
        data = BranchInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        branch = services.branch_update(
            actor=request.user,  # type: ignore[arg-type]
            branch=branch,
            data=data.validated_data,
            request=request._request,
        )
        return Response(BranchOutputSerializer(branch).data)


# ---------------------------------------------------------------------------------------------------------------
# Users


class UserInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, write_only=True, trim_whitespace=False)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    branch = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.all(), required=False, allow_null=True)
    preferred_language = serializers.ChoiceField(choices=User.Language.choices, required=False)
    roles = serializers.SlugRelatedField(slug_field="key", queryset=Role.objects.all(), many=True, required=False)
    managed_branches = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.all(), many=True, required=False)


class UserUpdateInputSerializer(UserInputSerializer):
    password = None  # type: ignore[assignment]
    is_active = serializers.BooleanField(required=False)


class UserListApi(BaseListApi):
    serializer_class = UserOutputSerializer
    ordering = "username"

    def get_queryset(self) -> Any:
        return selectors.user_list(actor=self.request.user, filters=self.request.query_params)  # type: ignore[arg-type]

    @extend_schema(request=UserInputSerializer, responses={201: UserOutputSerializer})
    def post(self, request: Request) -> Response:
        data = UserInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_create(actor=request.user, request=request._request, **data.validated_data)  # type: ignore[arg-type]
        user = selectors.user_get_for_user(actor=request.user, pk=user.pk)  # type: ignore[arg-type]
        return Response(UserOutputSerializer(user).data, status=status.HTTP_201_CREATED)


class UserDetailApi(BaseRetrieveApi):
    serializer_class = UserOutputSerializer

    def get_object(self) -> User:
        return selectors.user_get_for_user(actor=self.request.user, pk=self.kwargs["pk"])  # type: ignore[arg-type]

    @extend_schema(request=UserUpdateInputSerializer, responses=UserOutputSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        user = self.get_object()
        data = UserUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        is_active = values.pop("is_active", None)
        actor: User = request.user  # type: ignore[assignment]
        if values:
            services.user_update(actor=actor, user=user, data=values, request=request._request)
        if is_active is not None and is_active != user.is_active:
            services.user_set_active(actor=actor, user=user, active=is_active, request=request._request)
        user = selectors.user_get_for_user(actor=actor, pk=user.pk)
        return Response(UserOutputSerializer(user).data)


class UserSetPasswordApi(BaseApi):
    @extend_schema_serializer(component_name="UserSetPasswordInput")
    class InputSerializer(serializers.Serializer):
        password = serializers.CharField(max_length=256, trim_whitespace=False)

    @extend_schema(
        request=InputSerializer,
        responses={204: None},
        description="An administrator sets a new password for a user they manage.",
    )
    def post(self, request: Request, pk: int) -> Response:
        actor: User = request.user  # type: ignore[assignment]
        user = selectors.user_get_for_user(actor=actor, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_set_password(
            actor=actor, user=user, password=data.validated_data["password"], request=request._request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
