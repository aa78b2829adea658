"""Complaint services: numbering, SLA deadlines, every move allowed and refused by role, evaluation before closing,
escalation, assignment, comments with attachments, the periodic jobs and scoping."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from erp.accounts.roles import RoleKey
from erp.accounts.scoping import scope_for
from erp.complaints import services
from erp.complaints.calendar import CAIRO
from erp.complaints.models import BusinessCalendar, Complaint, ComplaintUpdate, Holiday
from erp.complaints.tests import factories as f
from erp.core.exceptions import ConflictError, InvalidTransition, NotFoundError, PermissionDeniedError
from erp.core.hooks import DelayCandidate
from erp.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db
S = Complaint.Status
R = RoleKey


@pytest.fixture
def people(make_user: Callable[..., Any], branch_a: Any, branch_b: Any) -> dict[str, Any]:
    users: dict[str, Any] = {
        role: make_user(role, branch=branch_a, username=f"c_{role}")
        for role in (
            R.SALESPERSON,
            R.BRANCH_MANAGER,
            R.SALES_MANAGER,
            R.INSTALLATION_MANAGER,
            R.INSPECTION_MANAGER,
            R.FACTORY_MANAGER,
            R.WAREHOUSE_STAFF,
        )
    }
    users["seller_b"] = make_user(R.SALESPERSON, branch=branch_b, username="c_seller_b")
    users["manager_b"] = make_user(R.BRANCH_MANAGER, branch=branch_b, username="c_manager_b")
    return users


@pytest.fixture
def customer(branch_a: Any, people: dict[str, Any]) -> Any:
    return f.customer(branch=branch_a, created_by=people[R.SALESPERSON])


def _move(complaint: Complaint, actor: Any, *path: tuple[str, str]) -> Complaint:
    for to, reason in path:
        complaint = services.complaint_transition(actor=actor, complaint=complaint, to=to, reason=reason)
    return complaint


def _evaluate(complaint: Complaint, actor: Any, **kw: Any) -> Any:
    ratings = {"overall": 4, "response_speed": 5, "solution_quality": 4, "staff": 5, **kw}
    return services.complaint_evaluate(actor=actor, complaint=complaint, **ratings)


# ---------------------------------------------------------------------------------------------------------------
# Filing


def test_numbers_come_from_a_counter_per_customer(people: dict[str, Any], customer: Any, branch_a: Any) -> None:
    seller = people[R.SALESPERSON]
    other = f.customer(branch=branch_a, created_by=seller)
    first = f.complaint(actor=seller, customer=customer)
    second = f.complaint(actor=seller, customer=customer)
    third = f.complaint(actor=seller, customer=other)
    assert first.number == f"P{customer.code}-001"
    assert second.number == f"P{customer.code}-002"
    assert third.number == f"P{other.code}-001"
    assert first.branch_id == branch_a.pk and first.status == S.NEW and first.created_by == seller
    assert ComplaintUpdate.objects.filter(complaint=first, kind="created").count() == 1


def test_deadlines_count_business_hours_from_a_fixed_clock(people: dict[str, Any], customer: Any) -> None:
    calendar = services.default_calendar()
    Holiday.objects.create(calendar=calendar, date=date(2026, 1, 3), name="إجازة")
    ctype = f.complaint_type(response_hours=4, resolution_hours=16, escalation_hours=8)
    # Thursday 15:00 Cairo: 2 h Thursday, Friday off, Saturday a holiday, the rest from Sunday 09:00.
    now = datetime(2026, 1, 1, 15, 0, tzinfo=CAIRO)
    complaint = f.complaint(actor=people[R.SALESPERSON], customer=customer, ctype=ctype, now=now)
    assert complaint.response_due == datetime(2026, 1, 4, 11, 0, tzinfo=CAIRO)
    assert complaint.escalation_due == datetime(2026, 1, 4, 15, 0, tzinfo=CAIRO)
    assert complaint.resolution_due == datetime(2026, 1, 5, 15, 0, tzinfo=CAIRO)


def test_a_type_calendar_overrides_the_default(people: dict[str, Any], customer: Any) -> None:
    seven_days = BusinessCalendar.objects.create(name="كل الأيام", workdays=[0, 1, 2, 3, 4, 5, 6])
    ctype = f.complaint_type(response_hours=4, resolution_hours=8, calendar=seven_days)
    now = datetime(2026, 1, 1, 15, 0, tzinfo=CAIRO)  # Thursday
    complaint = f.complaint(actor=people[R.SALESPERSON], customer=customer, ctype=ctype, now=now)
    assert complaint.response_due == datetime(2026, 1, 2, 11, 0, tzinfo=CAIRO)  # Friday counts here


def test_filing_needs_the_permission_and_the_customer_in_scope(people: dict[str, Any], customer: Any) -> None:
    with pytest.raises(PermissionDenied):
        f.complaint(actor=people[R.WAREHOUSE_STAFF], customer=customer)
    with pytest.raises(NotFoundError):
        f.complaint(actor=people["seller_b"], customer=customer)
    with pytest.raises(ValidationError):
        f.complaint(actor=people[R.SALESPERSON], customer=customer, title="  ")
    inactive = f.complaint_type(is_active=False)
    with pytest.raises(ValidationError):
        f.complaint(actor=people[R.SALESPERSON], customer=customer, ctype=inactive)


def test_the_related_order_must_be_the_customers(people: dict[str, Any], customer: Any, branch_a: Any) -> None:
    other = f.customer(branch=branch_a)
    order = f.order(customer=other, created_by=people[R.SALESPERSON])
    with pytest.raises(ValidationError):
        f.complaint(actor=people[R.SALESPERSON], customer=customer, related_order=order)
    mine = f.order(customer=customer, created_by=people[R.SALESPERSON])
    assert f.complaint(actor=people[R.SALESPERSON], customer=customer, related_order=mine).related_order == mine


def test_any_document_can_be_related_as_a_label_and_link(people: dict[str, Any], customer: Any) -> None:
    order = f.order(customer=customer, created_by=people[R.SALESPERSON])
    complaint = f.complaint(actor=people[R.SALESPERSON], customer=customer, related_object=order)
    assert (
        complaint.related_type is not None
        and complaint.related_type.model == "order"
        and complaint.related_id == order.pk
    )
    assert complaint.related_label == str(order)


def test_the_type_defaults_assign_and_a_notification_is_queued(people: dict[str, Any], customer: Any) -> None:
    ctype = f.complaint_type(default_role=R.INSTALLATION_MANAGER, default_priority="high")
    complaint = f.complaint(actor=people[R.SALESPERSON], customer=customer, ctype=ctype)
    assert complaint.assigned_role == R.INSTALLATION_MANAGER and complaint.priority == "high"
    event = OutboxEvent.objects.get(topic="notifications.deliver", payload__event="complaint_created")
    assert event.payload["kind"] == "complaint" and event.payload["branch_id"] == customer.branch_id
    assert people[R.SALESPERSON].pk in event.payload["user_ids"]


# ---------------------------------------------------------------------------------------------------------------
# Moves, by role

HANDLERS_ASSIGNED = (R.INSTALLATION_MANAGER, R.INSPECTION_MANAGER, R.FACTORY_MANAGER)


@pytest.mark.parametrize("role", [R.BRANCH_MANAGER, R.SALES_MANAGER, *HANDLERS_ASSIGNED])
def test_managers_and_assigned_handlers_work_the_whole_lifecycle(
    role: str, people: dict[str, Any], customer: Any
) -> None:
    actor = people[role]
    complaint = f.complaint(actor=people[R.SALESPERSON], customer=customer, assigned_to=actor)
    complaint = _move(complaint, actor, (S.IN_PROGRESS, ""), (S.RESOLVED, "استبدلنا القماش"))
    assert complaint.resolution_note == "استبدلنا القماش" and complaint.resolved_at and complaint.started_at
    complaint = _move(complaint, actor, (S.PENDING_EVALUATION, ""))
    _evaluate(complaint, people[R.SALESPERSON])
    closer = actor if role in (R.BRANCH_MANAGER, R.SALES_MANAGER) else people[R.SALESPERSON]  # the creator
    complaint = _move(complaint, closer, (S.CLOSED, ""))
    assert complaint.status == S.CLOSED and complaint.closed_at
    moves = list(complaint.updates.filter(kind="status").values_list("from_status", "to_status"))
    assert moves == [
        (S.NEW, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.RESOLVED),
        (S.RESOLVED, S.PENDING_EVALUATION),
        (S.PENDING_EVALUATION, S.CLOSED),
    ]


@pytest.mark.parametrize("role", [R.SALESPERSON, *HANDLERS_ASSIGNED])
def test_unassigned_handlers_and_salespeople_cannot_work_a_complaint(
    role: str, people: dict[str, Any], customer: Any
) -> None:
    complaint = f.complaint(actor=people[R.SALESPERSON], customer=customer, assigned_to=people[R.BRANCH_MANAGER])
    actor = people[role]
    error = NotFoundError if role in HANDLERS_ASSIGNED else PermissionDeniedError  # not even in their scope
    with pytest.raises(error):
        services.complaint_transition(actor=actor, complaint=complaint, to=S.IN_PROGRESS)
    assert services.complaint_allowed_targets(complaint=complaint, user=actor) == []


def test_a_department_assignment_lets_that_role_work_it(people: dict[str, Any], customer: Any) -> None:
    complaint = f.complaint(actor=people[R.SALESPERSON], customer=customer, assigned_role=R.INSTALLATION_MANAGER)
    assert services.complaint_allowed_targets(complaint=complaint, user=people[R.INSTALLATION_MANAGER]) == [
        S.IN_PROGRESS,
        S.RESOLVED,
    ]
    _move(complaint, people[R.INSTALLATION_MANAGER], (S.IN_PROGRESS, ""))
    with pytest.raises(NotFoundError):
        services.complaint_transition(actor=people[R.FACTORY_MANAGER], complaint=complaint, to=S.RESOLVED, reason="x")


def test_a_move_that_does_not_exist_is_a_409_with_the_allowed_targets(people: dict[str, Any], customer: Any) -> None:
    complaint = f.complaint(actor=people[R.SALESPERSON], customer=customer)
    with pytest.raises(InvalidTransition) as caught:
        services.complaint_transition(actor=people[R.BRANCH_MANAGER], complaint=complaint, to=S.CLOSED)
    assert caught.value.status_code == 409
    assert caught.value.extra == {"to": [S.IN_PROGRESS, S.RESOLVED]}


def test_resolving_needs_a_resolution_note(people: dict[str, Any], customer: Any) -> None:
    complaint = f.complaint(actor=people[R.SALESPERSON], customer=customer)
    with pytest.raises(ValidationError) as caught:
        services.complaint_transition(actor=people[R.BRANCH_MANAGER], complaint=complaint, to=S.RESOLVED)
    assert "resolution" in caught.value.message_dict
    assert Complaint.objects.get(pk=complaint.pk).status == S.NEW


def test_closing_needs_the_customers_evaluation(people: dict[str, Any], customer: Any) -> None:
    manager = people[R.BRANCH_MANAGER]
    complaint = f.complaint(actor=people[R.SALESPERSON], customer=customer)
    complaint = _move(complaint, manager, (S.RESOLVED, "تم"), (S.PENDING_EVALUATION, ""))
    assert S.CLOSED not in services.complaint_allowed_targets(complaint=complaint, user=manager)
    with pytest.raises(ConflictError) as caught:
        services.complaint_transition(actor=manager, complaint=complaint, to=S.CLOSED)
    assert caught.value.code == "evaluation_required"
    _evaluate(complaint, manager)
    assert _move(complaint, manager, (S.CLOSED, "")).status == S.CLOSED


def test_the_creator_may_close_but_another_salesperson_may_not(
    people: dict[str, Any], customer: Any, make_user: Callable[..., Any], branch_a: Any
) -> None:
    complaint = f.complaint(actor=people[R.SALESPERSON], customer=customer)
    complaint = _move(complaint, people[R.BRANCH_MANAGER], (S.RESOLVED, "تم"), (S.PENDING_EVALUATION, ""))
    _evaluate(complaint, people[R.SALESPERSON])
    colleague = make_user(R.SALESPERSON, branch=branch_a, username="colleague")
    with pytest.raises(PermissionDeniedError):
        services.complaint_transition(actor=colleague, complaint=complaint, to=S.CLOSED)
    assert _move(complaint, people[R.SALESPERSON], (S.CLOSED, "")).status == S.CLOSED


def test_reopening_is_for_managers_with_a_reason(people: dict[str, Any], customer: Any) -> None:
    manager = people[R.BRANCH_MANAGER]
    handler = people[R.INSTALLATION_MANAGER]
    complaint = f.complaint(actor=people[R.SALESPERSON], customer=customer, assigned_to=handler)
    complaint = _move(complaint, handler, (S.RESOLVED, "تم"))
    with pytest.raises(PermissionDeniedError):
        services.complaint_transition(actor=handler, complaint=complaint, to=S.IN_PROGRESS, reason="لم يحل")
    with pytest.raises(ValidationError):
        services.complaint_transition(actor=manager, complaint=complaint, to=S.IN_PROGRESS)
    complaint = _move(complaint, manager, (S.IN_PROGRESS, "العميل اتصل مرة أخرى"))
    assert complaint.status == S.IN_PROGRESS and complaint.resolved_at is None


def test_a_closed_complaint_can_be_reopened(people: dict[str, Any], customer: Any) -> None:
    manager = people[R.BRANCH_MANAGER]
    complaint = f.complaint(actor=people[R.SALESPERSON], customer=customer)
    complaint = _move(complaint, manager, (S.RESOLVED, "تم"), (S.PENDING_EVALUATION, ""))
    _evaluate(complaint, manager)
    complaint = _move(complaint, manager, (S.CLOSED, ""), (S.IN_PROGRESS, "تكررت المشكلة"))
    assert complaint.status == S.IN_PROGRESS and complaint.closed_at is None


# ---------------------------------------------------------------------------------------------------------------
# Escalation, assignment, comments, evaluation


@pytest.mark.parametrize(
    "path", [[], [(S.IN_PROGRESS, "")], [(S.RESOLVED, "تم")], [(S.RESOLVED, "تم"), (S.PENDING_EVALUATION, "")]]
)
def test_escalation_from_any_open_state(path: list[tuple[str, str]], people: dict[str, Any], customer: Any) -> None:
    manager = people[R.BRANCH_MANAGER]
    complaint = _move(f.complaint(actor=people[R.SALESPERSON], customer=customer), manager, *path)
    status = complaint.status
    complaint = services.complaint_escalate(actor=manager, complaint=complaint, reason="العميل غاضب")
    complaint = services.complaint_escalate(actor=manager, complaint=complaint, reason="لا رد")
    assert complaint.escalation_level == 2 and complaint.status == status and complaint.escalated_at
    assert OutboxEvent.objects.filter(payload__event="complaint_escalated").count() == 2


def test_escalation_is_refused_when_closed_without_reason_or_by_a_salesperson(
    people: dict[str, Any], customer: Any
) -> None:
    manager = people[R.BRANCH_MANAGER]
    complaint = f.complaint(actor=people[R.SALESPERSON], customer=customer)
    with pytest.raises(PermissionDeniedError):
        services.complaint_escalate(actor=people[R.SALESPERSON], complaint=complaint, reason="x")
    with pytest.raises(ValidationError):
        services.complaint_escalate(actor=manager, complaint=complaint, reason=" ")
    complaint = _move(complaint, manager, (S.RESOLVED, "تم"), (S.PENDING_EVALUATION, ""))
    _evaluate(complaint, manager)
    _move(complaint, manager, (S.CLOSED, ""))
    with pytest.raises(InvalidTransition):
        services.complaint_escalate(actor=manager, complaint=complaint, reason="x")


def test_assignment_is_for_managers_and_notifies_the_assignee(people: dict[str, Any], customer: Any) -> None:
    complaint = f.complaint(actor=people[R.SALESPERSON], customer=customer)
    handler = people[R.FACTORY_MANAGER]
    with pytest.raises(PermissionDenied):
        services.complaint_assign(actor=people[R.SALESPERSON], complaint=complaint, user=handler)
    with pytest.raises(ValidationError):
        services.complaint_assign(actor=people[R.BRANCH_MANAGER], complaint=complaint)
    complaint = services.complaint_assign(actor=people[R.BRANCH_MANAGER], complaint=complaint, user=handler)
    assert complaint.assigned_to == handler
    event = OutboxEvent.objects.get(payload__event="complaint_assigned")
    assert handler.pk in event.payload["user_ids"]
    # Now the factory manager sees it and may work it.
    assert services.complaint_allowed_targets(complaint=complaint, user=handler) == [S.IN_PROGRESS, S.RESOLVED]


def _pdf(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * 100, content_type="application/pdf")


def test_comments_carry_checked_private_attachments(people: dict[str, Any], customer: Any) -> None:
    complaint = f.complaint(actor=people[R.SALESPERSON], customer=customer)
    update = services.complaint_comment(actor=people[R.SALESPERSON], complaint=complaint, text="صور", files=[_pdf()])
    attachment = update.attachments.get()
    assert attachment.kind == "pdf" and attachment.size > 0 and attachment.complaint_id == complaint.pk
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.complaint_comment(actor=people[R.SALESPERSON], complaint=complaint, text="", files=[fake])
    with pytest.raises(ValidationError):
        services.complaint_comment(actor=people[R.SALESPERSON], complaint=complaint, text="  ")
    assert complaint.attachments.count() == 1  # nothing half-saved
    with pytest.raises(NotFoundError):
        services.complaint_comment(actor=people["seller_b"], complaint=complaint, text="x")


def test_evaluation_is_validated_and_only_once_resolved(people: dict[str, Any], customer: Any) -> None:
    manager = people[R.BRANCH_MANAGER]
    complaint = f.complaint(actor=people[R.SALESPERSON], customer=customer)
    with pytest.raises(InvalidTransition):
        _evaluate(complaint, manager)
    complaint = _move(complaint, manager, (S.RESOLVED, "تم"))
    with pytest.raises(ValidationError):
        _evaluate(complaint, manager, overall=6)
    with pytest.raises(NotFoundError):  # outside the warehouse keeper's scope
        _evaluate(complaint, people[R.WAREHOUSE_STAFF])
    assert _evaluate(complaint, people[R.SALESPERSON], overall=2).overall == 2
    assert _evaluate(complaint, people[R.SALESPERSON], overall=3).overall == 3  # corrected, still one row


# ---------------------------------------------------------------------------------------------------------------
# Periodic jobs


def test_overdue_marking_is_idempotent_and_escalates_past_the_threshold(people: dict[str, Any], customer: Any) -> None:
    ctype = f.complaint_type(response_hours=2, resolution_hours=8, escalation_hours=4)
    start = datetime(2026, 1, 3, 9, 0, tzinfo=CAIRO)  # Saturday
    complaint = f.complaint(actor=people[R.SALESPERSON], customer=customer, ctype=ctype, now=start)
    assert services.complaints_mark_overdue(now=datetime(2026, 1, 3, 10, 0, tzinfo=CAIRO)) == {
        "overdue": 0,
        "escalated": 0,
    }
    assert services.complaints_mark_overdue(now=datetime(2026, 1, 3, 11, 30, tzinfo=CAIRO)) == {
        "overdue": 1,
        "escalated": 0,
    }
    assert services.complaints_mark_overdue(now=datetime(2026, 1, 3, 12, 0, tzinfo=CAIRO))["overdue"] == 0
    assert services.complaints_mark_overdue(now=datetime(2026, 1, 3, 13, 30, tzinfo=CAIRO))["escalated"] == 1
    assert services.complaints_mark_overdue(now=datetime(2026, 1, 3, 14, 0, tzinfo=CAIRO)) == {
        "overdue": 0,
        "escalated": 0,
    }
    complaint.refresh_from_db()
    assert complaint.is_overdue and complaint.escalation_level == 1
    assert OutboxEvent.objects.filter(payload__event="complaint_overdue").count() == 1
    assert complaint.updates.filter(kind="overdue").count() == 1


def test_a_started_complaint_is_overdue_only_past_its_resolution_due(people: dict[str, Any], customer: Any) -> None:
    ctype = f.complaint_type(response_hours=2, resolution_hours=8, escalation_hours=0)
    start = datetime(2026, 1, 3, 9, 0, tzinfo=CAIRO)
    complaint = f.complaint(actor=people[R.SALESPERSON], customer=customer, ctype=ctype, now=start)
    _move(complaint, people[R.BRANCH_MANAGER], (S.IN_PROGRESS, ""))
    assert services.complaints_mark_overdue(now=datetime(2026, 1, 3, 16, 0, tzinfo=CAIRO))["overdue"] == 0
    assert services.complaints_mark_overdue(now=datetime(2026, 1, 4, 9, 0, tzinfo=CAIRO))["overdue"] == 1


def test_resolved_complaints_are_never_flagged(people: dict[str, Any], customer: Any) -> None:
    complaint = f.complaint(actor=people[R.SALESPERSON], customer=customer)
    _move(complaint, people[R.BRANCH_MANAGER], (S.RESOLVED, "تم"))
    assert services.complaints_mark_overdue(now=timezone.now() + timedelta(days=60))["overdue"] == 0


def test_delay_complaints_are_created_once_per_late_order(
    people: dict[str, Any], customer: Any, branch_a: Any, delay_receiver: list[Any]
) -> None:
    seller = people[R.SALESPERSON]
    today = timezone.localdate()
    late = f.order(customer=customer, created_by=seller, due=today - timedelta(days=2))
    very_late = f.order(customer=customer, created_by=seller, due=today - timedelta(days=10))
    f.order(customer=customer, created_by=seller, due=today + timedelta(days=1))  # not late yet
    f.order(customer=customer, created_by=seller, status="completed", due=today - timedelta(days=5))
    f.order(customer=customer, created_by=seller, status="cancelled", due=today - timedelta(days=5))
    delay_receiver.append(
        DelayCandidate(
            key=f"installation:77:{late.pk}",
            order_id=late.pk,
            customer_id=customer.pk,
            reason="التركيب متأخر",
            related_label="T-77",
            related_url="/installations/77/",
        )
    )
    created = services.complaints_create_delay_complaints(today=today)
    assert len(created) == 3
    again = services.complaints_create_delay_complaints(today=today)
    assert again == []
    complaints = {c.delay_key: c for c in Complaint.objects.filter(source="auto")}
    assert set(complaints) == {
        f"order:{late.pk}:delivery",
        f"order:{very_late.pk}:delivery",
        f"installation:77:{late.pk}",
    }
    assert complaints[f"order:{very_late.pk}:delivery"].priority == "high"
    assert complaints[f"order:{late.pk}:delivery"].complaint_type.code == "delivery_delay"
    installation = complaints[f"installation:77:{late.pk}"]
    assert installation.complaint_type.code == "installation_delay"
    assert installation.related_label == "T-77" and installation.related_url == "/installations/77/"
    assert installation.created_by is None and installation.related_order == late


def test_closing_a_delay_complaint_lets_a_new_delay_be_filed(people: dict[str, Any], customer: Any) -> None:
    manager = people[R.BRANCH_MANAGER]
    today = timezone.localdate()
    f.order(customer=customer, created_by=manager, due=today - timedelta(days=1))
    [first] = services.complaints_create_delay_complaints(today=today)
    complaint = _move(Complaint.objects.get(pk=first), manager, (S.RESOLVED, "اتصلنا"), (S.PENDING_EVALUATION, ""))
    _evaluate(complaint, manager)
    _move(complaint, manager, (S.CLOSED, ""))
    [second] = services.complaints_create_delay_complaints(today=today)
    assert second != first
    assert services.complaints_create_delay_complaints(today=today) == []
    # The first cannot be reopened while the second covers the same delay.
    with pytest.raises(ConflictError):
        services.complaint_transition(actor=manager, complaint=first, to=S.IN_PROGRESS, reason="x")


def test_a_failing_delay_receiver_rolls_nothing_half(people: dict[str, Any], customer: Any) -> None:
    from erp.core import hooks

    def broken(**_: Any) -> list[Any]:
        raise TimeoutError("installations did not answer")

    f.order(customer=customer, created_by=people[R.SALESPERSON], due=timezone.localdate() - timedelta(days=1))
    hooks.register("complaints.delay_candidates", broken)
    try:
        with pytest.raises(TimeoutError):
            services.complaints_create_delay_complaints()
    finally:
        hooks._HOOKS["complaints.delay_candidates"].remove(broken)
    assert not Complaint.objects.exists()
    assert len(services.complaints_create_delay_complaints()) == 1


def test_the_celery_tasks_run_the_services(people: dict[str, Any], customer: Any) -> None:
    from erp.complaints import tasks

    f.order(customer=customer, created_by=people[R.SALESPERSON], due=timezone.localdate() - timedelta(days=1))
    assert tasks.complaints_create_delay_complaints.apply().get() == 1
    assert tasks.complaints_mark_overdue.apply().get() == {"overdue": 0, "escalated": 0}


def test_the_tasks_are_in_the_beat_schedule(settings: Any) -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "erp.complaints.tasks.complaints_mark_overdue",
        "erp.complaints.tasks.complaints_create_delay_complaints",
    } <= tasks


# ---------------------------------------------------------------------------------------------------------------
# Scoping


def test_scoping_by_branch_assignment_and_role(
    people: dict[str, Any], customer: Any, branch_b: Any, make_user: Callable[..., Any], admin_user: Any
) -> None:
    in_a = f.complaint(actor=people[R.SALESPERSON], customer=customer)
    customer_b = f.customer(branch=branch_b, created_by=people["seller_b"])
    in_b = f.complaint(actor=people["seller_b"], customer=customer_b)
    assigned = f.complaint(actor=people["seller_b"], customer=customer_b, assigned_to=people[R.INSTALLATION_MANAGER])
    by_role = f.complaint(actor=people["seller_b"], customer=customer_b, assigned_role=R.FACTORY_MANAGER)

    def visible(user: Any) -> set[int]:
        return set(scope_for(user, "complaints", Complaint.objects.all()).values_list("pk", flat=True))

    everything = {in_a.pk, in_b.pk, assigned.pk, by_role.pk}
    assert visible(admin_user) == everything
    assert visible(people[R.SALES_MANAGER]) == everything
    assert visible(people[R.SALESPERSON]) == {in_a.pk}
    assert visible(people[R.BRANCH_MANAGER]) == {in_a.pk}
    assert visible(people["manager_b"]) == {in_b.pk, assigned.pk, by_role.pk}
    assert visible(people[R.INSTALLATION_MANAGER]) == {assigned.pk}
    assert visible(people[R.FACTORY_MANAGER]) == {by_role.pk}
    assert visible(people[R.WAREHOUSE_STAFF]) == set()
    region = make_user(R.REGION_MANAGER, username="region")
    region.managed_branches.set([branch_b])
    assert visible(region) == {in_b.pk, assigned.pk, by_role.pk}


def test_department_assignments_to_branch_roles_stay_in_the_branch(people: dict[str, Any], customer: Any) -> None:
    complaint = f.complaint(actor=people[R.SALESPERSON], customer=customer, assigned_role=R.BRANCH_MANAGER)
    assert complaint.assigned_branch_id == customer.branch_id
    assert services.complaint_allowed_targets(complaint=complaint, user=people["manager_b"]) == [
        S.IN_PROGRESS,
        S.RESOLVED,
    ]  # managers may act on what is in their scope...
    with pytest.raises(NotFoundError):  # ...and another branch's complaint is not
        services.complaint_transition(actor=people["manager_b"], complaint=complaint, to=S.IN_PROGRESS)
