"""Notification pages and the bell endpoint.

The bell is polled (at most once a minute per visible tab, frontend/js/bell.js). It answers 304 from Redis alone
when nothing changed: the user id comes from the (cached) session, the version from a per-user counter, and no
database query runs. Only a changed version costs the two queries of the summary.
"""

from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from erp.core.filters import apply_filter, filter_form
from erp.core.keyset import keyset_page
from erp.notifications import selectors, services
from erp.notifications.filters import RecipientFilter
from erp.notifications.forms import NotificationSettingsForm
from erp.notifications.models import NotificationRecipient


def _etag(user_id: int, version: int) -> str:
    return f'W/"n{user_id}.{version}"'


@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    raw_id = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if raw_id is None:
        return JsonResponse({"error": {"code": "not_authenticated", "message": _("Please sign in.")}}, status=401)
    version = services.notification_version(int(raw_id))
    if version is not None and request.headers.get("If-None-Match") == _etag(int(raw_id), version):
        response: HttpResponse = HttpResponseNotModified()
    else:
        user = request.user  # loads and validates the session's user (only when there is something to send)
        if not user.is_authenticated:
            return JsonResponse({"error": {"code": "not_authenticated", "message": _("Please sign in.")}}, status=401)
        response = JsonResponse(selectors.bell_summary(user=user))
    if version is not None:
        response["ETag"] = _etag(int(raw_id), version)
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    try:
        rows = apply_filter(
            RecipientFilter, request.GET, selectors.recipient_list(user=request.user), actor=request.user
        )
    except ValidationError:
        rows = NotificationRecipient.objects.none()
    page = keyset_page(rows, order=("-id",), cursor=request.GET.get("after"), size=30)
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page": page,
            "filter_form": filter_form(RecipientFilter, request.GET, actor=request.user),
            "query": query.urlencode(),
        },
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    services.notification_mark_read(user=request.user, recipient_id=pk)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user=request.user, kind=request.POST.get("kind", ""))
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("notifications:list")


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    current = selectors.setting_for(user=request.user)
    form = NotificationSettingsForm(
        request.POST or None, initial={"muted_kinds": current.muted_kinds, "min_priority": current.min_priority}
    )
    if request.method == "POST" and form.is_valid():
        services.notification_settings_update(
            user=request.user,
            muted_kinds=form.cleaned_data["muted_kinds"],
            min_priority=form.cleaned_data["min_priority"],
        )
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})
