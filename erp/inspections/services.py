"""Inspection writes: creation (from an order's placement or standalone), the lifecycle, repeat visits and files.

Lifecycle (B §4.5; one table, one permission per move, one writer):

    not_scheduled → scheduled | cancelled
    pending       → scheduled | cancelled
    scheduled     → scheduled (reschedule) | in_progress | postponed_by_customer | cancelled
    in_progress   → completed | postponed_by_customer
    postponed_by_customer → scheduled | cancelled
    completed, cancelled: final (a repeat visit is a new inspection linked to its parent)

Scheduling and cancelling need `manage_inspections` (inspection managers); starting, completing and postponing need
`work_inspections` and, without `manage_inspections`, the visit must be the caller's own. Every move writes an
`InspectionEvent`. Completion moves the order (passed → completed, failed → rejected) through `order_advance`;
cancellation leaves the order to its own rules and records the hand-off on the order's timeline.
"""

import uuid
from collections.abc import Sequence
from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from erp.accounts.access import access_for, require_perm
from erp.accounts.models import User
from erp.accounts.roles import RoleKey
from erp.core.counters import counter_next
from erp.core.exceptions import InvalidTransition, PermissionDeniedError
from erp.core.files import validate_private_upload
from erp.core.text import normalize_search
from erp.inspections.models import Inspection, InspectionEvent, InspectionFile
from erp.inspections.roles import MANAGE, REQUEST, WORK

S = Inspection.Status
R = Inspection.Result

TRANSITIONS: dict[str, set[str]] = {
    S.NOT_SCHEDULED: {S.SCHEDULED, S.CANCELLED},
    S.PENDING: {S.SCHEDULED, S.CANCELLED},
    S.SCHEDULED: {S.SCHEDULED, S.IN_PROGRESS, S.POSTPONED, S.CANCELLED},
    S.IN_PROGRESS: {S.COMPLETED, S.POSTPONED},
    S.POSTPONED: {S.SCHEDULED, S.CANCELLED},
    S.COMPLETED: set(),
    S.CANCELLED: set(),
}
TARGET_PERMISSION: dict[str, str] = {
    S.SCHEDULED: MANAGE,
    S.CANCELLED: MANAGE,
    S.IN_PROGRESS: WORK,
    S.COMPLETED: WORK,
    S.POSTPONED: WORK,
}
NEEDS_REASON = {S.CANCELLED, S.POSTPONED}
TECHNICIAN_ROLES = (RoleKey.INSPECTION_TECHNICIAN.value, RoleKey.INSPECTION_MANAGER.value)


def search_text(number: str, customer: Any) -> str:
    parts = [number, customer.code, customer.name, customer.phone]
    if customer.phone and customer.phone.startswith("+20"):
        parts.append("0" + customer.phone[3:])
    return normalize_search(" ".join(p for p in parts if p))


def _event(
    inspection: Inspection, actor: Any, *, from_status: str, to_status: str, reason: str = "", details: Any = None
) -> InspectionEvent:
    return InspectionEvent.objects.create(
        inspection=inspection,
        from_status=from_status,
        to_status=to_status,
        user=actor if getattr(actor, "pk", None) else None,
        reason=reason[:255],
        details=details or {},
    )


# ---------------------------------------------------------------------------------------------------------------
# Creation


@transaction.atomic
def inspection_create_for_order(*, order: Any, actor: Any, **_: Any) -> Inspection:
    """The `handoff.inspection_needed` receiver: an inspection order's placement creates its inspection (waiting,
    not scheduled). Two inserts whatever the order."""
    number = f"{order.number}-I"
    inspection = Inspection.objects.create(
        number=number,
        order=order,
        customer_id=order.customer_id,
        branch_id=order.branch_id,
        status=S.PENDING,
        payment_status=Inspection.Payment.PAID if order.balance <= 0 else Inspection.Payment.COLLECT_ON_VISIT,
        address=order.delivery_address,
        notes=order.notes,
        created_by=actor,
        search_text=search_text(number, order.customer),
    )
    _event(inspection, actor, from_status="", to_status=S.PENDING, details={"order": order.number})
    return inspection


@transaction.atomic
def inspection_request(
    *,
    actor: Any,
    customer: Any,
    address: str = "",
    notes: str = "",
    payment_status: str = Inspection.Payment.COLLECT_ON_VISIT,
) -> Inspection:
    """A standalone inspection (no order): numbered `<customer code>-I<NN>` from the customer's locked counter."""
    require_perm(actor, REQUEST)
    if payment_status not in Inspection.Payment.values:
        raise ValidationError({"payment_status": _("Choose a valid payment status.")})
    n = counter_next(f"inspections.standalone:{customer.pk}")
    number = f"{customer.code}-I{n:02d}"
    inspection = Inspection(
        number=number,
        customer=customer,
        branch_id=customer.branch_id or actor.branch_id,
        status=S.NOT_SCHEDULED,
        payment_status=payment_status,
        address=address.strip(),
        notes=notes.strip(),
        created_by=actor,
        search_text=search_text(number, customer),
    )
    inspection.full_clean(exclude=["created_by", "customer", "branch"])
    inspection.save()
    _event(inspection, actor, from_status="", to_status=S.NOT_SCHEDULED, details={"standalone": True})
    return inspection


# ---------------------------------------------------------------------------------------------------------------
# The lifecycle


def inspection_targets(inspection: Inspection) -> list[str]:
    return sorted(TRANSITIONS[inspection.status])


def _may(access: Any, inspection: Inspection, target: str) -> bool:
    perm = TARGET_PERMISSION[target]
    if not access.has_perm(perm):
        return False
    if perm == WORK and not access.has_perm(MANAGE):
        return bool(inspection.technician_id) and inspection.technician_id == access.user_id
    return True


def inspection_allowed_targets(*, inspection: Inspection, user: Any) -> list[str]:
    """The statuses `user` may move `inspection` to now (the API's `allowed_transitions`, the page's buttons)."""
    access = access_for(user)
    return [t for t in inspection_targets(inspection) if _may(access, inspection, t)]


def _begin(inspection: Inspection, actor: Any, to: str) -> Inspection:
    """Lock the row and check the move (409 when the status does not allow it, 403 when the caller may not)."""
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    targets = inspection_targets(locked)
    if to not in targets:
        raise InvalidTransition(
            _("A “%(status)s” inspection cannot become “%(to)s”.")
            % {"status": locked.get_status_display(), "to": S(to).label if to in S.values else to},
            extra={"to": targets},
        )
    if not _may(access_for(actor), locked, to):
        raise PermissionDeniedError(_("You may not do this to the inspection."))
    return locked


def _reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    return reason[:255]


def technician_choices() -> Any:
    return (
        User.objects.filter(is_active=True, roles__key__in=TECHNICIAN_ROLES)
        .distinct()
        .order_by("first_name", "username")
    )


@transaction.atomic
def inspection_schedule(
    *,
    inspection: Inspection,
    actor: Any,
    scheduled_date: date | None,
    scheduled_time: time | None,
    technician: Any,
    reason: str = "",
) -> Inspection:
    """Schedule (or reschedule) a visit: date, time and an active inspection technician."""
    inspection = _begin(inspection, actor, S.SCHEDULED)
    errors: dict[str, str] = {}
    if scheduled_date is None:
        errors["scheduled_date"] = _("This field is required.")
    elif scheduled_date < timezone.localdate():
        errors["scheduled_date"] = _("Choose today or a later day.")
    if scheduled_time is None:
        errors["scheduled_time"] = _("This field is required.")
    tech_id = getattr(technician, "pk", technician)
    if not tech_id or not technician_choices().filter(pk=tech_id).exists():
        errors["technician"] = _("Choose an active inspection technician.")
    if errors:
        raise ValidationError(errors)
    current = inspection.status
    rescheduled = current == S.SCHEDULED
    # A new scheduling (from another status, or to another day or time) tells the customer; a re-save does not.
    new_slot = not rescheduled or (inspection.scheduled_date, inspection.scheduled_time) != (
        scheduled_date,
        scheduled_time,
    )
    inspection.status = S.SCHEDULED
    inspection.scheduled_date = scheduled_date
    inspection.scheduled_time = scheduled_time
    inspection.technician_id = tech_id
    inspection.status_reason = _reason(reason, required=False)
    inspection.save(
        update_fields=["status", "scheduled_date", "scheduled_time", "technician", "status_reason", "updated_at"]
    )
    event = _event(
        inspection,
        actor,
        from_status=current,
        to_status=S.SCHEDULED,
        reason=inspection.status_reason,
        details={
            "date": scheduled_date.isoformat(),  # type: ignore[union-attr]
            "time": scheduled_time.strftime("%H:%M"),  # type: ignore[union-attr]
            "technician": tech_id,
            **({"rescheduled": True} if rescheduled else {}),
        },
    )
    _notify_scheduled(inspection, actor, event.pk)
    if new_slot:
        _whatsapp(inspection, "scheduled", key=f"whatsapp-scheduled:{event.pk}")
    return inspection


def _people(inspection: Inspection) -> list[int]:
    """B §5.13: an inspection's notifications reach its inspector, its creator and the order's salesperson (when
    they have a login), besides the inspection managers of the notification rules."""
    ids = [inspection.technician_id, inspection.created_by_id]
    if inspection.order_id:
        from erp.orders.models import Order

        ids.append(Order.objects.filter(pk=inspection.order_id).values_list("salesperson__user_id", flat=True).first())
    return sorted({i for i in ids if i})


def _notify_scheduled(inspection: Inspection, actor: Any, event_id: int) -> None:
    from erp.notifications.services import notify

    notify(
        kind="inspection",
        event="inspection_scheduled",
        title=_("Inspection %(number)s on %(date)s at %(time)s")
        % {
            "number": inspection.number,
            "date": inspection.scheduled_date.isoformat() if inspection.scheduled_date else "",
            "time": inspection.scheduled_time.strftime("%H:%M") if inspection.scheduled_time else "",
        },
        link=reverse("inspections:inspection_detail", kwargs={"pk": inspection.pk}),
        actor=actor,
        branch=inspection.branch_id,
        users=_people(inspection),
        extra={"inspection_id": inspection.pk},
        idempotency_key=f"inspection:{inspection.pk}:scheduled:{event_id}",
    )


def _whatsapp(inspection: Inspection, what: str, *, key: str) -> None:
    """Queue the customer's "inspection scheduled/completed" WhatsApp in this transaction (the outbox sends it after
    commit, when the event is switched on in the WhatsApp settings). `key` makes a repeated call a no-op."""
    from erp.integrations.whatsapp.models import Event
    from erp.integrations.whatsapp.services import whatsapp_queue_template

    customer = inspection.customer
    whatsapp_queue_template(
        event=Event.INSPECTION_SCHEDULED if what == "scheduled" else Event.INSPECTION_COMPLETED,
        phone=customer.phone,
        params={
            "customer_name": customer.name,
            "inspection_number": inspection.number,
            "order_number": inspection.order.number if inspection.order_id and inspection.order else "",
            "inspection_date": inspection.scheduled_date.isoformat() if inspection.scheduled_date else "",
            "inspection_time": inspection.scheduled_time.strftime("%H:%M") if inspection.scheduled_time else "",
        },
        related=inspection,
        idempotency_key=f"inspection:{inspection.pk}:{key}",
    )


@transaction.atomic
def inspection_start(*, inspection: Inspection, actor: Any) -> Inspection:
    inspection = _begin(inspection, actor, S.IN_PROGRESS)
    current = inspection.status
    inspection.status = S.IN_PROGRESS
    inspection.started_at = timezone.now()
    inspection.save(update_fields=["status", "started_at", "updated_at"])
    _event(inspection, actor, from_status=current, to_status=S.IN_PROGRESS)
    return inspection


@transaction.atomic
def inspection_complete(
    *,
    inspection: Inspection,
    actor: Any,
    result: str,
    windows_count: int | None,
    payment_status: str,
    reason: str = "",
    files: Sequence[Any] = (),
) -> Inspection:
    """Complete a visit with its result, window count, payment status and files; passed → the order completes,
    failed → the order is rejected (with the reason)."""
    inspection = _begin(inspection, actor, S.COMPLETED)
    errors: dict[str, str] = {}
    if result not in R.values:
        errors["result"] = _("Choose passed or failed.")
    if windows_count is None or windows_count < 0:
        errors["windows_count"] = _("Give the number of windows.")
    if payment_status not in Inspection.Payment.values:
        errors["payment_status"] = _("Choose a valid payment status.")
    reason = (reason or "").strip()[:255]
    if result == R.FAILED and not reason:
        errors["reason"] = _("Say why the inspection failed.")
    if errors:
        raise ValidationError(errors)
    current = inspection.status
    inspection.status = S.COMPLETED
    inspection.result = result
    inspection.windows_count = windows_count
    inspection.payment_status = payment_status
    inspection.status_reason = reason
    inspection.completed_at = timezone.now()
    inspection.save(
        update_fields=[
            "status",
            "result",
            "windows_count",
            "payment_status",
            "status_reason",
            "completed_at",
            "updated_at",
        ]
    )
    for upload in files:
        _file_save(inspection, actor, upload)
    _event(
        inspection,
        actor,
        from_status=current,
        to_status=S.COMPLETED,
        reason=reason,
        details={"result": result, "windows": windows_count, "payment": payment_status, "files": len(files)},
    )
    if inspection.order_id:
        _advance_order(inspection, actor, result, reason)
    from erp.notifications.services import notify

    notify(
        kind="inspection",
        event="inspection_completed",
        title=_("Inspection %(number)s completed: %(result)s")
        % {"number": inspection.number, "result": R(result).label},
        link=reverse("inspections:inspection_detail", kwargs={"pk": inspection.pk}),
        actor=actor,
        branch=inspection.branch_id,
        users=_people(inspection),
        extra={"inspection_id": inspection.pk, "result": result},
        idempotency_key=f"inspection:{inspection.pk}:completed",
    )
    _whatsapp(inspection, "completed", key="whatsapp-completed")
    return inspection


def _advance_order(inspection: Inspection, actor: Any, result: str, reason: str) -> None:
    from erp.orders.handoffs import order_advance, order_record_handoff

    order = inspection.order
    if order is None:
        return
    details = {"inspection": inspection.number}
    try:
        if result == R.PASSED:
            order_advance(order=order, to="completed", actor=actor, source="inspection", details=details)
        else:
            order_advance(
                order=order,
                to="rejected",
                actor=actor,
                source="inspection",
                reason=reason or _("The inspection failed."),
                details=details,
            )
    except InvalidTransition as exc:
        # The order has moved on by its own rules (cancelled, delivered…): the result is recorded, not applied.
        order_record_handoff(
            order=order,
            actor=actor,
            kind="inspection_completed",
            details={**details, "result": result, "not_applied": str(exc.message)},
        )


@transaction.atomic
def inspection_postpone(*, inspection: Inspection, actor: Any, reason: str) -> Inspection:
    """The customer asked to postpone: the visit waits for a new date."""
    inspection = _begin(inspection, actor, S.POSTPONED)
    reason = _reason(reason, required=True)
    current = inspection.status
    inspection.status = S.POSTPONED
    inspection.status_reason = reason
    inspection.save(update_fields=["status", "status_reason", "updated_at"])
    _event(inspection, actor, from_status=current, to_status=S.POSTPONED, reason=reason)
    return inspection


@transaction.atomic
def inspection_cancel(*, inspection: Inspection, actor: Any, reason: str) -> Inspection:
    """Cancel the visit. The order is left to its own rules (only its owners cancel it); the cancellation is
    recorded on the order's timeline."""
    inspection = _begin(inspection, actor, S.CANCELLED)
    reason = _reason(reason, required=True)
    current = inspection.status
    inspection.status = S.CANCELLED
    inspection.status_reason = reason
    inspection.save(update_fields=["status", "status_reason", "updated_at"])
    _event(inspection, actor, from_status=current, to_status=S.CANCELLED, reason=reason)
    if inspection.order_id:
        from erp.orders.handoffs import order_record_handoff

        order_record_handoff(
            order=inspection.order_id,
            actor=actor,
            kind="inspection_cancelled",
            details={"inspection": inspection.number, "reason": reason},
        )
    return inspection


def inspection_transition(
    *, inspection: Inspection, actor: Any, to: str, reason: str = "", **fields: Any
) -> Inspection:
    """One entry point for the API and the pages: `to` picks the service; `fields` carries what it needs."""
    if to == S.SCHEDULED:
        return inspection_schedule(
            inspection=inspection,
            actor=actor,
            scheduled_date=fields.get("scheduled_date"),
            scheduled_time=fields.get("scheduled_time"),
            technician=fields.get("technician"),
            reason=reason,
        )
    if to == S.IN_PROGRESS:
        return inspection_start(inspection=inspection, actor=actor)
    if to == S.COMPLETED:
        return inspection_complete(
            inspection=inspection,
            actor=actor,
            result=fields.get("result") or "",
            windows_count=fields.get("windows_count"),
            payment_status=fields.get("payment_status") or inspection.payment_status,
            reason=reason,
            files=fields.get("files") or (),
        )
    if to == S.POSTPONED:
        return inspection_postpone(inspection=inspection, actor=actor, reason=reason)
    if to == S.CANCELLED:
        return inspection_cancel(inspection=inspection, actor=actor, reason=reason)
    raise InvalidTransition(_("Unknown status."), extra={"to": inspection_targets(inspection)})


@transaction.atomic
def inspection_iterate(*, inspection: Inspection, actor: Any, notes: str = "") -> Inspection:
    """A repeat visit: a new, unscheduled inspection of the same customer (and order), linked to its parent."""
    require_perm(actor, MANAGE)
    parent = Inspection.objects.select_for_update().select_related("customer").get(pk=inspection.pk)
    if parent.status != S.COMPLETED:
        raise InvalidTransition(_("Only a completed inspection can have a repeat visit."))
    base = parent.number.split("-R")[0]
    n = counter_next(f"inspections.iteration:{base}")
    number = f"{base}-R{n}"
    child = Inspection.objects.create(
        number=number,
        order_id=parent.order_id,
        customer_id=parent.customer_id,
        branch_id=parent.branch_id,
        parent=parent,
        status=S.NOT_SCHEDULED,
        payment_status=parent.payment_status,
        address=parent.address,
        notes=(notes or "").strip() or parent.notes,
        created_by=actor,
        search_text=search_text(number, parent.customer),
    )
    _event(child, actor, from_status="", to_status=S.NOT_SCHEDULED, details={"repeat_of": parent.number})
    _event(parent, actor, from_status=parent.status, to_status=parent.status, details={"repeat": number})
    return child


# ---------------------------------------------------------------------------------------------------------------
# Files


def _file_save(inspection: Inspection, actor: Any, upload: Any) -> InspectionFile:
    try:
        kind = validate_private_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    original = (getattr(upload, "name", "") or "file")[-200:]
    upload.name = f"{uuid.uuid4().hex}.{'jpg' if kind == 'jpeg' else kind}"
    return InspectionFile.objects.create(
        inspection=inspection,
        file=upload,
        kind=kind,
        original_name=original,
        size=upload.size,
        uploaded_by=actor,
    )


@transaction.atomic
def inspection_file_add(*, inspection: Inspection, actor: Any, upload: Any) -> InspectionFile:
    """Attach a measurement sheet or photo (PDF, JPEG, PNG, WebP, checked by content; size limit): inspection
    managers, or the visit's technician."""
    access = access_for(actor)
    own = inspection.technician_id is not None and inspection.technician_id == access.user_id
    if not (access.has_perm(MANAGE) or (access.has_perm(WORK) and own)):
        raise PermissionDeniedError(_("You may not add files to this inspection."))
    if inspection.status == S.CANCELLED:
        raise InvalidTransition(_("The inspection is cancelled."))
    stored = _file_save(inspection, actor, upload)
    _event(
        inspection,
        actor,
        from_status=inspection.status,
        to_status=inspection.status,
        details={"file": stored.original_name},
    )
    return stored


# ---------------------------------------------------------------------------------------------------------------
# The order cancelled (hook called by orders inside its transaction)

OPEN = (S.NOT_SCHEDULED, S.PENDING, S.SCHEDULED, S.POSTPONED)


@transaction.atomic
def inspection_order_cancelled(*, order: Any, actor: Any, reason: str = "", **_kw: Any) -> list[Inspection]:
    """The ``order.cancelled`` receiver: the order's open inspections (not scheduled, waiting, scheduled, postponed)
    are cancelled with the reason, their timeline, the technician of a scheduled visit told, and one row on the
    order's timeline; completed ones stay as they are. A visit under way refuses the order's cancellation (a
    ValidationError naming it: complete or postpone it first; the whole cancellation rolls back). Returns the
    inspections cancelled."""
    from erp.orders.handoffs import order_record_handoff

    rows = list(
        Inspection.objects.select_for_update()
        .filter(order_id=order.pk, status__in=(*OPEN, S.IN_PROGRESS))
        .order_by("pk")
    )
    busy = [i for i in rows if i.status == S.IN_PROGRESS]
    if busy:
        raise ValidationError(
            {
                "to": _("The inspection %(number)s is under way: complete or postpone it first, then cancel the order.")
                % {"number": busy[0].number}
            }
        )
    reason = (reason or "").strip()
    for inspection in rows:
        current = inspection.status
        inspection.status = S.CANCELLED
        inspection.status_reason = reason[:255]
        inspection.save(update_fields=["status", "status_reason", "updated_at"])
        event = _event(
            inspection,
            actor,
            from_status=current,
            to_status=S.CANCELLED,
            reason=reason,
            details={"order_cancelled": True},
        )
        if current == S.SCHEDULED and inspection.technician_id:
            from erp.notifications.services import notify

            notify(
                kind="inspection",
                event="inspection_cancelled",
                title=_("Inspection %(number)s is cancelled: %(reason)s")
                % {"number": inspection.number, "reason": reason},
                link=reverse("inspections:inspection_detail", kwargs={"pk": inspection.pk}),
                actor=actor,
                users=[inspection.technician_id],
                extra={"inspection_id": inspection.pk},
                idempotency_key=f"inspection:{inspection.pk}:cancelled:{event.pk}",
            )
    if rows:
        order_record_handoff(
            order=order.pk,
            actor=actor,
            kind="inspection_cancelled",
            details={"inspections": [i.number for i in rows], "reason": reason},
        )
    return rows
