"""End to end through the HTML pages (issue 6), with every department's real hand-off receivers: each order type
walks its whole life as the people who do each step would, each logged in with their own role. Every step GETs the
page (200, the form or button is there), posts the form as the browser would (the field names and values parsed
from the page, with what the user types changed) and follows the redirect; then the order page is read back: the
order's status, each department's status, the timeline rows (the page's and the database's), stock (moved once)
and the notifications queued in the outbox. Each step is also tried once by a role that may not do it: refused
(403, 404 or the page's error) and nothing changed."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.core.testing.htmlforms import find_form, forms, has_form, marked
from erp.customers.models import Customer
from erp.cutting.models import CuttingItem, CuttingOrder
from erp.inspections.models import Inspection
from erp.installations.models import Installation, ModificationRequest
from erp.inventory.models import StockBalance, StockMovement, Variant
from erp.manufacturing.models import FactoryItem, FactoryOrder
from erp.notifications.services import TOPIC as NOTIFY
from erp.orders.models import Order, OrderEvent
from erp.orders.tests import factories
from erp.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db
S = Order.Status
TODAY = timezone.localdate


@dataclass
class People:
    seller: User  # salesperson of the shop's branch
    inspections: User  # inspection manager
    technician: User  # inspection technician
    keeper: User  # warehouse staff of the shop's warehouse
    outsider_keeper: User  # warehouse staff of another warehouse
    factory: User  # factory manager (approves and moves factory orders)
    receiver: User  # factory receiver (receives cut fabric)
    fitter: User  # installation manager

    def __post_init__(self) -> None:
        self._clients: dict[int, Client] = {}

    def client(self, user: User) -> Client:
        if user.pk not in self._clients:
            client = Client()
            client.force_login(user)
            self._clients[int(user.pk)] = client
        return self._clients[int(user.pk)]


@pytest.fixture
def people(make_user: Callable[..., User], branch_a: Branch, shop: factories.Shop) -> People:
    from erp.inventory.tests import factories as inventory_factories

    keeper = make_user(RoleKey.WAREHOUSE_STAFF, branch=branch_a, username="keeper_pages")
    shop.warehouse.staff.add(keeper)
    outsider = make_user(RoleKey.WAREHOUSE_STAFF, branch=branch_a, username="other_keeper_pages")
    inventory_factories.warehouse(branch=branch_a).staff.add(outsider)
    seller = make_user(RoleKey.SALESPERSON, branch=branch_a, username="seller_pages")
    Customer.objects.filter(pk=shop.customer.pk).update(created_by=seller)  # a salesperson's own customer
    return People(
        seller=seller,
        inspections=make_user(RoleKey.INSPECTION_MANAGER, branch=branch_a, username="insp_pages"),
        technician=make_user(RoleKey.INSPECTION_TECHNICIAN, branch=branch_a, username="tech_pages"),
        keeper=keeper,
        outsider_keeper=outsider,
        factory=make_user(RoleKey.FACTORY_MANAGER, branch=branch_a, username="factory_pages"),
        receiver=make_user(RoleKey.FACTORY_RECEIVER, branch=branch_a, username="receiver_pages"),
        fitter=make_user(RoleKey.INSTALLATION_MANAGER, branch=branch_a, username="fitter_pages"),
    )


# ---------------------------------------------------------------------------------------------------------------
# The browser


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"GET {url} answered {response.status_code}"
    return response.content.decode()


def toasts(html: str) -> list[tuple[str, str]]:
    """The messages shown after a step: (level, text)."""
    found = re.findall(r'text-bg-(\w+) border-0"[^>]*>\s*<div class="d-flex"><div class="toast-body">(.*?)</div>', html)
    return [(level, " ".join(text.split())) for level, text in found]


def submit(client: Client, url: str, action: str, **typed: Any) -> None:
    """Open `url`, find the form posting to `action` (with `to=`, the one for that target), post it with what the
    user types changed, follow the redirect: the page that follows shows a success message."""
    match = {"to": typed["to"]} if "to" in typed else {}
    form = find_form(page(client, url), action, url=url, **match)
    response = client.post(action, form.data(**typed), follow=True)
    assert response.status_code == 200, f"POST {action} answered {response.status_code}"
    html = response.content.decode()
    shown = toasts(html)
    assert any(level == "success" for level, _text in shown), f"after POST {action}: {shown or html[:3000]}"


def refused(client: Client, method: str, url: str, data: dict[str, Any] | None, check: Callable[[], Any]) -> None:
    """A step tried by someone who may not do it: 403/404, or the page's error; `check()` (everything the step
    could change) is the same afterwards."""
    before = check()
    response = client.post(url, data or {}, follow=True) if method == "post" else client.get(url)
    if response.status_code == 200:
        shown = toasts(response.content.decode())
        assert any(level == "danger" for level, _t in shown), f"{url} was not refused: {shown}"
    else:
        assert response.status_code in (403, 404), response.status_code
    assert check() == before


# ---------------------------------------------------------------------------------------------------------------
# What the order page shows, and what the database holds


def balances(shop: factories.Shop) -> tuple[Decimal, ...]:
    return tuple(StockBalance.objects.get(variant=v, warehouse=shop.warehouse).quantity for v in shop.fabrics[:2])


def notifications() -> tuple[str, ...]:
    """The notifications queued so far (outbox events delivered by workers after commit), by event name."""
    return tuple(
        str(e["payload"].get("event", ""))
        for e in OutboxEvent.objects.filter(topic=NOTIFY).order_by("id").values("payload")
    )


@dataclass(frozen=True)
class State:
    status: str
    departments: dict[str, str]
    timeline: tuple[tuple[str, str, str], ...]  # (kind, to status, hand-off)
    moves: int
    balances: tuple[Decimal, ...]
    notifications: tuple[str, ...]


class Walk:
    """One order's life: `then()` after each step reads the order page back and checks it against the last one."""

    def __init__(self, people: People, shop: factories.Shop, order: Order) -> None:
        self.people, self.shop, self.order = people, shop, order
        self.last = self.read()

    def read(self) -> State:
        """The order as its page shows it to the salesperson who placed it, checked against the database."""
        html = page(self.people.client(self.people.seller), reverse("orders:order_detail", args=[self.order.pk]))
        (badge,) = marked(html, "data-order-status")
        db = Order.objects.get(pk=self.order.pk)
        assert badge["data-order-status"] == db.status
        timeline = tuple((e["data-event"], e["data-to"], e["data-handoff"]) for e in marked(html, "data-event"))
        rows = OrderEvent.objects.filter(order=self.order).order_by("id")
        assert timeline == tuple((e.kind, e.to_status, (e.details or {}).get("handoff", "")) for e in rows)
        return State(
            status=db.status,
            departments={d["data-department"]: d["data-status"] for d in marked(html, "data-department")},
            timeline=timeline,
            moves=StockMovement.objects.count(),
            balances=balances(self.shop),
            notifications=notifications(),
        )

    def records(self) -> tuple[Any, ...]:
        """Everything a step on this order could change, straight from the database (cheaper than the page): the
        order, every department's records and their items, the timeline, stock movements and the outbox."""
        o = self.order.pk
        return (
            list(Order.objects.filter(pk=o).values_list("status", "paid", "balance")),
            list(Inspection.objects.filter(order=o).values_list("pk", "status", "technician", "result")),
            list(CuttingOrder.objects.filter(order=o).values_list("pk", "status")),
            list(CuttingItem.objects.filter(cutting_order__order=o).values_list("pk", "status", "permit_number")),
            list(FactoryOrder.objects.filter(order=o).values_list("pk", "status")),
            list(FactoryItem.objects.filter(factory_order__order=o).values_list("pk", "received_at", "bag_number")),
            list(Installation.objects.filter(order=o).values_list("pk", "status")),
            list(ModificationRequest.objects.filter(installation__order=o).values_list("pk", "status")),
            OrderEvent.objects.filter(order=o).count(),
            StockMovement.objects.count(),
            OutboxEvent.objects.count(),
        )

    def refused(self, user: User, method: str, url: str, data: dict[str, Any] | None = None) -> None:
        refused(self.people.client(user), method, url, data, self.records)

    def then(
        self,
        *,
        status: str,
        departments: dict[str, str] | None = None,
        notified: tuple[str, ...] = (),
        handoffs: tuple[str, ...] = (),
        stock: tuple[Decimal, ...] | None = None,
    ) -> State:
        """After a step: the order's status (a timeline row when it changed, none when it did not), the departments
        changed as given and the others as they were, the hand-offs recorded, the notifications queued, and stock
        moved by `stock` (one movement per line) or not at all."""
        before, after = self.last, self.read()
        assert after.status == status, (after.status, status)
        assert after.departments == {**before.departments, **(departments or {})}, after.departments
        assert after.timeline[: len(before.timeline)] == before.timeline  # the timeline only grows
        new = after.timeline[len(before.timeline) :]
        moved = [row for row in new if row[0] == "status"]
        assert moved == ([("status", status, "")] if status != before.status else []), new
        assert sorted(h for _k, _to, h in new if h) == sorted(handoffs), new
        queued = after.notifications[len(before.notifications) :]
        assert all(event in queued for event in notified), (notified, queued)
        if stock is None:
            assert (after.balances, after.moves) == (before.balances, before.moves)
        else:
            assert after.balances == tuple(b + d for b, d in zip(before.balances, stock, strict=True))
            assert after.moves == before.moves + sum(1 for d in stock if d)
        self.last = after
        return after


# ---------------------------------------------------------------------------------------------------------------
# Steps shared by the order types


def place(people: People, shop: factories.Shop, order_type: str, lines: list[tuple[Variant, str]]) -> Order:
    """The salesperson's order entry: open it for the customer and type, scan each product code (the htmx "Add"
    button), type the quantities, the invoice number and the total shown as the payment, review, confirm. Someone
    who may not place orders (a warehouse keeper) cannot open the entry nor confirm the same order."""
    client = people.client(people.seller)
    entry = reverse("orders:entry_new") + f"?customer={shop.customer.pk}&type={order_type}"
    refused(people.client(people.keeper), "get", entry, None, lambda: None)
    form = find_form(page(client, entry), reverse("orders:entry_review"))
    assert str(shop.salesperson.pk) in form.options["salesperson"]
    assert str(shop.warehouse.pk) in form.options["default_warehouse"]
    data = form.data(salesperson=str(shop.salesperson.pk), default_warehouse=str(shop.warehouse.pk))
    for n, (variant, quantity) in enumerate(lines):
        response = client.post(
            reverse("orders:entry_refresh"), {**data, "action": "add_item", "add_code": variant.code}
        )
        assert response.status_code == 200
        (body,) = forms(response.content)  # the re-rendered form body (no <form> of its own)
        assert body.value(f"items-{n}-variant") == str(variant.pk), toasts(response.content.decode())
        data = body.data(**{f"items-{n}-quantity": quantity})
    if order_type != Order.Type.INSPECTION:
        data["invoice_1"] = f"PG-{order_type}"
    response = client.post(reverse("orders:entry_refresh"), {**data, "action": ""})  # what auto-save shows
    shown = re.search(r'id="total-total">([\d.,]+)<', response.content.decode())
    assert shown is not None
    total = Decimal(shown.group(1).replace(",", "."))  # shown with the Arabic decimal comma, typed as shown
    review = client.post(reverse("orders:entry_review"), forms(response.content)[0].data(payment_amount=shown.group(1)))
    assert review.status_code == 200, review.content.decode()[:3000]
    confirm = find_form(review.content, reverse("orders:entry_place")).data()

    def everything() -> tuple[int, int, int]:
        return Order.objects.count(), StockMovement.objects.count(), OutboxEvent.objects.count()

    refused(people.client(people.keeper), "post", reverse("orders:entry_place"), confirm, everything)
    placed = client.post(reverse("orders:entry_place"), confirm, follow=True)
    assert placed.status_code == 200 and placed.redirect_chain, placed.content.decode()[:3000]
    assert any(level == "success" for level, _t in toasts(placed.content.decode()))
    order = Order.objects.get(pk=int(placed.redirect_chain[-1][0].rstrip("/").split("/")[-1]))
    assert order.order_type == order_type and order.created_by_id == people.seller.pk
    assert order.paid == order.total == total
    return order


def cut(walk: Walk) -> None:
    """The keeper of the order's warehouse completes each item on the cutting page (cutter, permit, receiver);
    the keeper of another warehouse can neither open the page nor post the form."""
    people = walk.people
    co = CuttingOrder.objects.get(order=walk.order)
    url = reverse("cutting:order_detail", args=[co.pk])
    walk.refused(people.outsider_keeper, "get", url)
    for item in CuttingItem.objects.filter(cutting_order=co).order_by("id"):
        action = reverse("cutting:item_action", args=[item.pk])
        prefix = f"i{item.pk}-"
        form = find_form(page(people.client(people.keeper), url), action, to="completed")
        assert form.value(prefix + "exit_date") == TODAY().isoformat()
        typed = {prefix + "cutter": "حسن", prefix + "permit_number": f"P{item.pk}", prefix + "receiver": "مصنع"}
        walk.refused(people.outsider_keeper, "post", action, form.data(**typed))
        submit(people.client(people.keeper), url, action, to="completed", **typed)
        item.refresh_from_db()
        assert item.status == "completed" and item.permit_number == f"P{item.pk}"


def approve(walk: Walk, fo: FactoryOrder) -> None:
    """The factory manager approves the factory order; the salesperson, who sees it, has no button and may not."""
    people = walk.people
    detail = reverse("manufacturing:order_detail", args=[fo.pk])
    transition = reverse("manufacturing:order_transition", args=[fo.pk])
    assert not has_form(page(people.client(people.seller), detail), transition, to="pending")
    walk.refused(people.seller, "post", transition, {"to": "pending"})
    submit(people.client(people.factory), detail, transition, to="pending")


def factory_move(walk: Walk, fo: FactoryOrder, to: str, **typed: str) -> None:
    """The factory manager moves the factory order on its page; the factory receiver, who sees it, may not."""
    people = walk.people
    detail = reverse("manufacturing:order_detail", args=[fo.pk])
    transition = reverse("manufacturing:order_transition", args=[fo.pk])
    walk.refused(people.receiver, "post", transition, {"to": to, **typed})
    submit(people.client(people.factory), detail, transition, to=to, **typed)


def receive(walk: Walk, fo: FactoryOrder) -> None:
    """The factory receiver ticks every cut item and types its bag number; the salesperson may not."""
    people = walk.people
    detail = reverse("manufacturing:order_detail", args=[fo.pk])
    action = reverse("manufacturing:order_receive", args=[fo.pk])
    form = find_form(page(people.client(people.receiver), detail), action)
    ids = [value for name, value in form.checkboxes if name == "item"]
    assert sorted(ids) == sorted(str(pk) for pk in fo.items.values_list("pk", flat=True))
    typed = {"item": ids, **{f"bag_{pk}": f"B{pk}" for pk in ids}}
    walk.refused(people.seller, "post", action, form.data(**typed))
    submit(people.client(people.receiver), detail, action, **typed)
    assert not fo.items.filter(received_at__isnull=True).exists()


def made_to_measure_until_made(walk: Walk, fo: FactoryOrder) -> State:
    """Approval, cutting (stock leaves once, each cut item handed to the factory), fabric receipt, manufacturing."""
    approve(walk, fo)
    walk.then(status=S.PENDING, departments={"manufacturing": "pending"})
    cut(walk)
    handed = ("cut_item_done", "cut_item_done", "cut_item_to_factory", "cut_item_to_factory")
    walk.then(
        status=S.PENDING,
        departments={"cutting": "completed"},
        handoffs=handed,
        notified=("cutting_completed",),
        stock=LINES,
    )
    assert fo.items.count() == 2
    receive(walk, fo)
    walk.then(status=S.PENDING)
    factory_move(walk, fo, "in_progress")
    return walk.then(status=S.IN_PROGRESS, departments={"manufacturing": "in_progress"})


LINES = (Decimal("-4.5"), Decimal(-2))  # each order's two fabric lines, as stock moves


def two_fabrics(shop: factories.Shop) -> list[tuple[Variant, str]]:
    return [(shop.fabrics[0], "4.5"), (shop.fabrics[1], "2")]


# ---------------------------------------------------------------------------------------------------------------
# The order types


def test_products_order_placed_and_cut_through_the_pages(people: People, shop: factories.Shop) -> None:
    stock = balances(shop)
    queued = len(notifications())
    order = place(people, shop, Order.Type.PRODUCTS, two_fabrics(shop))
    walk = Walk(people, shop, order)
    placed = walk.last
    assert placed.balances == tuple(b + d for b, d in zip(stock, LINES, strict=True))  # deducted once, at sale
    assert placed.notifications[queued:].count("order_placed") == 1
    assert [kind for kind, _to, _h in placed.timeline] == ["created", "stock", "payment", "handoff"]
    assert placed.timeline[-1] == ("handoff", "", "cutting_needed")
    assert (placed.status, placed.departments) == (S.PENDING, {"cutting": "pending"})

    cut(walk)  # cutting a products order moves no stock: it left at sale
    walk.then(status=S.COMPLETED, departments={"cutting": "completed"}, notified=("cutting_completed",))


def test_inspection_order_scheduled_visited_and_passed_through_the_pages(people: People, shop: factories.Shop) -> None:
    order = place(people, shop, Order.Type.INSPECTION, [(shop.service, "1")])
    walk = Walk(people, shop, order)
    inspection = Inspection.objects.get(order=order)
    assert (walk.last.status, walk.last.departments) == (S.PENDING, {"inspection": inspection.status})
    assert walk.last.timeline[-1] == ("handoff", "", "inspection_needed")

    schedule = reverse("inspections:inspection_schedule", args=[inspection.pk])
    detail = reverse("inspections:inspection_detail", args=[inspection.pk])
    assert f'href="{schedule}"' in page(people.client(people.inspections), detail)
    walk.refused(people.technician, "get", schedule)  # technicians do not schedule
    form = find_form(page(people.client(people.inspections), schedule), schedule, url=schedule)
    assert form.value("scheduled_date") == TODAY().isoformat()
    walk.refused(
        people.seller, "post", schedule, form.data(scheduled_time="10:30", technician=str(people.technician.pk))
    )
    submit(
        people.client(people.inspections),
        schedule,
        schedule,
        scheduled_time="10:30",
        technician=str(people.technician.pk),
    )
    walk.then(status=S.PENDING, departments={"inspection": "scheduled"}, notified=("inspection_scheduled",))

    transition = reverse("inspections:inspection_transition", args=[inspection.pk])
    assert not has_form(page(people.client(people.seller), detail), transition, to="in_progress")
    walk.refused(people.seller, "post", transition, {"to": "in_progress"})
    submit(people.client(people.technician), detail, transition, to="in_progress")
    walk.then(status=S.PENDING, departments={"inspection": "in_progress"})

    form = find_form(page(people.client(people.technician), detail), transition, to="completed")
    assert ("result", "passed") in form.checkboxes  # the result is a choice the technician ticks
    typed = {"result": "passed", "windows_count": "4", "payment_status": "paid"}
    walk.refused(people.seller, "post", transition, form.data(**typed))
    submit(people.client(people.technician), detail, transition, to="completed", **typed)
    walk.then(status=S.COMPLETED, departments={"inspection": "completed"}, notified=("inspection_completed",))


def test_tailoring_order_approved_cut_made_and_delivered_through_the_pages(
    people: People, shop: factories.Shop
) -> None:
    stock = balances(shop)
    order = place(people, shop, Order.Type.TAILORING, two_fabrics(shop))
    walk = Walk(people, shop, order)
    assert walk.last.balances == stock  # made to measure: nothing leaves stock at sale
    assert (walk.last.status, walk.last.departments) == (
        S.PENDING_APPROVAL,
        {"cutting": "pending", "manufacturing": "pending_approval"},
    )
    assert {"order_placed", "factory_order_created"} <= set(walk.last.notifications)
    fo = FactoryOrder.objects.get(order=order)
    made_to_measure_until_made(walk, fo)

    item = CuttingItem.objects.filter(cutting_order__order=order).first()
    assert item is not None  # completing a cut item again: no form, and posting it anyway is refused
    again = reverse("cutting:item_action", args=[item.pk])
    url = reverse("cutting:order_detail", args=[item.cutting_order_id])
    assert not has_form(page(walk.people.client(walk.people.keeper), url), again, to="completed")
    typed = {f"i{item.pk}-cutter": "حسن", f"i{item.pk}-permit_number": "P9", f"i{item.pk}-receiver": "مصنع"}
    walk.refused(walk.people.keeper, "post", again, {"to": "completed", **typed})

    factory_move(walk, fo, "completed")
    walk.then(status=S.COMPLETED, departments={"manufacturing": "completed"}, notified=("factory_order_completed",))
    factory_move(walk, fo, "delivered", permit="DP-1", recipient="العميل")
    walk.then(status=S.DELIVERED, departments={"manufacturing": "delivered"})
    assert balances(shop) == tuple(b + d for b, d in zip(stock, LINES, strict=True))  # still once


def test_installation_order_with_re_work_through_the_pages(people: People, shop: factories.Shop) -> None:
    order = place(people, shop, Order.Type.INSTALLATION, two_fabrics(shop))
    walk = Walk(people, shop, order)
    assert walk.last.departments == {"cutting": "pending", "manufacturing": "pending_approval", "installation": ""}
    fo = FactoryOrder.objects.get(order=order)
    made_to_measure_until_made(walk, fo)
    factory_move(walk, fo, "ready_install")
    walk.then(
        status=S.READY_INSTALL,
        departments={"manufacturing": "ready_install"},
        notified=("factory_order_ready_install",),
    )

    fitter = people.client(people.fitter)
    schedule = reverse("installations:schedule_create", args=[order.pk])
    assert f'href="{schedule}"' in page(fitter, reverse("installations:needs_scheduling"))
    walk.refused(people.seller, "get", schedule)
    form = find_form(page(fitter, schedule), schedule, url=schedule)
    typed = {"scheduled_date": TODAY().isoformat(), "scheduled_time": "09:00", "windows_count": "3"}
    walk.refused(people.seller, "post", schedule, form.data(**typed))
    submit(fitter, schedule, schedule, **typed)
    installation = Installation.objects.get(order=order)
    walk.then(
        status=S.READY_INSTALL,
        departments={"installation": "scheduled"},
        handoffs=("installation_created",),
        notified=("installation_scheduled",),
    )

    detail = reverse("installations:installation_detail", args=[installation.pk])
    start = reverse("installations:installation_start", args=[installation.pk])
    walk.refused(people.seller, "post", start)
    submit(fitter, detail, start)
    walk.then(status=S.READY_INSTALL, departments={"installation": "in_installation"})
    complete = reverse("installations:installation_complete", args=[installation.pk])
    assert f'href="{complete}"' in page(fitter, detail)
    walk.refused(people.seller, "post", complete, {"receipt_number": "R-0"})
    submit(fitter, complete, complete, receipt_number="R-1")
    walk.then(status=S.COMPLETED, departments={"installation": "completed"}, notified=("installation_completed",))

    # Re-work: a modification request, investigated and approved, becomes a factory modification order whose
    # completion closes the request; the order itself stays completed.
    create = reverse("installations:modification_create", args=[installation.pk])
    assert f'href="{create}"' in page(fitter, detail)
    form = find_form(page(fitter, create), create, url=create)
    typed = {
        "fault_party": "factory",
        "description": "طول الستارة أقصر",
        "items-0-description": "ستارة الصالة",
        "items-0-new_meters": "3.5",
    }
    walk.refused(people.seller, "post", create, form.data(**typed))
    assert not ModificationRequest.objects.filter(installation=installation).exists()
    submit(fitter, create, create, **typed)
    request = ModificationRequest.objects.get(installation=installation)
    walk.then(status=S.COMPLETED, departments={"installation": "modification_required"})
    mr_detail = reverse("installations:modification_detail", args=[request.pk])
    mr_action = reverse("installations:modification_action", args=[request.pk])
    for to, now in (("investigating", "investigating"), ("approved", "manufacturing")):  # approved: at the factory
        walk.refused(people.seller, "post", mr_action, {"to": to})
        submit(fitter, mr_detail, mr_action, to=to)
        request.refresh_from_db()
        assert request.status == now
    modification = FactoryOrder.objects.get(order=order, order_type="modification")
    walk.then(
        status=S.COMPLETED,
        departments={"installation": "modification_in_progress"},
        notified=("factory_modification_created",),
    )
    factory_move(walk, modification, "in_progress")
    walk.then(status=S.COMPLETED)
    factory_move(walk, modification, "completed")
    walk.then(status=S.COMPLETED, departments={"installation": "modification_completed"})
    request.refresh_from_db()
    assert request.status == "completed"  # the factory's completion closed the request


def test_accessory_order_made_and_delivered_through_the_pages(people: People, shop: factories.Shop) -> None:
    order = place(people, shop, Order.Type.ACCESSORY, two_fabrics(shop))
    walk = Walk(people, shop, order)
    fo = FactoryOrder.objects.get(order=order)
    made_to_measure_until_made(walk, fo)
    detail = reverse("manufacturing:order_detail", args=[fo.pk])
    transition = reverse("manufacturing:order_transition", args=[fo.pk])
    # Only installation orders become ready for installation: no such button, and posting it anyway is refused.
    assert not has_form(page(people.client(people.factory), detail), transition, to="ready_install")
    walk.refused(people.factory, "post", transition, {"to": "ready_install"})
    factory_move(walk, fo, "completed")
    walk.then(status=S.COMPLETED, departments={"manufacturing": "completed"}, notified=("factory_order_completed",))
    factory_move(walk, fo, "delivered", permit="DP-2", recipient="العميل")
    walk.then(status=S.DELIVERED, departments={"manufacturing": "delivered"})
