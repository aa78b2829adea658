from collections.abc import Callable
from typing import Any, ClassVar

from django.conf import settings
from drf_spectacular.openapi import AutoSchema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class StrictCspMixin:
    """JSON responses carry the strict `default-src 'none'` policy."""

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        response._csp_config = settings.API_CONTENT_SECURITY_POLICY
        return response  # type: ignore[no-any-return]


class BaseApi(StrictCspMixin, APIView):
    """Base of every API class that defines its own methods."""


class BaseListApi(StrictCspMixin, generics.ListAPIView):  # type: ignore[type-arg]
    """List endpoints: cursor-paginated, filtered by a FilterSet, scoped by the app's selector."""


class BaseRetrieveApi(StrictCspMixin, generics.RetrieveAPIView):  # type: ignore[type-arg]
    """Detail endpoints: the object comes from the app's scoped selector (404 outside the scope)."""


class _TransitionSchema(AutoSchema):
    """A transition's request body is its view's InputSerializer, its 200 answer the view's OutputSerializer."""

    def get_request_serializer(self) -> Any:
        return self.view.InputSerializer  # type: ignore[attr-defined]

    def get_response_serializers(self) -> Any:
        return {200: self.view.OutputSerializer}  # type: ignore[attr-defined]


class BaseTransitionApi(BaseApi):
    """``POST .../{id}/transition/ {to, reason, …}`` (api.md): `find(pk)` gets the object in the caller's scope (404
    outside), `InputSerializer` checks the body (400), then the app's service moves it: `service(**{object_arg: obj,
    actor_arg: caller}, **arguments(data))`. The service refuses a move the rules do not allow with InvalidTransition
    (409, the allowed targets in error.fields.to) and one the caller may not make with 403. The answer is the object
    fetched again by `detail(pk)` as `OutputSerializer` (200), whose `allowed_transitions` come from the app's
    allowed-targets function."""

    schema = _TransitionSchema()
    InputSerializer: ClassVar[type[serializers.Serializer]]  # type: ignore[type-arg]
    OutputSerializer: ClassVar[type[serializers.Serializer]]  # type: ignore[type-arg]
    service: ClassVar[Callable[..., Any]]
    object_arg: ClassVar[str]
    actor_arg: ClassVar[str] = "user"

    def find(self, pk: int) -> Any:
        raise NotImplementedError

    def detail(self, pk: int) -> Any:
        return self.find(pk)

    def arguments(self, data: dict[str, Any]) -> dict[str, Any]:
        return data

    def post(self, request: Request, pk: int) -> Response:
        obj = self.find(pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        move = type(self).service
        move(**{self.object_arg: obj, self.actor_arg: request.user}, **self.arguments(dict(data.validated_data)))
        return Response(self.OutputSerializer(self.detail(pk), context={"request": request}).data)
