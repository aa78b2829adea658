"""WhatsApp pages (message log, templates, settings) and the Meta webhook.

The webhook checks the verify token (GET) or the X-Hub-Signature-256 HMAC of the raw body (POST) before anything
else, stores nothing on a bad signature, and answers as soon as the statuses are queued in the outbox.
"""

import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from erp.accounts.access import require_perm
from erp.core.exceptions import ApplicationError
from erp.core.keyset import keyset_page
from erp.integrations.whatsapp import selectors, services
from erp.integrations.whatsapp.forms import WhatsAppSettingsForm, WhatsAppTemplateForm
from erp.integrations.whatsapp.models import Event, WhatsAppMessage, WhatsAppTemplate


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        token = settings.WHATSAPP_VERIFY_TOKEN
        given = request.GET.get("hub.verify_token", "")
        if request.GET.get("hub.mode") == "subscribe" and token and hmac.compare_digest(given, token):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponse(status=403)
    body = request.body
    if not services.signature_valid(body=body, header=request.headers.get("X-Hub-Signature-256", "")):
        return HttpResponse(status=403)
    try:
        services.whatsapp_webhook_receive(body=body)
    except (ValueError, json.JSONDecodeError):
        return JsonResponse({"error": {"code": "bad_request", "message": "invalid JSON"}}, status=400)
    return JsonResponse({"status": "queued"})


@login_required
def message_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "whatsapp.view_message_log")
    status = request.GET.get("status", "")
    event = request.GET.get("event", "")
    phone = request.GET.get("phone", "").strip()
    try:
        rows = selectors.message_list(status=status, event=event, phone=phone)
    except ValidationError:
        rows = WhatsAppMessage.objects.none()
    page = keyset_page(rows, order=("-id",), cursor=request.GET.get("after"), size=50)
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "whatsapp/message_list.html",
        {
            "page": page,
            "statuses": WhatsAppMessage.Status.choices,
            "events": Event.choices,
            "status": status,
            "event": event,
            "phone": phone,
            "query": query.urlencode(),
        },
    )


@login_required
@require_POST
def message_retry(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "outbox.view_task_health")
    message = get_object_or_404(WhatsAppMessage, pk=pk)
    try:
        services.whatsapp_message_retry(message=message, actor=request.user)
    except (ApplicationError, services.OutboxEvent.DoesNotExist) as exc:
        messages.error(request, str(getattr(exc, "message", _("This message cannot be retried."))))
    else:
        messages.success(request, _("The message is queued again."))
    return redirect("whatsapp:message_list")


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "whatsapp.manage_whatsapp")
    templates = list(WhatsAppTemplate.objects.order_by("event"))
    return render(request, "whatsapp/template_list.html", {"templates": templates})


@login_required
def template_update(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "whatsapp.manage_whatsapp")
    template = get_object_or_404(WhatsAppTemplate, pk=pk)
    initial = {
        "name": template.name,
        "language": template.language,
        "parameters": ", ".join(template.parameters or []),
        "is_active": template.is_active,
    }
    form = WhatsAppTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.whatsapp_template_update(
                actor=request.user,
                template=template,
                name=form.cleaned_data["name"],
                language=form.cleaned_data["language"],
                parameters=form.cleaned_data["parameters"].split(","),
                is_active=form.cleaned_data["is_active"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The template was saved."))
            return redirect("whatsapp:template_list")
    return render(request, "whatsapp/template_form.html", {"form": form, "template": template})


@login_required
def settings_edit(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "whatsapp.manage_whatsapp")
    current = services.settings_get()
    initial = {
        "is_enabled": current.is_enabled,
        "phone_number_id": current.phone_number_id,
        "business_account_id": current.business_account_id,
        "default_language": current.default_language,
        "enabled_events": current.enabled_events,
    }
    form = WhatsAppSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.whatsapp_settings_update(actor=request.user, **form.cleaned_data)
        messages.success(request, _("WhatsApp settings were saved."))
        return redirect("whatsapp:settings")
    return render(
        request,
        "whatsapp/settings.html",
        {
            "form": form,
            "use_whatsapp": settings.USE_WHATSAPP,
            "has_token": bool(settings.WHATSAPP_TOKEN),
            "has_secret": bool(settings.WHATSAPP_APP_SECRET),
            "has_verify_token": bool(settings.WHATSAPP_VERIFY_TOKEN),
        },
    )
