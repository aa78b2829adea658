"""Health probes and the translated error pages."""

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

CHECK_TIMEOUT_SECONDS = 1


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is alive: no database, no cache, nothing that can block."""
    return JsonResponse({"status": "ok"})


def _timed(fn: Any) -> dict[str, Any]:
    started = time.monotonic()
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"; the class name is safe to show
        return {"ok": False, "error": exc.__class__.__name__, "ms": round((time.monotonic() - started) * 1000, 1)}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def _check_database() -> None:
    # SET LOCAL only lasts inside a transaction: without one PostgreSQL ignores it.
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL statement_timeout = 1000")
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.startswith("django_redis"):
        from django_redis import get_redis_connection

        # The cache itself swallows errors (pages survive an outage), so ask Redis directly.
        get_redis_connection("default").ping()
    else:
        cache.set("readyz", "1", 5)
        if cache.get("readyz") != "1":
            raise RuntimeError("cache read-back failed")


def _check_broker() -> None:
    from config.celery import app

    url = app.conf.broker_url or ""
    if url.startswith("memory://"):
        return
    with app.connection_for_write() as conn:
        conn.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, interval_max=0, timeout=CHECK_TIMEOUT_SECONDS
        )


@require_GET
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Database, cache and broker reachable, each with a short timeout. JSON detail, no secrets."""
    checks = {"database": _timed(_check_database), "cache": _timed(_check_cache), "broker": _timed(_check_broker)}
    ready = all(c["ok"] for c in checks.values())
    body: dict[str, Any] = {"status": "ok" if ready else "down", "checks": checks}
    if checks["database"]["ok"]:
        body["detail"] = _app_details()
    return JsonResponse(body, status=200 if ready else 503)


def _app_details() -> dict[str, Any]:
    """Informational detail from each app's `health.readiness_detail()` (queue depth, outbox age, failures)."""
    from erp.core.discovery import app_modules

    detail: dict[str, Any] = {}
    for module in app_modules("health"):
        try:
            detail.update(module.readiness_detail())
        except Exception as exc:  # noqa: BLE001 - detail is informational; readiness is decided by the checks
            detail[module.__name__] = {"error": exc.__class__.__name__}
    return detail


def _error(request: HttpRequest, template: str, status: int) -> HttpResponse:
    if request.path.startswith("/api/"):
        from erp.api.exception_handlers import error_payload

        codes = {403: "permission_denied", 404: "not_found", 500: "server_error", 400: "bad_request"}
        return JsonResponse(error_payload(codes[status]), status=status)
    return render(request, template, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "errors/400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from erp.accounts.models import SecurityEvent
    from erp.accounts.services import security_event_record

    user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
    security_event_record(kind=SecurityEvent.Kind.PERMISSION_DENIED, user=user, request=request)  # type: ignore[arg-type]
    return _error(request, "errors/403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "errors/404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _error(request, "", 500)
    # Rendered without context processors: the failure may be in one of them.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render({}), status=500)
