"""The caller's own notifications over the API (api.md: `/api/v1/notifications/`): list with filters, mark one or all
read. Nobody sees anyone else's: every query starts from the caller."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from erp.api.views import BaseApi, BaseListApi
from erp.notifications import selectors, services
from erp.notifications.models import Kind, NotificationRecipient, Priority


@extend_schema_serializer(component_name="NotificationOutput")
class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    event = serializers.CharField(source="notification.event")
    priority = serializers.ChoiceField(choices=Priority.choices)
    title = serializers.CharField(source="notification.title")
    body = serializers.CharField(source="notification.body")
    link = serializers.CharField(source="notification.link")
    read = serializers.SerializerMethodField()
    read_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField(source="notification.created_at")

    def get_read(self, obj: NotificationRecipient) -> bool:
        return obj.read_at is not None


class NotificationListApi(BaseListApi):
    """GET: the caller's notifications, newest first (filters: kind, min_priority, unread=true)."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    ordering = "-id"

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=Kind.values),
            OpenApiParameter("min_priority", int, enum=Priority.values),
            OpenApiParameter("unread", bool),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return NotificationRecipient.objects.none()
        params = self.request.query_params
        kind = params.get("kind", "")
        priority = params.get("min_priority", "")
        return selectors.recipient_list(
            user=self.request.user,
            kind=kind if kind in Kind.values else "",
            priority=int(priority) if priority.isdigit() else None,
            unread=params.get("unread", "").lower() in {"1", "true", "yes"},
        )


@extend_schema_serializer(component_name="NotificationsReadOutput")
class ReadSerializer(serializers.Serializer):
    updated = serializers.IntegerField()


class NotificationReadApi(BaseApi):
    """POST: mark one of the caller's notifications read (404 for anyone else's)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: ReadSerializer})
    def post(self, request: Request, pk: int) -> Response:
        if not NotificationRecipient.objects.filter(pk=pk, user_id=int(request.user.pk or 0)).exists():
            raise NotFound()
        return Response({"updated": services.notification_mark_read(user=request.user, recipient_id=pk)})


class NotificationReadAllApi(BaseApi):
    """POST: mark all the caller's notifications read (optionally of one kind: {"kind": "order"})."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="NotificationsReadAllInput")
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=Kind.choices, required=False)

    @extend_schema(request=InputSerializer, responses={200: ReadSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kind = data.validated_data.get("kind", "")
        return Response({"updated": services.notification_mark_all_read(user=request.user, kind=kind)})
