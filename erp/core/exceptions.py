"""One error vocabulary for services. The API's exception handler maps these to the JSON error shape."""

from typing import Any


class ApplicationError(Exception):
    """A business rule refused the request. `code` is stable for clients, `message` is translated for people."""

    code = "application_error"
    status_code = 400

    def __init__(
        self, message: Any, *, extra: dict[str, Any] | None = None, code: str | None = None, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
        if code:
            self.code = code
        if status:
            self.status_code = status


class PermissionDeniedError(ApplicationError):
    code = "permission_denied"
    status_code = 403


class NotFoundError(ApplicationError):
    code = "not_found"
    status_code = 404


class ConflictError(ApplicationError):
    code = "conflict"
    status_code = 409


class InvalidTransition(ConflictError):  # noqa: N818 - domain name, used by every lifecycle
    code = "invalid_transition"


class InsufficientStock(ConflictError):  # noqa: N818 - domain name
    """A stock movement would take a balance below zero where that is not allowed."""

    code = "insufficient_stock"
