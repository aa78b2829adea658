"""Complaint pages: thin views that authorise, call one selector or service and render what they fetched."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from erp.accounts.access import access_for, require_perm
from erp.accounts.models import SecurityEvent
from erp.accounts.scoping import scope_for
from erp.accounts.services import security_event_record
from erp.complaints import selectors, services
from erp.complaints.filters import ComplaintFilter
from erp.complaints.forms import (
    AssignForm,
    CalendarForm,
    CommentForm,
    ComplaintForm,
    ComplaintTypeForm,
    EvaluationForm,
    HolidayForm,
)
from erp.complaints.models import Complaint, ComplaintAttachment, ComplaintType, Holiday
from erp.core.exceptions import ApplicationError, NotFoundError
from erp.core.exportjobs import export_response
from erp.core.filters import SEARCH_MIN_LENGTH, filter_form, searchable
from erp.core.keyset import keyset_page
from erp.core.text import normalize_search

VIEW, CREATE, MANAGE = services.VIEW, services.CREATE, services.MANAGE
S = Complaint.Status


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("after", None)
    query.pop("export", None)
    return query.urlencode()


def _error(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, str(getattr(exc, "message", exc)))


def _form_error(form: Any, exc: Exception) -> None:
    from erp.accounts.forms import apply_service_errors

    if isinstance(exc, ValidationError):
        apply_service_errors(form, exc)
    else:
        form.add_error(None, str(getattr(exc, "message", exc)))


def _get(request: HttpRequest, pk: int) -> Complaint:
    try:
        return selectors.complaint_get_for_user(actor=request.user, pk=pk)
    except NotFoundError as exc:
        raise Http404 from exc


# ---------------------------------------------------------------------------------------------------------------
# List, export, dashboard


@login_required
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, VIEW)
    access = access_for(request.user)
    try:
        qs = selectors.complaint_list_filtered(actor=request.user, filters=request.GET)
    except ValidationError:
        qs = Complaint.objects.none()
    if request.GET.get("export") == "xlsx":
        require_perm(request.user, "complaints.export_complaints")
        security_event_record(
            kind=SecurityEvent.Kind.EXPORT, user=request.user, request=request, detail={"what": "complaints"}
        )
        return export_response(request, kind="complaints", queryset=qs)
    page = keyset_page(qs, order=("-id",), cursor=request.GET.get("after"))
    return render(
        request,
        "complaints/complaint_list.html",
        {
            "page": page,
            "filter_form": filter_form(ComplaintFilter, request.GET, actor=request.user),
            "query": _query(request),
            "can_create": access.has_perm(CREATE),
            "can_export": access.has_perm("complaints.export_complaints"),
        },
    )


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, MANAGE)
    data = selectors.dashboard(actor=request.user)
    statuses, priorities = dict(S.choices), dict(Complaint._meta.get_field("priority").choices or [])
    for row in data["by_status"]:
        row["label"] = statuses.get(row["status"], row["status"])
    for row in data["by_priority"]:
        row["label"] = priorities.get(row["priority"], row["priority"])
    roles = dict(Complaint._meta.get_field("assigned_role").choices or [])
    for row in data["by_assignee"]:
        name = " ".join(p for p in (row["assigned_to__first_name"], row["assigned_to__last_name"]) if p)
        row["label"] = name or row["assigned_to__username"] or roles.get(row["assigned_role"]) or _("Unassigned")
    avg = data["avg_resolution"]
    data["avg_hours"] = round(avg.total_seconds() / 3600, 1) if avg else None
    return render(request, "complaints/dashboard.html", {"data": data})


# ---------------------------------------------------------------------------------------------------------------
# Filing


def _customer_in_scope(request: HttpRequest, pk: Any) -> Any:
    from erp.customers.models import Customer

    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return scope_for(request.user, "customers", Customer.objects.all()).filter(pk=pk).first()


def _orders_of(request: HttpRequest, customer: Any) -> Any:
    from erp.orders.models import Order

    if customer is None:
        return None
    return scope_for(request.user, "orders", Order.objects.filter(customer=customer)).order_by("-id")[:50]


@login_required
@require_http_methods(["GET", "POST"])
def complaint_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, CREATE)
    customer = _customer_in_scope(request, request.POST.get("customer") or request.GET.get("customer"))
    orders = _orders_of(request, customer)
    initial = {"customer": customer.pk if customer else None, "related_order": request.GET.get("order")}
    form = ComplaintForm(request.POST or None, orders=orders, initial=initial)
    if request.method == "POST" and form.is_valid():
        if customer is None:
            form.add_error(None, _("Choose the customer."))
        else:
            data = form.cleaned_data
            try:
                complaint = services.complaint_create(
                    actor=request.user,
                    customer=customer,
                    complaint_type=data["complaint_type"],
                    title=data["title"],
                    description=data["description"],
                    priority=data["priority"] or None,
                    related_order=data["related_order"],
                )
            except (ValidationError, ApplicationError) as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Complaint %(n)s was filed.") % {"n": complaint.number})
                return redirect("complaints:complaint_detail", pk=complaint.pk)
    return render(request, "complaints/complaint_form.html", {"form": form, "customer": customer})


@login_required
@require_GET
def customer_options(request: HttpRequest) -> HttpResponse:
    """Customers matching `q` (name, code, phone; Arabic-normalised), in scope, for the filing form (htmx)."""
    require_perm(request.user, CREATE)
    from erp.customers.models import Customer

    term = normalize_search(request.GET.get("q", ""))
    rows: list[Any] = []
    if searchable(term):
        rows = list(
            scope_for(request.user, "customers", Customer.objects.all())
            .filter(search_text__contains=term)
            .only("pk", "name", "code", "phone")
            .order_by("name", "pk")[:20]
        )
    return render(
        request,
        "complaints/_customer_options.html",
        {"rows": rows, "term": term, "too_short": bool(term) and not searchable(term), "min_length": SEARCH_MIN_LENGTH},
    )


# ---------------------------------------------------------------------------------------------------------------
# Detail and actions


@login_required
@require_GET
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, VIEW)
    complaint = _get(request, pk)
    allowed = services.complaint_allowed_targets(complaint=complaint, user=request.user)
    can = services.complaint_can(complaint=complaint, user=request.user)
    updates = list(complaint.updates.all())
    labels = dict(S.choices)
    timeline = [
        {
            "update": u,
            "from": labels.get(u.from_status, u.from_status),
            "to": labels.get(u.to_status, u.to_status),
            "files": list(u.attachments.all()),
        }
        for u in updates
    ]
    evaluation = getattr(complaint, "evaluation", None) if services._has_evaluation(complaint) else None
    return render(
        request,
        "complaints/complaint_detail.html",
        {
            "complaint": complaint,
            "timeline": timeline,
            "evaluation": evaluation,
            "actions": [(t, _action_label(complaint.status, t)) for t in allowed],
            "needs_reason": [t for t in allowed if (complaint.status, t) in services.NEEDS_REASON],
            "can": can,
            "assign_form": AssignForm() if can["assign"] else None,
            "comment_form": CommentForm(),
            "evaluation_form": EvaluationForm(initial=_evaluation_initial(evaluation)) if can["evaluate"] else None,
            "evaluation_missing": complaint.status == S.PENDING_EVALUATION and evaluation is None,
        },
    )


def _evaluation_initial(evaluation: Any) -> dict[str, Any]:
    if evaluation is None:
        return {"would_recommend": True}
    fields = ("overall", "response_speed", "solution_quality", "staff", "would_recommend", "comment")
    return {f: getattr(evaluation, f) for f in fields}


def _action_label(current: str, to: str) -> str:
    if to == S.IN_PROGRESS:
        return _("Start working") if current == S.NEW else _("Reopen")
    labels: dict[str, str] = {
        S.RESOLVED: _("Mark resolved"),
        S.PENDING_EVALUATION: _("Send for the customer's evaluation"),
        S.CLOSED: _("Close"),
    }
    return labels.get(to, to)


@login_required
@require_POST
def complaint_action(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, VIEW)
    complaint = _get(request, pk)
    to = request.POST.get("to", "")
    try:
        services.complaint_transition(
            actor=request.user, complaint=complaint, to=to, reason=request.POST.get("reason", "")
        )
    except (ValidationError, ApplicationError) as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Complaint %(n)s is now %(s)s.") % {"n": complaint.number, "s": S(to).label})
    return redirect("complaints:complaint_detail", pk=pk)


@login_required
@require_POST
def complaint_assign(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, MANAGE)
    complaint = _get(request, pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("complaints:complaint_detail", pk=pk)
    try:
        services.complaint_assign(
            actor=request.user,
            complaint=complaint,
            user=form.cleaned_data["assigned_to"],
            role=form.cleaned_data["assigned_role"],
            note=form.cleaned_data["note"],
        )
    except (ValidationError, ApplicationError) as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The complaint was assigned."))
    return redirect("complaints:complaint_detail", pk=pk)


@login_required
@require_POST
def complaint_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, VIEW)
    complaint = _get(request, pk)
    try:
        services.complaint_escalate(actor=request.user, complaint=complaint, reason=request.POST.get("reason", ""))
    except (ValidationError, ApplicationError) as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The complaint was escalated."))
    return redirect("complaints:complaint_detail", pk=pk)


@login_required
@require_POST
def complaint_comment(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, VIEW)
    complaint = _get(request, pk)
    form = CommentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("complaints:complaint_detail", pk=pk)
    try:
        services.complaint_comment(
            actor=request.user, complaint=complaint, text=form.cleaned_data["text"], files=form.cleaned_data["files"]
        )
    except (ValidationError, ApplicationError) as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Your comment was added."))
    return redirect("complaints:complaint_detail", pk=pk)


@login_required
@require_POST
def complaint_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, VIEW)
    complaint = _get(request, pk)
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Rate every item from 1 to 5."))
        return redirect("complaints:complaint_detail", pk=pk)
    try:
        services.complaint_evaluate(actor=request.user, complaint=complaint, **form.cleaned_data)
    except (ValidationError, ApplicationError) as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The customer's evaluation was recorded."))
    return redirect("complaints:complaint_detail", pk=pk)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    from erp.core.files import private_file_response

    require_perm(request.user, VIEW)
    if not selectors.complaint_list(actor=request.user).filter(pk=pk).exists():
        raise Http404
    attachment = get_object_or_404(ComplaintAttachment, pk=attachment_pk, complaint_id=pk)
    return private_file_response(attachment.file, attachment.name)


# ---------------------------------------------------------------------------------------------------------------
# Complaint types and the business calendar

TYPES = services.MANAGE_TYPES


@login_required
@require_GET
def type_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, TYPES)
    rows = list(selectors.complaint_types().order_by("-is_active", "name_ar", "id"))
    return render(request, "complaints/type_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def type_create(request: HttpRequest) -> HttpResponse:
    return _type_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def type_update(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, TYPES)
    return _type_form(request, get_object_or_404(ComplaintType, pk=pk))


def _type_form(request: HttpRequest, complaint_type: ComplaintType | None) -> HttpResponse:
    require_perm(request.user, TYPES)
    form = ComplaintTypeForm(request.POST or None, instance=complaint_type)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if complaint_type is None:
                saved = services.complaint_type_create(actor=request.user, data=data)
            else:
                saved = services.complaint_type_update(actor=request.user, complaint_type=complaint_type, data=data)
        except (ValidationError, ApplicationError) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Complaint type “%(name)s” was saved.") % {"name": saved.name_ar})
            return redirect("complaints:type_list")
    return render(request, "complaints/type_form.html", {"form": form, "object": complaint_type})


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, TYPES)
    calendar = services.default_calendar()
    form = CalendarForm(request.POST or None, instance=calendar, prefix="cal")
    if request.method == "POST" and form.is_valid():
        try:
            services.calendar_update(
                actor=request.user,
                calendar=calendar,
                name=form.cleaned_data["name"],
                workdays=form.cleaned_data["workdays"],
                day_start=form.cleaned_data["day_start"],
                day_end=form.cleaned_data["day_end"],
            )
        except (ValidationError, ApplicationError) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The business calendar was saved."))
            return redirect("complaints:calendar")
    holidays = list(Holiday.objects.filter(calendar=calendar).order_by("-date", "id")[:100])
    return render(
        request,
        "complaints/calendar.html",
        {"form": form, "holiday_form": HolidayForm(prefix="hol"), "holidays": holidays, "calendar": calendar},
    )


@login_required
@require_POST
def holiday_add(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, TYPES)
    form = HolidayForm(request.POST, prefix="hol")
    if form.is_valid():
        try:
            services.holiday_add(
                actor=request.user,
                calendar=services.default_calendar(),
                day=form.cleaned_data["date"],
                name=form.cleaned_data["name"],
            )
        except (ValidationError, ApplicationError) as exc:
            _error(request, exc)
        else:
            messages.success(request, _("The holiday was added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("complaints:calendar")


@login_required
@require_POST
def holiday_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, TYPES)
    services.holiday_delete(actor=request.user, holiday=get_object_or_404(Holiday, pk=pk))
    messages.success(request, _("The holiday was removed."))
    return redirect("complaints:calendar")
