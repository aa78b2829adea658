"""Installation pages: orders to schedule (with the debt check), scheduling, the installation list (filters, search,
keyset pages, Excel export), detail with actions, timeline and payments, the daily schedule per team (print), the
week calendar, the team's mobile day page, re-work requests, and the teams/technicians/drivers/vehicles/missions
lists. Thin: services write, selectors read."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from erp.accounts.access import access_for, require_perm
from erp.accounts.models import Branch, SecurityEvent
from erp.accounts.scoping import scope_for
from erp.accounts.services import security_event_record
from erp.core.exceptions import ApplicationError
from erp.core.exportjobs import export_response
from erp.core.files import private_file_response
from erp.core.filters import StyledFilterSet, filter_form
from erp.core.keyset import keyset_page
from erp.core.paging import paginate
from erp.installations import filters as f
from erp.installations import forms, selectors, services
from erp.installations.models import (
    Driver,
    Installation,
    ModificationRequest,
    Team,
    Technician,
    Vehicle,
    VehicleMission,
)

VIEW = "installations.view_installations"
MANAGE = services.MANAGE
S = Installation.Status


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, ApplicationError):
        return str(exc.message)
    return str(exc)


def _crew(data: dict[str, Any]) -> services.Crew:
    return services.Crew(
        scheduled_date=data.get("scheduled_date"),
        scheduled_time=data.get("scheduled_time"),
        team=data.get("team"),
        technicians=list(data.get("technicians") or ()),
        driver=data.get("driver"),
        vehicle=data.get("vehicle"),
    )


# ---------------------------------------------------------------------------------------------------------------
# Scheduling


@login_required
def needs_scheduling(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, MANAGE)
    page = keyset_page(selectors.needs_scheduling(actor=request.user), order=("-id",), cursor=request.GET.get("after"))
    rows = [(o, services.debt_warning(o)) for o in page.rows]
    return render(request, "installations/needs_scheduling.html", {"page": page, "rows": rows, "query": ""})


@login_required
def schedule_create(request: HttpRequest, order_pk: int) -> HttpResponse:
    require_perm(request.user, MANAGE)
    order = get_object_or_404(selectors.needs_scheduling(actor=request.user), pk=order_pk)
    warning = services.debt_warning(order)
    form = forms.ScheduleForm(
        request.POST or None,
        initial={"address": order.delivery_address or order.customer.address, "scheduled_date": None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            installation = services.installation_schedule(
                actor=request.user,
                order=order,
                crew=_crew(data),
                address=data["address"],
                location_type=data["location_type"],
                windows_count=data["windows_count"],
                notes=data["notes"],
                debt_confirmed=data["debt_confirmed"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Installation %(number)s was created.") % {"number": installation.number})
            return redirect("installations:installation_detail", pk=installation.pk)
    return render(
        request,
        "installations/schedule_form.html",
        {"order": order, "form": form, "warning": warning},
        status=400 if form.errors else 200,
    )


@login_required
def installation_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, MANAGE)
    installation = get_object_or_404(
        selectors.installation_base(actor=request.user).select_related("order", "order__customer"), pk=pk
    )
    initial = {
        "scheduled_date": installation.scheduled_date,
        "scheduled_time": installation.scheduled_time,
        "team": installation.team_id,
        "driver": installation.driver_id,
        "vehicle": installation.vehicle_id,
    }
    form = forms.RescheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.installation_reschedule(
                actor=request.user,
                installation=installation,
                crew=_crew(form.cleaned_data),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The installation was scheduled."))
            return redirect("installations:installation_detail", pk=pk)
    return render(
        request,
        "installations/reschedule_form.html",
        {"installation": installation, "form": form},
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------------------------------------------------------
# List, detail and actions


@login_required
def installation_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, VIEW)
    try:
        installations = selectors.installation_list(actor=request.user, filters=request.GET)
    except ValidationError:
        installations = Installation.objects.none()
    access = access_for(request.user)
    if request.GET.get("export") == "xlsx":
        require_perm(request.user, "installations.export_installations")
        return _installations_xlsx(request, installations)
    ordering = request.GET.get("ordering", "-id")
    order = selectors.SORTS.get(ordering, selectors.SORTS["-id"])
    page = keyset_page(installations, order=order, cursor=request.GET.get("after"))
    query = request.GET.copy()
    query.pop("after", None)
    sort_query = query.copy()
    sort_query.pop("ordering", None)
    return render(
        request,
        "installations/installation_list.html",
        {
            "page": page,
            "filter_form": filter_form(f.InstallationFilter, request.GET, actor=request.user),
            "ordering": ordering,
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "can_export": access.has_perm("installations.export_installations"),
            "can_manage": access.has_perm(MANAGE),
        },
    )


def _installations_xlsx(request: HttpRequest, installations: QuerySet[Installation]) -> HttpResponse:
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT, user=request.user, request=request, detail={"what": "installations"}
    )
    return export_response(request, kind="installations", queryset=installations)


@login_required
def installation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, VIEW)
    installation = selectors.installation_get_for_user(actor=request.user, pk=pk)
    access = access_for(request.user)
    targets = services.allowed_targets(installation=installation, user=request.user)
    return render(
        request,
        "installations/installation_detail.html",
        {
            "installation": installation,
            "order": installation.order,
            "technicians": list(installation.technicians.all()),
            "events": [
                (e, list(e.details.items()) if isinstance(e.details, dict) else []) for e in installation.events.all()
            ],
            "modifications": list(installation.modifications.all()),
            "payments": selectors.order_payments(order_id=installation.order_id),
            "targets": targets,
            "can_manage": access.has_perm(MANAGE),
            "can_modify": access.has_perm(MANAGE)
            and installation.status
            in (S.COMPLETED, S.MODIFICATION_REQUIRED, S.MODIFICATION_IN_PROGRESS, S.MODIFICATION_COMPLETED),
        },
    )


def _scoped(request: HttpRequest, pk: int) -> Installation:
    return get_object_or_404(selectors.installation_base(actor=request.user), pk=pk)


@login_required
@require_POST
def installation_start(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, MANAGE)
    installation = _scoped(request, pk)
    try:
        services.installation_start(actor=request.user, installation=installation)
    except (ValidationError, ApplicationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The installation has started."))
    return redirect(_next_url(request, installation_url(pk)))


def installation_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("installations:installation_detail", kwargs={"pk": pk})


@login_required
def installation_complete(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, MANAGE)
    installation = get_object_or_404(
        selectors.installation_base(actor=request.user).select_related("order", "order__customer"), pk=pk
    )
    form = forms.CompleteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        payments = (
            [services.DoorPayment(amount=data["amount"], method=data["method"], reference=data["reference"])]
            if data.get("amount")
            else []
        )
        try:
            services.installation_complete(
                actor=request.user,
                installation=installation,
                payments=payments,
                receipt_number=data["receipt_number"],
                receipt_file=data.get("receipt_file"),
                receipt_notes=data["receipt_notes"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The installation is completed."))
            return redirect(_next_url(request, installation_url(pk)))
    return render(
        request,
        "installations/complete_form.html",
        {"installation": installation, "order": installation.order, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def installation_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, MANAGE)
    installation = _scoped(request, pk)
    try:
        services.installation_cancel(
            actor=request.user, installation=installation, reason=request.POST.get("reason", "")
        )
    except (ValidationError, ApplicationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The installation was cancelled."))
    return redirect("installations:installation_detail", pk=pk)


@login_required
def installation_receipt(request: HttpRequest, pk: int) -> FileResponse:
    require_perm(request.user, VIEW)
    installation = _scoped(request, pk)
    if not installation.receipt_file:
        raise Http404
    return private_file_response(installation.receipt_file, f"{installation.number}-receipt")


# ---------------------------------------------------------------------------------------------------------------
# Schedules: a day per team (print), the week, and the team's mobile page


def _day(request: HttpRequest) -> date:
    return parse_date(request.GET.get("date") or "") or timezone.localdate()


def _team_id(request: HttpRequest) -> int | None:
    value = request.GET.get("team") or ""
    return int(value) if value.isdigit() else None


def _teams() -> list[Team]:
    return list(Team.objects.filter(is_active=True).order_by("name", "id"))


@login_required
def daily_schedule(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, VIEW)
    day = _day(request)
    team_id = _team_id(request)
    rows = selectors.day_schedule(actor=request.user, day=day, team_id=team_id)
    groups: dict[Any, list[Installation]] = {}
    for row in rows:
        groups.setdefault(row.team, []).append(row)
    return render(
        request,
        "installations/daily_schedule.html",
        {
            "day": day,
            "team_id": team_id,
            "teams": _teams(),
            "groups": list(groups.items()),
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
        },
    )


@login_required
def week_calendar(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, VIEW)
    start = parse_date(request.GET.get("start") or "") or timezone.localdate()
    start = start - timedelta(days=(start.weekday() + 2) % 7)  # weeks start on Saturday
    days = [start + timedelta(days=n) for n in range(7)]
    rows = selectors.range_schedule(actor=request.user, start=days[0], end=days[-1])
    by_day: dict[date, list[Installation]] = {d: [] for d in days}
    for row in rows:
        if row.scheduled_date is not None:
            by_day[row.scheduled_date].append(row)
    return render(
        request,
        "installations/week_calendar.html",
        {
            "columns": list(by_day.items()),
            "today": timezone.localdate(),
            "previous": start - timedelta(days=7),
            "next": start + timedelta(days=7),
        },
    )


@login_required
def team_day(request: HttpRequest, team_pk: int | None = None) -> HttpResponse:
    """The field page: choose the team, then its jobs of the day, each with one-tap start and complete."""
    require_perm(request.user, MANAGE)
    day = _day(request)
    team = get_object_or_404(Team, pk=team_pk) if team_pk else None
    rows = selectors.day_schedule(actor=request.user, day=day, team_id=team.pk) if team else []
    return render(
        request,
        "installations/team_day.html",
        {"day": day, "team": team, "teams": [] if team else _teams(), "rows": rows, "here": request.get_full_path()},
    )


# ---------------------------------------------------------------------------------------------------------------
# Modification requests


@login_required
def modification_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, VIEW)
    try:
        requests_ = selectors.modification_list(actor=request.user, filters=request.GET)
    except ValidationError:
        requests_ = ModificationRequest.objects.none()
    page = keyset_page(requests_, order=("-id",), cursor=request.GET.get("after"))
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "installations/modification_list.html",
        {
            "page": page,
            "filter_form": filter_form(f.ModificationRequestFilter, request.GET, actor=request.user),
            "query": query.urlencode(),
        },
    )


@login_required
def modification_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, MANAGE)
    installation = get_object_or_404(
        selectors.installation_base(actor=request.user).select_related("order", "order__customer"), pk=pk
    )
    form = forms.ModificationRequestForm(request.POST or None)
    items = forms.ModificationItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and form.is_valid() and items.is_valid():
        rows = [
            services.ModificationItemInput(
                description=i["description"], new_meters=i["new_meters"], notes=i.get("notes", "")
            )
            for i in items.cleaned_data
            if i and i.get("description")
        ]
        try:
            created = services.modification_request_create(
                actor=request.user, installation=installation, items=rows, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The modification request was opened."))
            return redirect("installations:modification_detail", pk=created.pk)
    return render(
        request,
        "installations/modification_form.html",
        {"installation": installation, "form": form, "items": items},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def modification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, VIEW)
    obj = selectors.modification_get_for_user(actor=request.user, pk=pk)
    targets = services.request_allowed_targets(request=obj, user=request.user)
    return render(
        request,
        "installations/modification_detail.html",
        {
            "obj": obj,
            "items": list(obj.items.all()),
            "targets": [(t, ModificationRequest.Status(t).label) for t in targets],
        },
    )


@login_required
@require_POST
def modification_action(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, VIEW)
    obj = get_object_or_404(selectors.modification_base(actor=request.user), pk=pk)
    form = forms.RequestActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid action."))
        return redirect("installations:modification_detail", pk=pk)
    try:
        services.modification_request_transition(
            actor=request.user, request=obj, to=form.cleaned_data["to"], reason=form.cleaned_data["reason"]
        )
    except (ValidationError, ApplicationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The request was updated."))
    return redirect("installations:modification_detail", pk=pk)


# ---------------------------------------------------------------------------------------------------------------
# Teams, technicians, drivers, vehicles, missions: one list page with an add form each, and an edit page


@dataclass(frozen=True)
class Resource:
    key: str
    title: Any
    perm: str
    model: type[Model]
    form: type[Any]
    filterset: type[StyledFilterSet]
    related: tuple[str, ...]
    ordering: tuple[str, ...]
    headers: tuple[Any, ...]
    cells: Callable[[Any], list[Any]]
    save: Callable[..., Any]
    form_kwargs: Callable[[HttpRequest], dict[str, Any]] = lambda request: {}
    # Rows of a big table that the list shows, fetched by primary key for the page (not joined: see
    # selectors.modification_list on the merge join that walked every installation).
    prefetched: tuple[str, ...] = ()


def _yes(value: bool) -> str:
    return _("Yes") if value else _("No")


def _branches(request: HttpRequest) -> dict[str, Any]:
    return {"branches": scope_for(request.user, "branches", Branch.objects.filter(is_active=True)).order_by("code")}


RESOURCES: dict[str, Resource] = {
    "team": Resource(
        "team",
        gettext_lazy("Installation teams"),
        "installations.manage_teams",
        Team,
        forms.TeamForm,
        f.TeamFilter,
        ("branch",),
        ("name", "id"),
        (gettext_lazy("Name"), gettext_lazy("Branch"), gettext_lazy("Active")),
        lambda o: [o.name, o.branch.name, _yes(o.is_active)],
        lambda actor, obj, **data: services.team_save(actor=actor, team=obj, **data),
        _branches,
    ),
    "technician": Resource(
        "technician",
        gettext_lazy("Technicians"),
        "installations.manage_teams",
        Technician,
        forms.TechnicianForm,
        f.PersonFilter,
        ("team",),
        ("name", "id"),
        (gettext_lazy("Name"), gettext_lazy("Phone"), gettext_lazy("Team"), gettext_lazy("Active")),
        lambda o: [o.name, o.phone, o.team.name if o.team else "—", _yes(o.is_active)],
        lambda actor, obj, **data: services.technician_save(actor=actor, technician=obj, **data),
    ),
    "driver": Resource(
        "driver",
        gettext_lazy("Drivers"),
        "installations.manage_fleet",
        Driver,
        forms.DriverForm,
        f.PersonFilter,
        (),
        ("name", "id"),
        (gettext_lazy("Name"), gettext_lazy("Phone"), gettext_lazy("Active")),
        lambda o: [o.name, o.phone, _yes(o.is_active)],
        lambda actor, obj, **data: services.driver_save(actor=actor, driver=obj, **data),
    ),
    "vehicle": Resource(
        "vehicle",
        gettext_lazy("Vehicles"),
        "installations.manage_fleet",
        Vehicle,
        forms.VehicleForm,
        f.VehicleFilter,
        (),
        ("plate", "id"),
        (gettext_lazy("Plate"), gettext_lazy("Type"), gettext_lazy("Status")),
        lambda o: [o.plate, o.get_vehicle_type_display(), o.get_status_display()],
        lambda actor, obj, **data: services.vehicle_save(actor=actor, vehicle=obj, **data),
    ),
    "mission": Resource(
        "mission",
        gettext_lazy("Vehicle missions"),
        "installations.manage_fleet",
        VehicleMission,
        forms.MissionForm,
        f.MissionFilter,
        ("vehicle", "driver"),
        ("-mission_date", "-id"),
        (
            gettext_lazy("Date"),
            gettext_lazy("Vehicle"),
            gettext_lazy("Driver"),
            gettext_lazy("Kind"),
            gettext_lazy("Status"),
            gettext_lazy("Installation"),
        ),
        lambda o: [
            o.mission_date,
            o.vehicle.plate,
            o.driver.name if o.driver else "—",
            o.get_kind_display(),
            o.get_status_display(),
            o.installation.number if o.installation else "—",
        ],
        lambda actor, obj, **data: services.mission_save(
            actor=actor, mission=obj, installation=obj.installation if obj else None, **data
        ),
        prefetched=("installation",),
    ),
}


def _resource_form(res: Resource, request: HttpRequest, instance: Any = None) -> Any:
    return res.form(request.POST or None, instance=instance, **res.form_kwargs(request))


def _resource_save(res: Resource, request: HttpRequest, form: Any, instance: Any) -> Any:
    data = {name: form.cleaned_data[name] for name in form.Meta.fields}
    try:
        return res.save(request.user, instance, **data)
    except ValidationError as exc:
        form.add_service_errors(exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages})
    return None


def resource_list(request: HttpRequest, key: str) -> HttpResponse:
    res = RESOURCES[key]
    require_perm(request.user, res.perm)
    form = _resource_form(res, request)
    if request.method == "POST" and form.is_valid() and _resource_save(res, request, form, None) is not None:
        messages.success(request, _("Saved."))
        return redirect(f"installations:{key}_list")
    from erp.core.filters import apply_filter

    try:
        base = res.model.objects.select_related(*res.related).prefetch_related(*res.prefetched)  # type: ignore[attr-defined]
        rows = apply_filter(res.filterset, request.GET, base, actor=request.user)
    except ValidationError:
        rows = res.model.objects.none()  # type: ignore[attr-defined]
    page = paginate(request, rows.order_by(*res.ordering))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "installations/resource_list.html",
        {
            "res": res,
            "page": page,
            "rows": [(o, res.cells(o)) for o in page.object_list],
            "form": form,
            "filter_form": filter_form(res.filterset, request.GET, actor=request.user),
            "query": query.urlencode(),
            "edit_url": f"installations:{key}_edit",
            "tabs": _tabs(request, key),
        },
        status=400 if form.errors else 200,
    )


def resource_edit(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    res = RESOURCES[key]
    require_perm(request.user, res.perm)
    instance = get_object_or_404(res.model.objects.select_related(*res.related), pk=pk)  # type: ignore[attr-defined]
    form = _resource_form(res, request, instance)
    if request.method == "POST" and form.is_valid() and _resource_save(res, request, form, instance) is not None:
        messages.success(request, _("Saved."))
        return redirect(f"installations:{key}_list")
    return render(
        request,
        "installations/resource_edit.html",
        {
            "res": res,
            "form": form,
            "obj": instance,
            "list_url": f"installations:{key}_list",
            "tabs": _tabs(request, key),
        },
        status=400 if form.errors else 200,
    )


def _tabs(request: HttpRequest, current: str) -> list[tuple[str, Any, bool]]:
    access = access_for(request.user)
    return [(f"installations:{k}_list", r.title, k == current) for k, r in RESOURCES.items() if access.has_perm(r.perm)]


def _bind(key: str) -> tuple[Callable[..., HttpResponse], Callable[..., HttpResponse]]:
    @login_required
    def list_view(request: HttpRequest) -> HttpResponse:
        return resource_list(request, key)

    @login_required
    def edit_view(request: HttpRequest, pk: int) -> HttpResponse:
        return resource_edit(request, key, pk)

    list_view.__name__ = f"{key}_list"
    edit_view.__name__ = f"{key}_edit"
    return list_view, edit_view


team_list, team_edit = _bind("team")
technician_list, technician_edit = _bind("technician")
driver_list, driver_edit = _bind("driver")
vehicle_list, vehicle_edit = _bind("vehicle")
mission_list, mission_edit = _bind("mission")
