"""Plumbing only: record Django's and axes' authentication signals as security events (one insert each)."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from erp.accounts.models import SecurityEvent
from erp.accounts.services import security_event_record


@receiver(user_logged_in, dispatch_uid="accounts_security_login")
def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    security_event_record(kind=SecurityEvent.Kind.LOGIN, user=user, request=request)


@receiver(user_logged_out, dispatch_uid="accounts_security_logout")
def _on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        security_event_record(kind=SecurityEvent.Kind.LOGOUT, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="accounts_security_login_failed")
def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    security_event_record(
        kind=SecurityEvent.Kind.LOGIN_FAILED, username=str(credentials.get("username", ""))[:150], request=request
    )


@receiver(user_locked_out, dispatch_uid="accounts_security_lockout")
def _on_lockout(
    sender: Any, request: HttpRequest | None, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    security_event_record(kind=SecurityEvent.Kind.LOCKOUT, username=username or "", request=request)
