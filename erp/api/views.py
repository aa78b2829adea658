from typing import Any

from django.conf import settings
from rest_framework import generics
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
