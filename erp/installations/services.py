"""Installation writes (B §4.8): resources, scheduling with the debt check, start, completion with payments at the
door, cancellation, and re-work requests handed to the factory through `erp.core.hooks`.

The lifecycle (one table; the modification_* moves are made by the re-work services, never by a user directly):

needs_scheduling → scheduled | cancelled
scheduled → in_installation | cancelled (rescheduling keeps it scheduled)
in_installation → completed | cancelled
completed → modification_required (a re-work request was opened)
modification_required → modification_in_progress (approved) | completed (every request cancelled)
modification_in_progress → modification_completed (the factory finished) | completed (cancelled)
modification_completed → modification_required (another request)
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from erp.accounts.access import access_for, require_perm
from erp.accounts.scoping import scope_for
from erp.core import hooks
from erp.core.counters import counter_next
from erp.core.exceptions import InvalidTransition, NotFoundError, PermissionDeniedError
from erp.core.files import validate_private_upload
from erp.core.phones import normalize_phone
from erp.core.text import normalize_search
from erp.installations.models import (
    Driver,
    Installation,
    InstallationEvent,
    ModificationItem,
    ModificationRequest,
    Team,
    Technician,
    Vehicle,
    VehicleMission,
)
from erp.orders.models import Order, Payment

S = Installation.Status
M = ModificationRequest.Status
MANAGE = "installations.manage_installations"
INVESTIGATE = "installations.investigate_modifications"

TRANSITIONS: dict[str, set[str]] = {
    S.NEEDS_SCHEDULING: {S.SCHEDULED, S.CANCELLED},
    S.SCHEDULED: {S.IN_INSTALLATION, S.CANCELLED},
    S.IN_INSTALLATION: {S.COMPLETED, S.CANCELLED},
    S.COMPLETED: {S.MODIFICATION_REQUIRED},
    S.MODIFICATION_REQUIRED: {S.MODIFICATION_IN_PROGRESS, S.COMPLETED},
    S.MODIFICATION_IN_PROGRESS: {S.MODIFICATION_COMPLETED, S.COMPLETED},
    S.MODIFICATION_COMPLETED: {S.MODIFICATION_REQUIRED},
    S.CANCELLED: set(),
}
# What a user may ask for directly (the API's transition endpoint, the page's buttons).
USER_TARGETS = {S.SCHEDULED, S.IN_INSTALLATION, S.COMPLETED, S.CANCELLED}
OPEN_REQUEST = (M.PENDING, M.INVESTIGATING, M.APPROVED, M.MANUFACTURING)
REQUEST_TRANSITIONS: dict[str, set[str]] = {
    M.PENDING: {M.INVESTIGATING, M.APPROVED, M.CANCELLED},
    M.INVESTIGATING: {M.APPROVED, M.CANCELLED},
    M.APPROVED: {M.CANCELLED},
    M.MANUFACTURING: set(),
    M.COMPLETED: set(),
    M.CANCELLED: set(),
}
REQUEST_PERMISSION: dict[str, str] = {M.INVESTIGATING: MANAGE, M.APPROVED: INVESTIGATE, M.CANCELLED: MANAGE}
MODIFICATION_DUE_DAYS = 3
LATE_AFTER_DAYS = 2


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _event(
    installation: Installation,
    *,
    actor: Any,
    kind: str,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> InstallationEvent:
    return InstallationEvent.objects.create(
        installation=installation,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        user=_user(actor),
        reason=reason[:255],
        details=details or {},
    )


def _move(installation: Installation, *, to: str, actor: Any, reason: str = "", details: dict | None = None) -> None:
    """Change the status by the table (the row is locked by the caller) and write the timeline."""
    current = installation.status
    if to not in TRANSITIONS[current]:
        raise InvalidTransition(
            _("A %(status)s installation cannot become %(to)s.")
            % {"status": installation.get_status_display(), "to": S(to).label},
            extra={"to": sorted(TRANSITIONS[current] & USER_TARGETS)},
        )
    installation.status = to
    installation.status_reason = reason[:255]
    installation.save(update_fields=["status", "status_reason", "updated_at"])
    _event(
        installation,
        actor=actor,
        kind=InstallationEvent.Kind.STATUS,
        from_status=current,
        to_status=to,
        reason=reason,
        details=details,
    )


def _locked(installation: Installation | int) -> Installation:
    pk = installation if isinstance(installation, int) else installation.pk
    return Installation.objects.select_for_update(of=("self",)).select_related("order", "order__customer").get(pk=pk)


def _check_scope(actor: Any, installation: Installation) -> None:
    if not scope_for(actor, "installations", Installation.objects.filter(pk=installation.pk)).exists():
        raise NotFoundError(_("No such installation."))


# ---------------------------------------------------------------------------------------------------------------
# Resources: teams, technicians, drivers, vehicles, missions


def _saved(obj: Any) -> Any:
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def team_save(*, actor: Any, team: Team | None = None, name: str, branch: Any, is_active: bool = True) -> Team:
    require_perm(actor, "installations.manage_teams")
    team = team or Team()
    team.name, team.branch, team.is_active = name.strip(), branch, is_active
    return _saved(team)  # type: ignore[no-any-return]


@transaction.atomic
def technician_save(
    *,
    actor: Any,
    technician: Technician | None = None,
    name: str,
    phone: str = "",
    team: Team | None = None,
    is_active: bool = True,
) -> Technician:
    require_perm(actor, "installations.manage_teams")
    technician = technician or Technician()
    technician.name, technician.team, technician.is_active = name.strip(), team, is_active
    technician.phone = _phone(phone)
    return _saved(technician)  # type: ignore[no-any-return]


@transaction.atomic
def driver_save(
    *, actor: Any, driver: Driver | None = None, name: str, phone: str = "", is_active: bool = True
) -> Driver:
    require_perm(actor, "installations.manage_fleet")
    driver = driver or Driver()
    driver.name, driver.is_active = name.strip(), is_active
    driver.phone = _phone(phone)
    return _saved(driver)  # type: ignore[no-any-return]


@transaction.atomic
def vehicle_save(
    *, actor: Any, vehicle: Vehicle | None = None, plate: str, vehicle_type: str, status: str = Vehicle.Status.ACTIVE
) -> Vehicle:
    require_perm(actor, "installations.manage_fleet")
    vehicle = vehicle or Vehicle()
    vehicle.plate = normalize_search(plate).upper().replace(" ", "")
    vehicle.vehicle_type, vehicle.status = vehicle_type, status
    return _saved(vehicle)  # type: ignore[no-any-return]


@transaction.atomic
def mission_save(
    *,
    actor: Any,
    mission: VehicleMission | None = None,
    vehicle: Vehicle,
    driver: Driver | None,
    mission_date: date,
    kind: str,
    status: str = VehicleMission.Status.PENDING,
    installation: Installation | None = None,
    notes: str = "",
) -> VehicleMission:
    require_perm(actor, "installations.manage_fleet")
    mission = mission or VehicleMission()
    mission.vehicle, mission.driver, mission.mission_date = vehicle, driver, mission_date
    mission.kind, mission.status, mission.installation, mission.notes = kind, status, installation, notes
    return _saved(mission)  # type: ignore[no-any-return]


def _phone(value: str) -> str:
    if not (value or "").strip():
        return ""
    try:
        return normalize_phone(value)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc


# ---------------------------------------------------------------------------------------------------------------
# Scheduling


@dataclass(frozen=True)
class Crew:
    """Who goes and when: the scheduling fields shared by schedule and reschedule."""

    scheduled_date: date | None
    scheduled_time: time | None = None
    team: Team | None = None
    technicians: Sequence[Technician] = ()
    driver: Driver | None = None
    vehicle: Vehicle | None = None


def _check_crew(crew: Crew, *, need_date: bool) -> None:
    errors: dict[str, str] = {}
    if need_date and crew.scheduled_date is None:
        errors["scheduled_date"] = _("Choose the installation date.")
    if crew.team is not None and not crew.team.is_active:
        errors["team"] = _("This team is not active.")
    if any(not t.is_active for t in crew.technicians):
        errors["technicians"] = _("Choose active technicians only.")
    if crew.driver is not None and not crew.driver.is_active:
        errors["driver"] = _("This driver is not active.")
    if crew.vehicle is not None and crew.vehicle.status != Vehicle.Status.ACTIVE:
        errors["vehicle"] = _("This vehicle is not available (maintenance or inactive).")
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]


def _apply_crew(installation: Installation, crew: Crew) -> None:
    installation.scheduled_date = crew.scheduled_date
    installation.scheduled_time = crew.scheduled_time
    installation.team = crew.team
    installation.driver = crew.driver
    installation.vehicle = crew.vehicle


def _sync_mission(installation: Installation) -> None:
    """The vehicle's mission for this installation follows its vehicle, driver and date."""
    open_missions = VehicleMission.objects.filter(
        installation=installation, status__in=(VehicleMission.Status.PENDING, VehicleMission.Status.ACTIVE)
    )
    if installation.vehicle_id is None or installation.scheduled_date is None:
        open_missions.update(status=VehicleMission.Status.CANCELLED, updated_at=timezone.now())
        return
    updated = open_missions.update(
        vehicle=installation.vehicle_id,
        driver=installation.driver_id,
        mission_date=installation.scheduled_date,
        updated_at=timezone.now(),
    )
    if not updated:
        VehicleMission.objects.create(
            vehicle_id=installation.vehicle_id,
            driver_id=installation.driver_id,
            mission_date=installation.scheduled_date,
            kind=VehicleMission.Kind.INSTALLATION,
            installation=installation,
            notes=installation.number,
        )


def _missions_to(installation: Installation, status: str) -> None:
    VehicleMission.objects.filter(
        installation=installation, status__in=(VehicleMission.Status.PENDING, VehicleMission.Status.ACTIVE)
    ).update(status=status, updated_at=timezone.now())


def _crew_details(crew: Crew) -> dict[str, Any]:
    return {
        "date": crew.scheduled_date.isoformat() if crew.scheduled_date else None,
        "time": crew.scheduled_time.strftime("%H:%M") if crew.scheduled_time else None,
        "team": crew.team.name if crew.team else None,
        "technicians": [t.name for t in crew.technicians],
        "driver": crew.driver.name if crew.driver else None,
        "vehicle": crew.vehicle.plate if crew.vehicle else None,
    }


def orders_awaiting_installation() -> Any:
    """Installation orders the factory made ready (the order shows ready_install) with no open installation."""
    return Order.objects.filter(order_type=Order.Type.INSTALLATION, status=Order.Status.READY_INSTALL).exclude(
        installations__status__in=[s for s in S.values if s != S.CANCELLED]
    )


def debt_warning(order: Order) -> str:
    """The debt check (B §4.8 check-debt): a warning when the customer still owes on the order, else ""."""
    if order.balance > 0:
        return _("The customer still owes %(balance)s on order %(number)s.") % {
            "balance": order.balance,
            "number": order.number,
        }
    return ""


@transaction.atomic
def installation_schedule(
    *,
    actor: Any,
    order: Order,
    crew: Crew,
    address: str = "",
    location_type: str = Installation.Location.OPEN,
    windows_count: int = 0,
    notes: str = "",
    debt_confirmed: bool = False,
) -> Installation:
    """Create the installation of a ready installation order: scheduled when a date is given, else on the "needs
    scheduling" list. A balance due must be confirmed (`debt_confirmed`) or the call is refused naming that field."""
    require_perm(actor, MANAGE)
    if not scope_for(actor, "orders", Order.objects.filter(pk=order.pk)).exists():
        raise NotFoundError(_("No such order."))
    order = Order.objects.select_for_update().select_related("customer").get(pk=order.pk)
    if order.order_type != Order.Type.INSTALLATION:
        raise ValidationError({"order": _("Only installation orders are installed.")})
    if order.status != Order.Status.READY_INSTALL:
        raise InvalidTransition(
            _("The order is %(status)s: it is not ready for installation.") % {"status": order.get_status_display()}
        )
    if Installation.objects.filter(order=order).exclude(status=S.CANCELLED).exists():
        raise InvalidTransition(_("This order already has an open installation."))
    warning = debt_warning(order)
    if warning and not debt_confirmed:
        raise ValidationError({"debt_confirmed": [warning + " " + _("Confirm to schedule anyway.")]})
    _check_crew(crew, need_date=False)
    sequence = counter_next(f"installations.installation:{order.pk}")
    number = f"{order.number}-T" + (str(sequence) if sequence > 1 else "")
    installation = Installation(
        number=number,
        order=order,
        status=S.SCHEDULED if crew.scheduled_date else S.NEEDS_SCHEDULING,
        address=(address or order.delivery_address or order.customer.address or "").strip()[:255],
        location_type=location_type,
        windows_count=windows_count,
        notes=notes,
        debt_confirmed=bool(warning),
        created_by=actor,
        search_text=normalize_search(
            " ".join([number, order.number, order.customer.name, order.customer.phone, address or ""])
        ),
    )
    _apply_crew(installation, crew)
    installation.full_clean(exclude=["created_by", "order", "receipt_file"])
    installation.save()
    installation.technicians.set(crew.technicians)
    _event(
        installation,
        actor=actor,
        kind=InstallationEvent.Kind.CREATED,
        to_status=installation.status,
        details={**_crew_details(crew), **({"debt": str(order.balance)} if warning else {})},
    )
    _sync_mission(installation)
    from erp.orders.handoffs import order_record_handoff

    order_record_handoff(
        order=order, actor=actor, kind="installation_created", details={"installation": installation.number}
    )
    if installation.status == S.SCHEDULED:
        _scheduled_side_effects(installation, actor=actor, order=order)
    return installation


@transaction.atomic
def installation_reschedule(
    *, actor: Any, installation: Installation, crew: Crew, reason: str = "", address: str | None = None
) -> Installation:
    """Schedule a "needs scheduling" installation, or change a scheduled one's date, time, team or fleet."""
    require_perm(actor, MANAGE)
    _check_scope(actor, installation)
    installation = _locked(installation)
    if installation.status not in (S.NEEDS_SCHEDULING, S.SCHEDULED):
        raise InvalidTransition(
            _("A %(status)s installation cannot be rescheduled.") % {"status": installation.get_status_display()},
            extra={"to": allowed_targets(installation=installation, user=actor)},
        )
    _check_crew(crew, need_date=True)
    before = installation.status
    previous_date = installation.scheduled_date if before == S.SCHEDULED else None
    _apply_crew(installation, crew)
    if address is not None:
        installation.address = address.strip()[:255]
    installation.save()
    installation.technicians.set(crew.technicians)
    if before == S.NEEDS_SCHEDULING:
        _move(installation, to=S.SCHEDULED, actor=actor, reason=reason, details=_crew_details(crew))
    else:
        _event(
            installation, actor=actor, kind=InstallationEvent.Kind.SCHEDULE, reason=reason, details=_crew_details(crew)
        )
    _sync_mission(installation)
    _scheduled_side_effects(
        installation, actor=actor, order=installation.order, new_date=installation.scheduled_date != previous_date
    )
    return installation


def _scheduled_side_effects(installation: Installation, *, actor: Any, order: Order, new_date: bool = True) -> None:
    """Notify the departments; tell the customer when the day is new (a first scheduling, or another day — even one
    they were told of before: Monday → Tuesday → Monday sends three messages; a new team on the same day none)."""
    from django.urls import reverse

    from erp.integrations.whatsapp.models import Event
    from erp.integrations.whatsapp.services import whatsapp_queue_template
    from erp.notifications.models import Kind
    from erp.notifications.services import notify

    when = installation.scheduled_date.isoformat() if installation.scheduled_date else ""
    stamp = f"{when}:{installation.team_id or 0}"
    notify(
        kind=Kind.INSTALLATION,
        title=_("Installation %(number)s scheduled for %(date)s") % {"number": installation.number, "date": when},
        body=f"{order.customer.name} · {installation.team.name if installation.team else ''}",
        link=reverse("installations:installation_detail", kwargs={"pk": installation.pk}),
        actor=actor,
        branch=order.branch_id,
        event="installation_scheduled",
        idempotency_key=f"installation:{installation.pk}:scheduled:{stamp}",
    )
    if not new_date:
        return
    scheduling = InstallationEvent.objects.filter(installation=installation).count()  # grows with every change
    whatsapp_queue_template(
        event=Event.INSTALLATION_SCHEDULED,
        phone=order.customer.phone,
        params={"customer_name": order.customer.name, "order_number": order.number, "installation_date": when},
        related=installation,
        idempotency_key=f"installation:{installation.pk}:whatsapp-scheduled:{when}:{scheduling}",
    )


# ---------------------------------------------------------------------------------------------------------------
# Progress


@transaction.atomic
def installation_start(*, actor: Any, installation: Installation) -> Installation:
    require_perm(actor, MANAGE)
    _check_scope(actor, installation)
    installation = _locked(installation)
    _move(installation, to=S.IN_INSTALLATION, actor=actor)
    _missions_to(installation, VehicleMission.Status.ACTIVE)
    return installation


@dataclass(frozen=True)
class DoorPayment:
    """Money collected at the door, recorded on the order through the orders' payment service."""

    amount: Decimal
    method: str = Payment.Method.CASH
    reference: str = ""


@transaction.atomic
def installation_complete(
    *,
    actor: Any,
    installation: Installation,
    payments: Sequence[DoorPayment] = (),
    receipt_number: str = "",
    receipt_file: Any = None,
    receipt_notes: str = "",
) -> Installation:
    """in_installation → completed: the receipt, the payments collected at the door (the order's balance follows),
    and the order completed on behalf of the installation department — all or nothing."""
    from erp.orders.handoffs import order_advance
    from erp.orders.services import payment_record

    require_perm(actor, MANAGE)
    _check_scope(actor, installation)
    installation = _locked(installation)
    if S.COMPLETED not in TRANSITIONS[installation.status] or installation.status != S.IN_INSTALLATION:
        raise InvalidTransition(
            _("A %(status)s installation cannot be completed.") % {"status": installation.get_status_display()},
            extra={"to": allowed_targets(installation=installation, user=actor)},
        )
    if receipt_file:
        try:
            validate_private_upload(receipt_file, kinds=("jpeg", "png", "webp", "pdf"))
        except ValidationError as exc:
            raise ValidationError({"receipt_file": exc.messages}) from exc
    order = installation.order
    for n, payment in enumerate(payments):
        try:
            record = payment_record(
                actor=actor,
                customer=order.customer,
                order=order,
                amount=payment.amount,
                method=payment.method,
                reference=payment.reference,
                note=_("Collected at installation %(number)s") % {"number": installation.number},
            )
        except ValidationError as exc:
            prefix = f"payments.{n}." if len(payments) > 1 else ""
            raise ValidationError({f"{prefix}{k}": v for k, v in exc.message_dict.items()}) from exc
        _event(
            installation,
            actor=actor,
            kind=InstallationEvent.Kind.PAYMENT,
            details={"payment": record.pk, "amount": str(record.amount), "method": record.method},
        )
    installation.receipt_number = (receipt_number or "").strip()[:40]
    installation.receipt_notes = receipt_notes or ""
    installation.completed_at = timezone.now()
    if receipt_file:
        installation.receipt_file.save(getattr(receipt_file, "name", "receipt"), receipt_file, save=False)
    installation.save(update_fields=["receipt_number", "receipt_notes", "completed_at", "receipt_file", "updated_at"])
    _move(installation, to=S.COMPLETED, actor=actor, details={"payments": len(payments)})
    _missions_to(installation, VehicleMission.Status.COMPLETED)
    order_advance(
        order=order,
        to=Order.Status.COMPLETED,
        actor=actor,
        source="installation",
        details={"installation": installation.number},
    )
    _completed_side_effects(installation, actor=actor, order=order)
    return installation


def _completed_side_effects(installation: Installation, *, actor: Any, order: Order) -> None:
    from django.urls import reverse

    from erp.integrations.whatsapp.models import Event
    from erp.integrations.whatsapp.services import whatsapp_queue_template
    from erp.notifications.models import Kind
    from erp.notifications.services import notify

    notify(
        kind=Kind.INSTALLATION,
        title=_("Installation %(number)s completed") % {"number": installation.number},
        body=order.customer.name,
        link=reverse("installations:installation_detail", kwargs={"pk": installation.pk}),
        actor=actor,
        branch=order.branch_id,
        event="installation_completed",
        idempotency_key=f"installation:{installation.pk}:completed",
    )
    whatsapp_queue_template(
        event=Event.INSTALLATION_COMPLETED,
        phone=order.customer.phone,
        params={"customer_name": order.customer.name, "order_number": order.number},
        related=installation,
        idempotency_key=f"installation:{installation.pk}:whatsapp-completed",
    )


@transaction.atomic
def installation_cancel(*, actor: Any, installation: Installation, reason: str) -> Installation:
    require_perm(actor, MANAGE)
    _check_scope(actor, installation)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    installation = _locked(installation)
    _move(installation, to=S.CANCELLED, actor=actor, reason=reason)
    _missions_to(installation, VehicleMission.Status.CANCELLED)
    return installation


def allowed_targets(*, installation: Installation, user: Any) -> list[str]:
    """The statuses `user` may move `installation` to now (the API's `allowed_transitions`, the page's buttons)."""
    if not access_for(user).has_perm(MANAGE):
        return []
    return sorted(TRANSITIONS[installation.status] & USER_TARGETS)


def installation_transition(
    *,
    actor: Any,
    installation: Installation,
    to: str,
    reason: str = "",
    crew: Crew | None = None,
    payments: Sequence[DoorPayment] = (),
    receipt_number: str = "",
    receipt_notes: str = "",
) -> Installation:
    """One entry for the API: dispatches to the service of the move, or refuses with the allowed targets."""
    require_perm(actor, MANAGE)
    _check_scope(actor, installation)
    targets = allowed_targets(installation=installation, user=actor)
    if to not in targets:
        raise InvalidTransition(
            _("A %(status)s installation cannot become %(to)s.")
            % {"status": installation.get_status_display(), "to": to},
            extra={"to": targets},
        )
    if to == S.SCHEDULED:
        return installation_reschedule(actor=actor, installation=installation, crew=crew or Crew(None), reason=reason)
    if to == S.IN_INSTALLATION:
        return installation_start(actor=actor, installation=installation)
    if to == S.COMPLETED:
        return installation_complete(
            actor=actor,
            installation=installation,
            payments=payments,
            receipt_number=receipt_number,
            receipt_notes=receipt_notes,
        )
    return installation_cancel(actor=actor, installation=installation, reason=reason)


# ---------------------------------------------------------------------------------------------------------------
# Re-work (modification requests)


@dataclass(frozen=True)
class ModificationItemInput:
    description: str
    new_meters: Decimal
    notes: str = ""


@transaction.atomic
def modification_request_create(
    *,
    actor: Any,
    installation: Installation,
    fault_party: str,
    description: str,
    items: Sequence[ModificationItemInput],
    priority: str = ModificationRequest.Priority.NORMAL,
) -> ModificationRequest:
    """Open a re-work request on a completed installation; the installation becomes "modification required"."""
    require_perm(actor, MANAGE)
    _check_scope(actor, installation)
    installation = _locked(installation)
    errors: dict[str, list[str]] = {}
    if fault_party not in ModificationRequest.Fault.values:
        errors["fault_party"] = [_("Select a valid choice.")]
    if priority not in ModificationRequest.Priority.values:
        errors["priority"] = [_("Select a valid choice.")]
    if not (description or "").strip():
        errors["description"] = [_("Describe what must be changed.")]
    if not items:
        errors["items"] = [_("Add at least one curtain to modify.")]
    for n, item in enumerate(items):
        if not item.description.strip():
            errors[f"items.{n}.description"] = [_("Name the curtain or room.")]
        if item.new_meters is None or item.new_meters < 0:
            errors[f"items.{n}.new_meters"] = [_("Enter the new meters (zero or more).")]
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    if installation.status not in (
        S.COMPLETED,
        S.MODIFICATION_REQUIRED,
        S.MODIFICATION_IN_PROGRESS,
        S.MODIFICATION_COMPLETED,
    ):
        raise InvalidTransition(
            _("Only an installed order can be modified; this installation is %(status)s.")
            % {"status": installation.get_status_display()}
        )
    request = ModificationRequest.objects.create(
        installation=installation,
        fault_party=fault_party,
        priority=priority,
        description=description.strip(),
        created_by=actor,
    )
    ModificationItem.objects.bulk_create(
        ModificationItem(request=request, description=i.description.strip(), new_meters=i.new_meters, notes=i.notes)
        for i in items
    )
    if installation.status in (S.COMPLETED, S.MODIFICATION_COMPLETED):
        _move(installation, to=S.MODIFICATION_REQUIRED, actor=actor, details={"request": request.pk})
    else:
        _event(installation, actor=actor, kind=InstallationEvent.Kind.MODIFICATION, details={"request": request.pk})
    return request


def _locked_request(request: ModificationRequest | int) -> ModificationRequest:
    pk = request if isinstance(request, int) else request.pk
    return ModificationRequest.objects.select_for_update(of=("self",)).select_related("installation__order").get(pk=pk)


def request_allowed_targets(*, request: ModificationRequest, user: Any) -> list[str]:
    access = access_for(user)
    return sorted(t for t in REQUEST_TRANSITIONS[request.status] if access.has_perm(REQUEST_PERMISSION[t]))


def _request_move(request: ModificationRequest, *, actor: Any, to: str) -> None:
    if to not in REQUEST_TRANSITIONS[request.status]:
        raise InvalidTransition(
            _("A %(status)s request cannot become %(to)s.") % {"status": request.get_status_display(), "to": to},
            extra={"to": request_allowed_targets(request=request, user=actor)},
        )
    if not access_for(actor).has_perm(REQUEST_PERMISSION[to]):
        raise PermissionDeniedError(_("You may not do this to the request."))


@transaction.atomic
def modification_request_investigate(*, actor: Any, request: ModificationRequest) -> ModificationRequest:
    require_perm(actor, MANAGE)
    _check_request_scope(actor, request)
    request = _locked_request(request)
    _request_move(request, actor=actor, to=M.INVESTIGATING)
    request.status = M.INVESTIGATING
    request.save(update_fields=["status", "updated_at"])
    _event(
        request.installation,
        actor=actor,
        kind=InstallationEvent.Kind.MODIFICATION,
        details={"request": request.pk, "status": M.INVESTIGATING},
    )
    return request


def _factory_ref(result: Any) -> tuple[int | None, str]:
    if result is None:
        return None, ""
    if isinstance(result, dict):
        return result.get("pk") or result.get("id"), str(result.get("number", ""))
    return getattr(result, "pk", None), str(getattr(result, "number", ""))


@transaction.atomic
def modification_request_approve(
    *, actor: Any, request: ModificationRequest, due_date: date | None = None
) -> ModificationRequest:
    """Approve (needs the investigate permission): the factory is asked for a modification order through the
    ``manufacturing.modification_requested`` hook, in this transaction; its pk and number are kept."""
    require_perm(actor, INVESTIGATE)
    _check_request_scope(actor, request)
    request = _locked_request(request)
    _request_move(request, actor=actor, to=M.APPROVED)
    installation = _locked(request.installation_id)
    items = [
        {"description": i.description, "new_meters": str(i.new_meters), "notes": i.notes}
        for i in request.items.order_by("id")
    ]
    due = due_date or timezone.localdate() + timedelta(days=MODIFICATION_DUE_DAYS)
    results = hooks.call(
        "manufacturing.modification_requested",
        order=installation.order,
        request_id=request.pk,
        items=items,
        actor=actor,
        due_date=due,
    )
    factory_id, factory_number = next(
        (ref for ref in (_factory_ref(r) for r in results) if ref[0] is not None), (None, "")
    )
    request.status = M.MANUFACTURING if factory_id else M.APPROVED
    request.factory_order_id = factory_id
    request.factory_order_number = factory_number[:50]
    request.approved_by = _user(actor)
    request.approved_at = timezone.now()
    request.save(
        update_fields=[
            "status",
            "factory_order_id",
            "factory_order_number",
            "approved_by",
            "approved_at",
            "updated_at",
        ]
    )
    if installation.status == S.MODIFICATION_REQUIRED:
        _move(
            installation,
            to=S.MODIFICATION_IN_PROGRESS,
            actor=actor,
            details={"request": request.pk, "factory_order": factory_number},
        )
    return request


def _settle_installation(installation: Installation, *, actor: Any, request: ModificationRequest) -> None:
    """After a request closes: with no other open request the installation leaves the modification states."""
    still_open = (
        ModificationRequest.objects.filter(installation=installation, status__in=OPEN_REQUEST)
        .exclude(pk=request.pk)
        .exists()
    )
    if still_open:
        return
    if request.status == M.COMPLETED and installation.status in (S.MODIFICATION_IN_PROGRESS, S.MODIFICATION_REQUIRED):
        if installation.status == S.MODIFICATION_REQUIRED:
            _move(installation, to=S.MODIFICATION_IN_PROGRESS, actor=actor, details={"request": request.pk})
        _move(installation, to=S.MODIFICATION_COMPLETED, actor=actor, details={"request": request.pk})
    elif request.status == M.CANCELLED and installation.status in (S.MODIFICATION_REQUIRED, S.MODIFICATION_IN_PROGRESS):
        _move(installation, to=S.COMPLETED, actor=actor, details={"request": request.pk, "cancelled": True})


@transaction.atomic
def modification_request_cancel(*, actor: Any, request: ModificationRequest, reason: str) -> ModificationRequest:
    require_perm(actor, MANAGE)
    _check_request_scope(actor, request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    request = _locked_request(request)
    _request_move(request, actor=actor, to=M.CANCELLED)
    request.status = M.CANCELLED
    request.status_reason = reason[:255]
    request.save(update_fields=["status", "status_reason", "updated_at"])
    _settle_installation(_locked(request.installation_id), actor=actor, request=request)
    return request


@transaction.atomic
def modification_request_complete(*, request_id: int, actor: Any = None) -> ModificationRequest | None:
    """The factory finished the modification order: close the request (idempotent)."""
    request = ModificationRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None or request.status in (M.COMPLETED, M.CANCELLED):
        return request
    request.status = M.COMPLETED
    request.completed_at = timezone.now()
    request.save(update_fields=["status", "completed_at", "updated_at"])
    _settle_installation(_locked(request.installation_id), actor=actor, request=request)
    return request


def modification_request_transition(
    *, actor: Any, request: ModificationRequest, to: str, reason: str = ""
) -> ModificationRequest:
    targets = request_allowed_targets(request=request, user=actor)
    if to not in REQUEST_TRANSITIONS[request.status]:
        raise InvalidTransition(
            _("A %(status)s request cannot become %(to)s.") % {"status": request.get_status_display(), "to": to},
            extra={"to": targets},
        )
    if to == M.INVESTIGATING:
        return modification_request_investigate(actor=actor, request=request)
    if to == M.APPROVED:
        return modification_request_approve(actor=actor, request=request)
    return modification_request_cancel(actor=actor, request=request, reason=reason)


def _check_request_scope(actor: Any, request: ModificationRequest) -> None:
    if not scope_for(actor, "modification_requests", ModificationRequest.objects.filter(pk=request.pk)).exists():
        raise NotFoundError(_("No such modification request."))


# ---------------------------------------------------------------------------------------------------------------
# Hook receivers (registered in apps.ready)


def on_modification_done(*, order: Any = None, request_id: int, actor: Any = None, **_kwargs: Any) -> None:
    """``manufacturing.modification_done``: the factory completed the modification order of `request_id`."""
    modification_request_complete(request_id=request_id, actor=actor)


def delay_candidates(*, today: date, **_kwargs: Any) -> list[hooks.DelayCandidate]:
    """``complaints.delay_candidates``: installations still waiting more than two days after their date."""
    from django.urls import reverse

    cutoff = today - timedelta(days=LATE_AFTER_DAYS)
    rows = Installation.objects.filter(
        status__in=(S.SCHEDULED, S.NEEDS_SCHEDULING), scheduled_date__lt=cutoff
    ).values_list("pk", "number", "order_id", "order__customer_id", "scheduled_date", "status")
    return [
        hooks.DelayCandidate(
            key=f"installation:{pk}:late",
            order_id=order_id,
            customer_id=customer_id,
            reason=_("Installation %(number)s was due on %(date)s and is still %(status)s.")
            % {"number": number, "date": when.isoformat() if when else "", "status": S(status).label},
            related_label=number,
            related_url=reverse("installations:installation_detail", kwargs={"pk": pk}),
        )
        for pk, number, order_id, customer_id, when, status in rows.order_by("scheduled_date", "pk")
    ]


# ---------------------------------------------------------------------------------------------------------------
# The order cancelled (hook called by orders inside its transaction)

NOT_STARTED = (S.NEEDS_SCHEDULING, S.SCHEDULED)


@transaction.atomic
def on_order_cancelled(*, order: Order, actor: Any, reason: str = "", **_kwargs: Any) -> list[Installation]:
    """The ``order.cancelled`` receiver: an installation not started yet (needs scheduling, scheduled) is cancelled
    with its vehicle missions, its timeline, the installation managers told and one row on the order's timeline.
    An installation under way or done (in installation, completed, re-work) refuses the order's cancellation (a
    ValidationError naming it; the whole cancellation rolls back). Returns the installations cancelled."""
    from django.urls import reverse

    from erp.notifications.models import Kind
    from erp.notifications.services import notify
    from erp.orders.handoffs import order_record_handoff

    rows = list(
        Installation.objects.select_for_update(of=("self",))
        .filter(order_id=order.pk)
        .exclude(status=S.CANCELLED)
        .order_by("pk")
    )
    busy = [i for i in rows if i.status not in NOT_STARTED]
    if busy:
        raise ValidationError(
            {
                "to": _(
                    "The installation %(number)s is already “%(status)s”: an installation under way or done "
                    "cannot be cancelled, so neither can the order."
                )
                % {"number": busy[0].number, "status": busy[0].get_status_display()}
            }
        )
    reason = (reason or "").strip()
    for installation in rows:
        _move(installation, to=S.CANCELLED, actor=actor, reason=reason, details={"order_cancelled": True})
        _missions_to(installation, VehicleMission.Status.CANCELLED)
        notify(
            kind=Kind.INSTALLATION,
            title=_("Installation %(number)s is cancelled: %(reason)s")
            % {"number": installation.number, "reason": reason},
            link=reverse("installations:installation_detail", kwargs={"pk": installation.pk}),
            actor=actor,
            branch=order.branch_id,
            event="installation_cancelled",
            idempotency_key=f"installation:{installation.pk}:cancelled",
        )
    if rows:
        order_record_handoff(
            order=order.pk,
            actor=actor,
            kind="installation_cancelled",
            details={"installations": [i.number for i in rows]},
        )
    return rows
