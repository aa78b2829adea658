"""The task-health page: outbox numbers, queue depths, and the events list (failed first) with a retry action."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from erp.accounts.access import require_perm
from erp.core.exceptions import ApplicationError
from erp.core.keyset import keyset_page
from erp.outbox import selectors, services
from erp.outbox.models import OutboxEvent


@login_required
def task_health(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "outbox.view_task_health")
    status = request.GET.get("status", OutboxEvent.Status.FAILED)
    if status not in OutboxEvent.Status.values and status != "all":
        status = OutboxEvent.Status.FAILED
    topic = request.GET.get("topic", "").strip()[:80]
    events = selectors.event_list(status="" if status == "all" else status, topic=topic)
    page = keyset_page(events, order=("-id",), cursor=request.GET.get("after"), size=50)
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "outbox/task_health.html",
        {
            "health": selectors.outbox_health(),
            "queues": selectors.queue_depths(),
            "page": page,
            "status": status,
            "topic": topic,
            "statuses": OutboxEvent.Status.choices,
            "query": query.urlencode(),
        },
    )


@login_required
@require_POST
def event_retry(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "outbox.view_task_health")
    event = get_object_or_404(OutboxEvent, pk=pk)
    try:
        services.outbox_retry(event=event, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The event is queued again."))
    return redirect("outbox:task_health")
