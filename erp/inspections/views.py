"""Inspection pages: the list (filters, search, keyset pages, Excel export), a standalone request, the detail with
its timeline, files and actions, the schedule form, the technician's "my visits today" (mobile, htmx), a print view
and the permission-checked file download."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from erp.accounts.access import access_for, require_perm
from erp.accounts.models import SecurityEvent
from erp.accounts.scoping import scope_for
from erp.accounts.services import security_event_record
from erp.core.exceptions import ApplicationError
from erp.core.exportjobs import export_response
from erp.core.files import private_file_response
from erp.core.filters import filter_form
from erp.core.keyset import keyset_page
from erp.customers.models import Customer
from erp.inspections import selectors, services
from erp.inspections.filters import InspectionFilter
from erp.inspections.forms import CompleteForm, FileForm, InspectionRequestForm, ReasonForm, ScheduleForm
from erp.inspections.models import Inspection, InspectionFile
from erp.inspections.roles import EXPORT, MANAGE, REQUEST, VIEW, WORK

S = Inspection.Status


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, VIEW)
    try:
        inspections = selectors.inspection_list(actor=request.user, filters=request.GET)
    except ValidationError:
        inspections = Inspection.objects.none()
    if request.GET.get("export") == "xlsx":
        require_perm(request.user, EXPORT)
        return _xlsx(request, inspections)
    ordering = request.GET.get("ordering", "-id")
    page = keyset_page(
        inspections, order=selectors.SORTS.get(ordering, selectors.SORTS["-id"]), cursor=request.GET.get("after")
    )
    query = request.GET.copy()
    query.pop("after", None)
    access = access_for(request.user)
    return render(
        request,
        "inspections/inspection_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "filter_form": filter_form(InspectionFilter, request.GET, actor=request.user),
            "can_export": access.has_perm(EXPORT),
            "can_request": access.has_perm(REQUEST),
        },
    )


def _xlsx(request: HttpRequest, inspections: Any) -> HttpResponse:
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT, user=request.user, request=request, detail={"what": "inspections"}
    )
    return export_response(request, kind="inspections", queryset=inspections)


@login_required
def inspection_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, REQUEST)
    form = InspectionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["customer_code"].strip()
        customer = scope_for(request.user, "customers", Customer.objects.all()).filter(code__iexact=code).first()
        if customer is None:
            form.add_error("customer_code", _("No customer of yours has this code."))
        else:
            try:
                inspection = services.inspection_request(
                    actor=request.user,
                    customer=customer,
                    address=form.cleaned_data["address"],
                    notes=form.cleaned_data["notes"],
                    payment_status=form.cleaned_data["payment_status"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc.message_dict)
            else:
                messages.success(request, _("Inspection %(number)s was created.") % {"number": inspection.number})
                return redirect("inspections:inspection_detail", pk=inspection.pk)
    return render(request, "inspections/inspection_form.html", {"form": form}, status=400 if form.errors else 200)


def _detail_context(request: HttpRequest, inspection: Inspection, **extra: Any) -> dict[str, Any]:
    access = access_for(request.user)
    targets = services.inspection_allowed_targets(inspection=inspection, user=request.user)
    own = inspection.technician_id == access.user_id
    return {
        "inspection": inspection,
        "events": list(inspection.events.all()),
        "files": list(inspection.files.all()),
        "iterations": list(inspection.iterations.all()),
        "targets": targets,
        "can_schedule": S.SCHEDULED in targets,
        "can_iterate": access.has_perm(MANAGE) and inspection.status == S.COMPLETED,
        "can_upload": inspection.status != S.CANCELLED and (access.has_perm(MANAGE) or (access.has_perm(WORK) and own)),
        "complete_form": extra.pop("complete_form", None)
        or (CompleteForm(initial={"payment_status": inspection.payment_status}) if S.COMPLETED in targets else None),
        "file_form": extra.pop("file_form", None) or FileForm(),
        **extra,
    }


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, VIEW)
    inspection = selectors.inspection_get_for_user(actor=request.user, pk=pk)
    return render(request, "inspections/inspection_detail.html", _detail_context(request, inspection))


@login_required
def inspection_print(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, VIEW)
    inspection = selectors.inspection_get_for_user(actor=request.user, pk=pk)
    return render(
        request,
        "inspections/inspection_print.html",
        {"inspection": inspection, "events": list(inspection.events.all()), "files": list(inspection.files.all())},
    )


@login_required
def inspection_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, MANAGE)
    inspection = get_object_or_404(
        selectors.inspection_base(actor=request.user).select_related("customer", "technician"), pk=pk
    )
    initial = {
        "scheduled_date": inspection.scheduled_date or timezone.localdate(),
        "scheduled_time": inspection.scheduled_time,
        "technician": inspection.technician_id,
    }
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.inspection_schedule(
                inspection=inspection,
                actor=request.user,
                scheduled_date=form.cleaned_data["scheduled_date"],
                scheduled_time=form.cleaned_data["scheduled_time"],
                technician=form.cleaned_data["technician"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The inspection is scheduled."))
            return redirect("inspections:inspection_detail", pk=pk)
    return render(
        request,
        "inspections/inspection_schedule.html",
        {"inspection": inspection, "form": form},
        status=400 if form.errors else 200,
    )


def _card(request: HttpRequest, pk: int, *, error: str = "", form: Any = None) -> HttpResponse:
    """The visit's card, re-rendered for htmx. Always 200: htmx does not swap 4xx answers, and the card carries the
    error next to the field (the request itself is refused: nothing was saved)."""
    inspection = get_object_or_404(
        selectors.inspection_base(actor=request.user).select_related("customer", "branch"), pk=pk
    )
    return render(
        request,
        "inspections/_visit_card.html",
        {
            "v": inspection,
            "error": error,
            "form": form or CompleteForm(initial={"payment_status": inspection.payment_status}),
        },
    )


@login_required
@require_POST
def inspection_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Start, complete, postpone or cancel (the detail page's buttons and the technician's one-tap cards)."""
    require_perm(request.user, VIEW)
    inspection = get_object_or_404(selectors.inspection_base(actor=request.user), pk=pk)
    htmx = bool(request.headers.get("HX-Request"))
    form = ReasonForm(request.POST)
    if not form.is_valid():
        error = _("Choose a valid status.")
        if htmx:
            return _card(request, pk, error=error)
        messages.error(request, error)
        return redirect("inspections:inspection_detail", pk=pk)
    to = form.cleaned_data["to"]
    fields: dict[str, Any] = {}
    complete_form = None
    if to == S.COMPLETED:
        complete_form = CompleteForm(request.POST, request.FILES)
        if not complete_form.is_valid():
            if htmx:
                return _card(request, pk, form=complete_form)
            full = selectors.inspection_get_for_user(actor=request.user, pk=pk)
            return render(
                request,
                "inspections/inspection_detail.html",
                _detail_context(request, full, complete_form=complete_form),
                status=400,
            )
        data = complete_form.cleaned_data
        fields = {
            "result": data["result"],
            "windows_count": data["windows_count"],
            "payment_status": data["payment_status"],
            "files": [data["file"]] if data.get("file") else [],
        }
        form.cleaned_data["reason"] = data["reason"] or form.cleaned_data["reason"]
    error = ""
    try:
        services.inspection_transition(
            inspection=inspection, actor=request.user, to=to, reason=form.cleaned_data["reason"], **fields
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    except ApplicationError as exc:
        error = str(exc.message)
    if htmx:
        return _card(request, pk, error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("The inspection is now “%(status)s”.") % {"status": S(to).label})
    return redirect("inspections:inspection_detail", pk=pk)


@login_required
@require_POST
def inspection_iterate(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, MANAGE)
    inspection = get_object_or_404(selectors.inspection_base(actor=request.user), pk=pk)
    try:
        child = services.inspection_iterate(inspection=inspection, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("inspections:inspection_detail", pk=pk)
    messages.success(request, _("Repeat visit %(number)s was created.") % {"number": child.number})
    return redirect("inspections:inspection_detail", pk=child.pk)


@login_required
@require_POST
def inspection_file_add(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, VIEW)
    inspection = get_object_or_404(selectors.inspection_base(actor=request.user), pk=pk)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.inspection_file_add(inspection=inspection, actor=request.user, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            for messages_ in exc.message_dict.values():
                for message in messages_:
                    form.add_error("file", message)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            return redirect("inspections:inspection_detail", pk=pk)
        else:
            messages.success(request, _("The file was added."))
            return redirect("inspections:inspection_detail", pk=pk)
    full = selectors.inspection_get_for_user(actor=request.user, pk=pk)
    return render(
        request, "inspections/inspection_detail.html", _detail_context(request, full, file_form=form), status=400
    )


@login_required
def inspection_file_download(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    """A private file, only for someone who may see its inspection (404 otherwise)."""
    require_perm(request.user, VIEW)
    stored = get_object_or_404(
        InspectionFile.objects.filter(inspection__in=selectors.inspection_base(actor=request.user)),
        pk=file_id,
        inspection_id=pk,
    )
    return private_file_response(stored.file, stored.original_name)


@login_required
def my_visits(request: HttpRequest) -> HttpResponse:
    """The technician's visits of the day (mobile layout; one-tap start / complete / postpone with htmx)."""
    require_perm(request.user, WORK)
    day = timezone.localdate()
    visits = list(selectors.visits_of_day(actor=request.user, day=day))
    return render(
        request,
        "inspections/my_visits.html",
        {"visits": visits, "day": day, "form": CompleteForm()},
    )
