"""Complaint writes: filing (numbered per customer, SLA deadlines on the business calendar), assignment, the
lifecycle moves of `TRANSITIONS` (each with its permission rule and a timeline row), escalation, comments with
private attachments, the customer's evaluation, and the two periodic jobs (overdue marking, delay complaints).

Every write is atomic; notifications are outbox events written in the same transaction (keyed, so a retried call
notifies once). Services re-check the caller's scope and permission: a complaint outside the scope is "not found".
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from erp.accounts.access import AccessProfile, access_for, require_perm
from erp.accounts.roles import RoleKey
from erp.accounts.scoping import scope_for
from erp.complaints.calendar import WorkCalendar, add_business_hours, calendar_from
from erp.complaints.models import (
    BusinessCalendar,
    Complaint,
    ComplaintAttachment,
    ComplaintType,
    ComplaintUpdate,
    CustomerEvaluation,
    Holiday,
    Priority,
)
from erp.core import hooks
from erp.core.counters import counter_next
from erp.core.exceptions import ConflictError, InvalidTransition, NotFoundError, PermissionDeniedError
from erp.core.files import validate_private_upload
from erp.core.text import normalize_search

S = Complaint.Status
U = ComplaintUpdate.Kind
OPEN = (S.NEW, S.IN_PROGRESS, S.RESOLVED, S.PENDING_EVALUATION)
UNRESOLVED = (S.NEW, S.IN_PROGRESS)

VIEW = "complaints.view_complaints"
CREATE = "complaints.create_complaints"
HANDLE = "complaints.handle_complaints"
MANAGE = "complaints.manage_complaints"
MANAGE_TYPES = "complaints.manage_complaint_types"

# Who may make each move: "handle" (a manager, or a handler the complaint is assigned to), "close" (a manager or
# the complaint's creator) or "manage" (managers only).
TRANSITIONS: dict[str, dict[str, str]] = {
    S.NEW: {S.IN_PROGRESS: "handle", S.RESOLVED: "handle"},
    S.IN_PROGRESS: {S.RESOLVED: "handle"},
    S.RESOLVED: {S.PENDING_EVALUATION: "handle", S.IN_PROGRESS: "manage"},
    S.PENDING_EVALUATION: {S.CLOSED: "close", S.IN_PROGRESS: "manage"},
    S.CLOSED: {S.IN_PROGRESS: "manage"},
}
# Moves that need a reason: the resolution note, or why a complaint is reopened.
NEEDS_REASON = {(S.NEW, S.RESOLVED), (S.IN_PROGRESS, S.RESOLVED), (S.RESOLVED, S.IN_PROGRESS)}
NEEDS_REASON |= {(S.PENDING_EVALUATION, S.IN_PROGRESS), (S.CLOSED, S.IN_PROGRESS)}

# Roles a complaint can be assigned to as a department.
DEPARTMENT_ROLES = (
    RoleKey.BRANCH_MANAGER,
    RoleKey.SALESPERSON,
    RoleKey.INSPECTION_MANAGER,
    RoleKey.INSTALLATION_MANAGER,
    RoleKey.FACTORY_MANAGER,
    RoleKey.SALES_MANAGER,
)
DELAY_TYPES = {
    "delivery_delay": ("تأخير في التسليم", "Delivery delay"),
    "installation_delay": ("تأخير في التركيب", "Installation delay"),
}
# An order this many days late files its delay complaint as high priority (B §5.8).
HIGH_PRIORITY_DAYS = 7
ATTACHMENT_LIMIT = 5


# ---------------------------------------------------------------------------------------------------------------
# Calendar


def default_calendar() -> BusinessCalendar:
    calendar = BusinessCalendar.objects.filter(is_default=True).first()
    if calendar is None:
        calendar, _created = BusinessCalendar.objects.get_or_create(
            is_default=True, defaults={"name": _("Working week")}
        )
    return calendar


def work_calendar(calendar: BusinessCalendar) -> WorkCalendar:
    return calendar_from(
        workdays=calendar.workdays,
        day_start=calendar.day_start,
        day_end=calendar.day_end,
        holidays=calendar.holidays.values_list("date", flat=True),
    )


def _type_calendar(complaint_type: ComplaintType, cache: dict[int, WorkCalendar] | None = None) -> WorkCalendar:
    calendar = complaint_type.calendar or default_calendar()
    if cache is not None and calendar.pk in cache:
        return cache[calendar.pk]
    result = work_calendar(calendar)
    if cache is not None:
        cache[calendar.pk] = result
    return result


def sla_deadlines(
    *, complaint_type: ComplaintType, start: datetime, calendar: WorkCalendar
) -> dict[str, datetime | None]:
    return {
        "response_due": add_business_hours(start, complaint_type.response_hours, calendar),
        "resolution_due": add_business_hours(start, complaint_type.resolution_hours, calendar),
        "escalation_due": (
            add_business_hours(start, complaint_type.escalation_hours, calendar)
            if complaint_type.escalation_hours
            else None
        ),
    }


@transaction.atomic
def calendar_update(
    *, actor: Any, calendar: BusinessCalendar, name: str, workdays: Sequence[int], day_start: time, day_end: time
) -> BusinessCalendar:
    require_perm(actor, MANAGE_TYPES)
    if day_end <= day_start:
        raise ValidationError({"day_end": _("The working day must end after it starts.")})
    days = sorted({int(d) for d in workdays})
    if not days or any(d < 0 or d > 6 for d in days):
        raise ValidationError({"workdays": _("Choose at least one working day.")})
    calendar.name, calendar.workdays, calendar.day_start, calendar.day_end = name, days, day_start, day_end
    calendar.save()
    return calendar


@transaction.atomic
def holiday_add(*, actor: Any, calendar: BusinessCalendar, day: date, name: str) -> Holiday:
    require_perm(actor, MANAGE_TYPES)
    if Holiday.objects.filter(calendar=calendar, date=day).exists():
        raise ValidationError({"date": _("This day is already a holiday.")})
    return Holiday.objects.create(calendar=calendar, date=day, name=name.strip())


@transaction.atomic
def holiday_delete(*, actor: Any, holiday: Holiday) -> None:
    require_perm(actor, MANAGE_TYPES)
    holiday.delete()


# ---------------------------------------------------------------------------------------------------------------
# Complaint types

TYPE_FIELDS = (
    "code",
    "name_ar",
    "name_en",
    "default_priority",
    "response_hours",
    "resolution_hours",
    "escalation_hours",
    "calendar",
    "default_assignee",
    "default_role",
    "is_active",
)


def _check_type(data: dict[str, Any]) -> None:
    if int(data.get("resolution_hours", 0)) < int(data.get("response_hours", 0)):
        raise ValidationError({"resolution_hours": _("Resolution cannot be due before the response.")})
    role = data.get("default_role") or ""
    if role and role not in DEPARTMENT_ROLES:
        raise ValidationError({"default_role": _("Complaints cannot be assigned to this department.")})
    code = data.get("code") or ""
    if code and ComplaintType.objects.filter(code=code).exclude(pk=data.get("pk") or 0).exists():
        raise ValidationError({"code": _("Another complaint type has this code.")})


@transaction.atomic
def complaint_type_create(*, actor: Any, data: dict[str, Any]) -> ComplaintType:
    require_perm(actor, MANAGE_TYPES)
    _check_type(data)
    return ComplaintType.objects.create(**{k: v for k, v in data.items() if k in TYPE_FIELDS})


@transaction.atomic
def complaint_type_update(*, actor: Any, complaint_type: ComplaintType, data: dict[str, Any]) -> ComplaintType:
    require_perm(actor, MANAGE_TYPES)
    _check_type({**{f: getattr(complaint_type, f) for f in TYPE_FIELDS}, **data, "pk": complaint_type.pk})
    for key, value in data.items():
        if key in TYPE_FIELDS:
            setattr(complaint_type, key, value)
    complaint_type.save()
    return complaint_type


# ---------------------------------------------------------------------------------------------------------------
# Permissions per complaint


def _is_assignee(access: AccessProfile, complaint: Complaint) -> bool:
    if complaint.assigned_to_id and complaint.assigned_to_id == access.user_id:
        return True
    if complaint.assigned_role and complaint.assigned_role in access.roles:
        branch = complaint.assigned_branch_id
        return branch is None or branch == access.branch_id or branch in access.managed_branch_ids
    return False


def _may(access: AccessProfile, complaint: Complaint, rule: str) -> bool:
    if access.has_perm(MANAGE):
        return True
    if rule == "handle":
        return access.has_perm(HANDLE) and _is_assignee(access, complaint)
    if rule == "close":
        return (
            access.has_perm(VIEW) and complaint.created_by_id is not None and complaint.created_by_id == access.user_id
        )
    return False


def complaint_allowed_targets(*, complaint: Complaint, user: Any) -> list[str]:
    """The statuses `user` may move `complaint` to now (close only once the customer's evaluation is in)."""
    access = access_for(user)
    out = []
    for target, rule in TRANSITIONS[complaint.status].items():
        if target == S.CLOSED and not _has_evaluation(complaint):
            continue
        if _may(access, complaint, rule):
            out.append(str(target))
    return sorted(out)


def complaint_can(*, complaint: Complaint, user: Any) -> dict[str, bool]:
    """What the detail page and API offer besides the moves."""
    access = access_for(user)
    open_ = complaint.status != S.CLOSED
    handles = _may(access, complaint, "handle")
    return {
        "assign": open_ and access.has_perm(MANAGE),
        "escalate": open_ and handles,
        "comment": access.has_perm(VIEW),
        "evaluate": complaint.status in (S.RESOLVED, S.PENDING_EVALUATION) and (access.has_perm(CREATE) or handles),
    }


def _has_evaluation(complaint: Complaint) -> bool:
    try:
        return complaint.evaluation is not None
    except CustomerEvaluation.DoesNotExist:
        return False


def _locked(complaint: Complaint | int, actor: Any) -> Complaint:
    """The complaint, locked, if `actor` (None: the system) may see it."""
    pk = complaint if isinstance(complaint, int) else complaint.pk
    qs = Complaint.objects.select_for_update(of=("self",)).select_related("evaluation")
    if actor is not None:
        qs = scope_for(actor, "complaints", qs)
    found = qs.filter(pk=pk).first()
    if found is None:
        raise NotFoundError(_("Complaint not found."))
    return found


# ---------------------------------------------------------------------------------------------------------------
# Notifications and timeline

_PRIORITY: dict[str, int] = {Priority.LOW: 10, Priority.MEDIUM: 20, Priority.HIGH: 30, Priority.URGENT: 40}


def _record(
    complaint: Complaint,
    *,
    kind: str,
    actor: Any,
    text: str = "",
    from_status: str = "",
    to_status: str = "",
    details: dict[str, Any] | None = None,
    notify_event: str = "",
    title: str = "",
    priority: int | None = None,
    users: Iterable[Any] = (),
) -> ComplaintUpdate:
    user = actor if getattr(actor, "pk", None) else None
    update = ComplaintUpdate.objects.create(
        complaint=complaint,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        text=text,
        user=user,
        details=details or {},
    )
    Complaint.objects.filter(pk=complaint.pk).update(last_activity_at=timezone.now())
    if notify_event:
        _notify(
            complaint,
            event=notify_event,
            title=title,
            actor=user,
            priority=priority,
            users=users,
            key=f"complaint:{complaint.pk}:update:{update.pk}",
        )
    return update


def _notify(
    complaint: Complaint,
    *,
    event: str,
    title: str,
    actor: Any,
    key: str,
    priority: int | None = None,
    users: Iterable[Any] = (),
) -> None:
    from django.urls import reverse

    from erp.notifications.models import Kind
    from erp.notifications.services import notify

    named = {int(getattr(u, "pk", u)) for u in users if u}
    if complaint.assigned_to_id:
        named.add(complaint.assigned_to_id)
    if complaint.created_by_id:
        named.add(complaint.created_by_id)
    notify(
        kind=Kind.COMPLAINT,
        event=event,
        title=title or f"{complaint.number}: {complaint.title}",
        priority=priority or _PRIORITY.get(complaint.priority, 20),
        link=reverse("complaints:complaint_detail", args=[complaint.pk]),
        actor=actor,
        branch=complaint.branch_id,
        users=sorted(named),
        idempotency_key=key,
        extra={"complaint_id": complaint.pk, "number": complaint.number},
    )


# ---------------------------------------------------------------------------------------------------------------
# Filing


def complaint_search_text(complaint: Complaint, customer: Any) -> str:
    parts = [complaint.number, complaint.title, customer.name, customer.code, customer.phone]
    return normalize_search(" ".join(p for p in parts if p))


def _related(obj: Model | None) -> dict[str, Any]:
    if obj is None:
        return {}
    url = ""
    get_url = getattr(obj, "get_absolute_url", None)
    if callable(get_url):
        url = str(get_url())
    return {
        "related_type": ContentType.objects.get_for_model(obj),
        "related_id": obj.pk,
        "related_label": str(obj)[:120],
        "related_url": url[:255],
    }


@transaction.atomic
def complaint_create(
    *,
    actor: Any,
    customer: Any,
    complaint_type: ComplaintType,
    title: str,
    description: str = "",
    priority: str | None = None,
    related_order: Any = None,
    related_object: Model | None = None,
    related_label: str = "",
    related_url: str = "",
    assigned_to: Any = None,
    assigned_role: str = "",
    source: str = Complaint.Source.MANUAL,
    delay_key: str = "",
    now: datetime | None = None,
    calendars: dict[int, WorkCalendar] | None = None,
) -> Complaint:
    """File a complaint. `actor` None is the system (automatic delay complaints: no permission check)."""
    if actor is not None:
        require_perm(actor, CREATE)
        from erp.customers.models import Customer

        if not scope_for(actor, "customers", Customer.objects.filter(pk=customer.pk)).exists():
            raise NotFoundError(_("Customer not found."))
    if not title.strip():
        raise ValidationError({"title": _("Give the complaint a title.")})
    if not complaint_type.is_active:
        raise ValidationError({"complaint_type": _("This complaint type is no longer used.")})
    if related_order is not None and related_order.customer_id != customer.pk:
        raise ValidationError({"related_order": _("The order belongs to another customer.")})
    if assigned_role and assigned_role not in DEPARTMENT_ROLES:
        raise ValidationError({"assigned_role": _("Complaints cannot be assigned to this department.")})
    now = now or timezone.now()
    deadlines = sla_deadlines(
        complaint_type=complaint_type, start=now, calendar=_type_calendar(complaint_type, calendars)
    )
    if assigned_to is None and not assigned_role:
        assigned_to = complaint_type.default_assignee
        assigned_role = complaint_type.default_role
    number = f"P{customer.code}-{counter_next(f'complaints.customer:{customer.pk}'):03d}"
    complaint = Complaint(
        number=number,
        customer=customer,
        branch_id=customer.branch_id,
        related_order=related_order,
        complaint_type=complaint_type,
        priority=priority or complaint_type.default_priority,
        source=source,
        title=title.strip()[:200],
        description=description.strip(),
        assigned_to=assigned_to,
        assigned_role=assigned_role or "",
        assigned_branch_id=customer.branch_id
        if assigned_role in (RoleKey.BRANCH_MANAGER, RoleKey.SALESPERSON)
        else None,
        delay_key=delay_key,
        created_by=actor if getattr(actor, "pk", None) else None,
        **deadlines,
        **_related(related_object),
    )
    if related_label and not complaint.related_label:
        complaint.related_label, complaint.related_url = related_label[:120], related_url[:255]
    complaint.search_text = complaint_search_text(complaint, customer)
    try:
        with transaction.atomic():
            complaint.save()
    except IntegrityError as exc:
        raise ConflictError(_("An open complaint already covers this delay."), code="duplicate_delay") from exc
    complaint.created_at = now
    Complaint.objects.filter(pk=complaint.pk).update(created_at=now, last_activity_at=now)
    _record(
        complaint,
        kind=U.CREATED,
        actor=actor,
        to_status=S.NEW,
        text=description.strip()[:1000],
        notify_event="complaint_created",
        title=_("New complaint %(number)s: %(title)s") % {"number": number, "title": complaint.title},
    )
    return complaint


# ---------------------------------------------------------------------------------------------------------------
# Moves


@transaction.atomic
def complaint_transition(*, actor: Any, complaint: Complaint | int, to: str, reason: str = "") -> Complaint:
    """Move the complaint to `to` per TRANSITIONS; 409 (with the allowed targets) for a move that does not exist."""
    require_perm(actor, VIEW)
    complaint = _locked(complaint, actor)
    current = complaint.status
    rule = TRANSITIONS[current].get(to)
    if rule is None:
        raise InvalidTransition(
            _("A complaint that is %(status)s cannot become %(to)s.")
            % {"status": complaint.get_status_display(), "to": to},
            extra={"to": complaint_allowed_targets(complaint=complaint, user=actor)},
        )
    if not _may(access_for(actor), complaint, rule):
        raise PermissionDeniedError(_("You may not do this to the complaint."))
    reason = (reason or "").strip()
    if (current, to) in NEEDS_REASON and not reason:
        field = "resolution" if to == S.RESOLVED else "reason"
        raise ValidationError({field: _("Give a reason.") if field == "reason" else _("Describe the resolution.")})
    now = timezone.now()
    fields = ["status", "updated_at"]
    if to == S.CLOSED:
        if not _has_evaluation(complaint):
            raise ConflictError(_("Record the customer's evaluation before closing."), code="evaluation_required")
        complaint.closed_at = now
        fields.append("closed_at")
    elif to == S.RESOLVED:
        complaint.resolved_at, complaint.resolution_note = now, reason
        fields += ["resolved_at", "resolution_note"]
        if complaint.started_at is None:
            complaint.started_at = now
            fields.append("started_at")
    elif to == S.IN_PROGRESS:
        if current == S.NEW:
            complaint.started_at = now
            fields.append("started_at")
        else:  # reopened
            complaint.resolved_at = complaint.closed_at = None
            fields += ["resolved_at", "closed_at"]
    complaint.status = to
    try:
        with transaction.atomic():
            complaint.save(update_fields=fields)
    except IntegrityError as exc:
        raise ConflictError(_("Another open complaint already covers this delay."), code="duplicate_delay") from exc
    _record(
        complaint,
        kind=U.STATUS,
        actor=actor,
        from_status=current,
        to_status=to,
        text=reason,
        notify_event="complaint_status_changed" if to != S.RESOLVED else "complaint_resolved",
        title=_("Complaint %(number)s is now %(status)s")
        % {"number": complaint.number, "status": complaint.get_status_display()},
    )
    return complaint


@transaction.atomic
def complaint_assign(
    *, actor: Any, complaint: Complaint | int, user: Any = None, role: str = "", note: str = ""
) -> Complaint:
    """Assign to a person or to a department (a role, within the complaint's branch for branch roles)."""
    require_perm(actor, MANAGE)
    complaint = _locked(complaint, actor)
    if complaint.status == S.CLOSED:
        raise InvalidTransition(_("A closed complaint cannot be reassigned."), extra={"to": []})
    if user is None and not role:
        raise ValidationError({"assigned_to": _("Choose a person or a department.")})
    if role and role not in DEPARTMENT_ROLES:
        raise ValidationError({"assigned_role": _("Complaints cannot be assigned to this department.")})
    if user is not None and not user.is_active:
        raise ValidationError({"assigned_to": _("This user is not active.")})
    previous = {"user": complaint.assigned_to_id, "role": complaint.assigned_role}
    complaint.assigned_to = user
    complaint.assigned_role = role or ""
    complaint.assigned_branch_id = (
        complaint.branch_id if role in (RoleKey.BRANCH_MANAGER, RoleKey.SALESPERSON) else None
    )
    complaint.save(update_fields=["assigned_to", "assigned_role", "assigned_branch", "updated_at"])
    _record(
        complaint,
        kind=U.ASSIGNMENT,
        actor=actor,
        text=note.strip(),
        details={"from": previous, "to": {"user": getattr(user, "pk", None), "role": role}},
        notify_event="complaint_assigned",
        title=_("Complaint %(number)s was assigned") % {"number": complaint.number},
        users=[user] if user else (),
    )
    return complaint


@transaction.atomic
def complaint_escalate(*, actor: Any, complaint: Complaint | int, reason: str) -> Complaint:
    """One level up, from any open state (the status does not change); everyone concerned is notified."""
    complaint = _locked(complaint, actor)
    if actor is not None and not _may(access_for(actor), complaint, "handle"):
        raise PermissionDeniedError(_("You may not escalate this complaint."))
    if complaint.status == S.CLOSED:
        raise InvalidTransition(_("A closed complaint cannot be escalated."), extra={"to": []})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason.")})
    complaint.escalation_level += 1
    complaint.escalated_at = timezone.now()
    complaint.save(update_fields=["escalation_level", "escalated_at", "updated_at"])
    _record(
        complaint,
        kind=U.ESCALATION,
        actor=actor,
        text=reason.strip(),
        details={"level": complaint.escalation_level},
        notify_event="complaint_escalated",
        title=_("Complaint %(number)s escalated to level %(level)s")
        % {"number": complaint.number, "level": complaint.escalation_level},
        priority=40,
    )
    return complaint


@dataclass
class Upload:
    name: str
    file: Any


@transaction.atomic
def complaint_comment(
    *, actor: Any, complaint: Complaint | int, text: str, files: Sequence[Any] = ()
) -> ComplaintUpdate:
    """A comment, with up to ATTACHMENT_LIMIT files (PDF or images, checked by content and size)."""
    require_perm(actor, VIEW)
    complaint = _locked(complaint, actor)
    text = (text or "").strip()
    if not text and not files:
        raise ValidationError({"text": _("Write a comment or attach a file.")})
    if len(files) > ATTACHMENT_LIMIT:
        raise ValidationError({"files": _("Attach at most %(n)s files at once.") % {"n": ATTACHMENT_LIMIT}})
    kinds = []
    for upload in files:
        try:
            kinds.append(validate_private_upload(upload))
        except ValidationError as exc:
            raise ValidationError({"files": [f"{getattr(upload, 'name', '')}: {m}" for m in exc.messages]}) from exc
    update = _record(
        complaint,
        kind=U.COMMENT,
        actor=actor,
        text=text,
        details={"files": len(files)},
        notify_event="complaint_comment",
        title=_("New comment on complaint %(number)s") % {"number": complaint.number},
        priority=20,
    )
    for upload, kind in zip(files, kinds, strict=True):
        ComplaintAttachment.objects.create(
            complaint=complaint,
            update=update,
            file=upload,
            name=str(getattr(upload, "name", "file"))[-200:],
            kind=kind,
            size=int(getattr(upload, "size", 0) or 0),
            uploaded_by=update.user,
        )
    return update


@transaction.atomic
def complaint_evaluate(
    *,
    actor: Any,
    complaint: Complaint | int,
    overall: int,
    response_speed: int,
    solution_quality: int,
    staff: int,
    would_recommend: bool = True,
    comment: str = "",
) -> CustomerEvaluation:
    """Record (or correct) the customer's evaluation of a resolved complaint."""
    complaint = _locked(complaint, actor)
    if not complaint_can(complaint=complaint, user=actor)["evaluate"]:
        if complaint.status not in (S.RESOLVED, S.PENDING_EVALUATION):
            raise InvalidTransition(
                _("Only a resolved complaint can be evaluated."),
                extra={"to": complaint_allowed_targets(complaint=complaint, user=actor)},
            )
        raise PermissionDeniedError(_("You may not record this evaluation."))
    ratings = {
        "overall": overall,
        "response_speed": response_speed,
        "solution_quality": solution_quality,
        "staff": staff,
    }
    bad = {k: [_("Rate from 1 to 5.")] for k, v in ratings.items() if not isinstance(v, int) or not 1 <= v <= 5}
    if bad:
        raise ValidationError(bad)
    evaluation, _created = CustomerEvaluation.objects.update_or_create(
        complaint=complaint,
        defaults={**ratings, "would_recommend": would_recommend, "comment": comment.strip(), "recorded_by": actor},
    )
    _record(complaint, kind=U.EVALUATION, actor=actor, text=comment.strip(), details=ratings)
    return evaluation


# ---------------------------------------------------------------------------------------------------------------
# Periodic jobs


@transaction.atomic
def complaints_mark_overdue(*, now: datetime | None = None) -> dict[str, int]:
    """Flag unresolved complaints past their response or resolution deadline, and escalate (level 1) those open
    past their escalation deadline. Idempotent: a flagged complaint is not flagged (or notified) again."""
    now = now or timezone.now()
    due = Q(status=S.NEW, response_due__lt=now) | Q(status__in=UNRESOLVED, resolution_due__lt=now)
    overdue = list(Complaint.objects.select_for_update(skip_locked=True).filter(due, is_overdue=False).order_by("pk"))
    if overdue:
        Complaint.objects.filter(pk__in=[c.pk for c in overdue]).update(is_overdue=True, updated_at=now)
        ComplaintUpdate.objects.bulk_create(
            ComplaintUpdate(complaint=c, kind=U.OVERDUE, to_status=c.status, details={"at": now.isoformat()})
            for c in overdue
        )
        for c in overdue:
            _notify(
                c,
                event="complaint_overdue",
                title=_("Complaint %(number)s is overdue") % {"number": c.number},
                actor=None,
                key=f"complaint:{c.pk}:overdue",
                priority=30,
            )
    to_escalate = list(
        Complaint.objects.select_for_update(skip_locked=True)
        .filter(status__in=UNRESOLVED, escalation_level=0, escalation_due__lt=now)
        .order_by("pk")
    )
    for c in to_escalate:
        complaint_escalate(actor=None, complaint=c, reason=_("Open past the escalation threshold."))
    return {"overdue": len(overdue), "escalated": len(to_escalate)}


def _order_delay_candidates(today: date) -> list[hooks.DelayCandidate]:
    from erp.orders.models import Order

    late = (
        Order.objects.filter(expected_delivery_date__lt=today)
        .exclude(
            status__in=[Order.Status.COMPLETED, Order.Status.DELIVERED, Order.Status.CANCELLED, Order.Status.REJECTED]
        )
        .values_list("pk", "number", "customer_id", "expected_delivery_date")
        .order_by("pk")
    )
    return [
        hooks.DelayCandidate(
            key=f"order:{pk}:delivery",
            order_id=pk,
            customer_id=customer_id,
            reason=_("Order %(number)s was due on %(date)s.") % {"number": number, "date": due.isoformat()},
            related_label=number,
        )
        for pk, number, customer_id, due in late
    ]


def _delay_type(code: str) -> ComplaintType:
    name_ar, name_en = DELAY_TYPES[code]
    complaint_type, _created = ComplaintType.objects.get_or_create(
        code=code,
        defaults={
            "name_ar": name_ar,
            "name_en": name_en,
            "default_priority": Priority.MEDIUM,
            "response_hours": 4,
            "resolution_hours": 48,
            "escalation_hours": 24,
        },
    )
    return complaint_type


def complaints_create_delay_complaints(*, today: date | None = None) -> list[int]:
    """One automatic complaint per late order (past its expected delivery, not finished) and per late thing other
    departments report through the ``complaints.delay_candidates`` hook, unless one with the same key is open."""
    from erp.customers.models import Customer
    from erp.orders.models import Order

    today = today or timezone.localdate()
    candidates = _order_delay_candidates(today)
    for result in hooks.call("complaints.delay_candidates", today=today):
        candidates.extend(result or ())
    if not candidates:
        return []
    keys = {c.key for c in candidates}
    taken = set(
        Complaint.objects.filter(delay_key__in=keys).exclude(status=S.CLOSED).values_list("delay_key", flat=True)
    )
    fresh = []
    for candidate in candidates:
        if candidate.key not in taken:
            taken.add(candidate.key)
            fresh.append(candidate)
    customers = Customer.objects.in_bulk({c.customer_id for c in fresh})
    orders = Order.objects.in_bulk({c.order_id for c in fresh if c.order_id})
    calendars: dict[int, WorkCalendar] = {}
    created = []
    for candidate in fresh:
        order = orders.get(candidate.order_id)
        customer = customers.get(candidate.customer_id)
        if customer is None:
            continue
        code = "installation_delay" if candidate.key.startswith("installation") else "delivery_delay"
        late_days = (today - order.expected_delivery_date).days if order is not None else 0
        try:
            with transaction.atomic():
                complaint = complaint_create(
                    actor=None,
                    customer=customer,
                    complaint_type=_delay_type(code),
                    title=candidate.reason[:200],
                    description=candidate.reason,
                    priority=Priority.HIGH if late_days > HIGH_PRIORITY_DAYS else None,
                    related_order=order if order is not None and order.customer_id == customer.pk else None,
                    related_label=candidate.related_label if code == "installation_delay" else "",
                    related_url=candidate.related_url if code == "installation_delay" else "",
                    source=Complaint.Source.AUTO,
                    delay_key=candidate.key,
                    calendars=calendars,
                )
        except ConflictError:  # filed meanwhile by a concurrent run
            continue
        created.append(complaint.pk)
    return created
