"""One error shape for the whole API: {"error": {"code", "message", "fields"}} (docs: api.md)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from erp.core.exceptions import ApplicationError

_DEFAULT_MESSAGES = {
    "validation_error": gettext_noop("Some fields are invalid."),
    "not_found": gettext_noop("Not found."),
    "permission_denied": gettext_noop("You do not have permission to perform this action."),
    "not_authenticated": gettext_noop("Authentication credentials were not provided or are invalid."),
    "server_error": gettext_noop("A server error occurred."),
    "bad_request": gettext_noop("Bad request."),
    "throttled": gettext_noop("Too many requests."),
}


def error_payload(code: str, message: str | None = None, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message or _(_DEFAULT_MESSAGES.get(code, gettext_noop("Error."))),
            "fields": fields or {},
        }
    }


def _flatten(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        return {
            k: ([str(m) for m in v] if isinstance(v, list) else _flatten(v) if isinstance(v, dict) else [str(v)])
            for k, v in detail.items()
        }
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    return {"non_field_errors": [str(detail)]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(error_payload("validation_error", fields=fields), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ApplicationError):
        if exc.status_code == status.HTTP_403_FORBIDDEN:
            _record_denied(context)
        return Response(error_payload(exc.code, str(exc.message), exc.extra), status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_payload("validation_error", fields=_flatten(exc.detail))
    elif isinstance(exc, exceptions.APIException):
        code = exc.default_code if not isinstance(exc.detail, dict) else "error"
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            code = "not_authenticated"
        message = str(exc.detail) if not isinstance(exc.detail, dict | list) else None
        response.data = error_payload(code, message)
        if isinstance(exc, exceptions.PermissionDenied):
            _record_denied(context)
    return response


def _record_denied(context: dict[str, Any]) -> None:
    request = context.get("request")
    if request is None:
        return
    from erp.accounts.models import SecurityEvent
    from erp.accounts.services import security_event_record

    user = request.user if request.user and request.user.is_authenticated else None
    security_event_record(kind=SecurityEvent.Kind.PERMISSION_DENIED, user=user, request=request._request)
