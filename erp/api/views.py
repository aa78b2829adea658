from typing import Any

from django.conf import settings
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


def _strict_csp(response: Response) -> Response:
    response._csp_config = settings.API_CONTENT_SECURITY_POLICY  # type: ignore[attr-defined]
    return response


class BaseApi(APIView):
    """Base of every API class: JSON responses carry the strict `default-src 'none'` policy."""

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Response:
        return _strict_csp(super().finalize_response(request, response, *args, **kwargs))


class BaseListApi(generics.ListAPIView):  # type: ignore[type-arg]
    """List endpoints: cursor-paginated, filtered by a FilterSet, scoped by the app's selector."""

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Response:
        return _strict_csp(super().finalize_response(request, response, *args, **kwargs))


class BaseRetrieveApi(generics.RetrieveAPIView):  # type: ignore[type-arg]
    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Response:
        return _strict_csp(super().finalize_response(request, response, *args, **kwargs))
