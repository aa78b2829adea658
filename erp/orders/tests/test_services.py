"""Placing orders: numbering, pricing, totals, the contract, stock at sale, the first payment, promo codes, the
timeline and hand-offs; field errors with nothing saved; a bounded number of queries."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.core.models import Counter
from erp.customers.models import Customer
from erp.customers.tests import factories as customer_factories
from erp.inventory.models import StockBalance, StockMovement
from erp.inventory.services import stock_ledger_mismatches
from erp.orders import services
from erp.orders.models import (
    CurtainFabric,
    Order,
    OrderEvent,
    OrderHandoff,
    OrderItem,
    OrderSettings,
    Payment,
    PromoCode,
)
from erp.orders.services import AccessoryInput, FabricInput, PaymentInput, RoomInput
from erp.orders.tests import factories
from erp.orders.tests.factories import Shop, item, place

pytestmark = pytest.mark.django_db
T = Order.Type
S = Order.Status


def stock(s: Shop, n: int = 0) -> Decimal:
    return StockBalance.objects.get(variant=s.fabrics[n], warehouse=s.warehouse).quantity


def test_products_order_is_numbered_priced_paid_and_takes_stock(shop: Shop, seller_a: User) -> None:
    order = place(shop, seller_a)
    assert order.number == f"{shop.customer.code}-0001" and order.status == S.PENDING
    assert order.contract_number == ""
    items = list(order.items.all())
    assert [i.unit_price for i in items] == [Decimal("100.00"), Decimal("101.00")]
    assert items[0].name.startswith("قماش") and items[0].code == shop.fabrics[0].code
    assert order.subtotal == Decimal("351.50") and order.total == Decimal("351.50")
    assert order.paid == order.total and order.balance == 0
    assert stock(shop, 0) == Decimal(98) and stock(shop, 1) == Decimal("98.5")
    assert order.expected_delivery_date == order.order_date + timedelta(days=3)
    kinds = list(order.events.values_list("kind", flat=True))
    assert kinds == ["created", "stock", "payment", "handoff"]
    assert list(order.handoffs.values_list("kind", flat=True)) == [OrderHandoff.Kind.CUTTING]
    assert services.order_totals_mismatches() == []


def test_order_numbers_and_contracts_run_per_customer(shop: Shop, seller_a: User) -> None:
    other = customer_factories.customer(branch=shop.branch)
    first = place(shop, seller_a, order_type=T.TAILORING)
    second = place(shop, seller_a, order_type=T.INSTALLATION)
    third = place(shop, seller_a, order_type=T.PRODUCTS)
    elsewhere = place(shop, seller_a, order_type=T.TAILORING, customer=other)
    assert [o.number[-4:] for o in (first, second, third)] == ["0001", "0002", "0003"]
    assert (first.contract_number, second.contract_number, third.contract_number) == ("c1", "c2", "")
    assert elsewhere.number == f"{other.code}-0001" and elsewhere.contract_number == "c1"
    assert first.status == S.PENDING_APPROVAL
    assert set(first.handoffs.values_list("kind", flat=True)) == {OrderHandoff.Kind.CUTTING, OrderHandoff.Kind.FACTORY}


def test_delivery_days_come_from_the_settings_matrix(shop: Shop, seller_a: User) -> None:
    OrderSettings.objects.update_or_create(pk=1, defaults={"delivery_days": {"vip": {"tailoring": 4}}})
    vip = place(shop, seller_a, order_type=T.TAILORING, priority=Order.Priority.VIP)
    normal = place(shop, seller_a, order_type=T.TAILORING)
    assert (vip.expected_delivery_date - vip.order_date).days == 4
    assert (normal.expected_delivery_date - normal.order_date).days == 7


def test_inspection_order_needs_no_items_or_invoice(shop: Shop, seller_a: User) -> None:
    order = place(shop, seller_a, order_type=T.INSPECTION, items=[item(shop.service, "1")])
    assert order.status == S.PENDING and order.total == Decimal("150.00")
    assert list(order.handoffs.values_list("kind", flat=True)) == [OrderHandoff.Kind.INSPECTION]
    assert not StockMovement.objects.filter(reason="sale").exists()
    bare = place(shop, seller_a, order_type=T.INSPECTION, items=[], pay=None)
    assert bare.total == 0


def test_curtain_contract_with_rooms_fabrics_and_accessories(shop: Shop, seller_a: User) -> None:
    inspection = place(shop, seller_a, order_type=T.INSPECTION, items=[], pay=None)
    Order.objects.filter(pk=inspection.pk).update(status=S.COMPLETED)
    inspection.refresh_from_db()
    room = RoomInput(
        room_name="الصالة",
        width_cm=Decimal("320"),
        height_cm=Decimal("270"),
        curtain_box=True,
        fabrics=[
            FabricInput(CurtainFabric.FabricType.LIGHT, Decimal("1.5"), item_index=0, tailoring_type="eyelet"),
            FabricInput(CurtainFabric.FabricType.BLACKOUT, Decimal("3"), customer_supplied="قماش العميل"),
        ],
        accessories=[AccessoryInput("مجرى", Decimal("2"), size="3م", colour="أبيض")],
    )
    order = place(shop, seller_a, order_type=T.INSTALLATION, rooms=[room], related_inspection=inspection)
    saved = order.rooms.get()
    fabrics = list(saved.fabrics.order_by("id"))
    assert fabrics[0].order_item == order.items.get(position=1) and fabrics[1].customer_supplied == "قماش العميل"
    assert saved.accessories.get().colour == "أبيض"
    assert order.related_inspection == inspection


def test_customer_type_pricing(shop: Shop, seller_a: User) -> None:
    wholesale = customer_factories.customer(branch=shop.branch, type_code="wholesale")
    order = place(shop, seller_a, customer=wholesale, pay="200")
    assert {i.unit_price for i in order.items.all()} == {Decimal("80.00")}
    discount_type = customer_factories.customer_type("discount", discount_percentage=Decimal("10"))
    discount_type.discount_warehouses.add(shop.warehouse)
    discounted = customer_factories.customer(branch=shop.branch, type_code="discount")
    order = place(shop, seller_a, customer=discounted, pay="200")
    assert [i.unit_price for i in order.items.all()] == [Decimal("90.00"), Decimal("90.90")]


def test_manual_price_admin_discount_and_waiver_need_permission(shop: Shop, seller_a: User, manager_a: User) -> None:
    manual = [item(shop.fabrics[0], "1", warehouse=shop.warehouse, unit_price=Decimal("70"))]
    with pytest.raises(ValidationError) as exc:
        place(shop, seller_a, items=manual, pay="70")
    assert list(exc.value.message_dict) == ["items.0.unit_price"]
    order = place(shop, manager_a, items=manual, pay="70")
    assert order.items.get().is_manual_price and order.total == Decimal("70.00")

    with pytest.raises(ValidationError) as exc:
        place(shop, seller_a, admin_discount=Decimal("10"), pay="300")
    assert list(exc.value.message_dict) == ["admin_discount"]
    order = place(shop, manager_a, admin_discount=Decimal("10"), financial_addition=Decimal("5"), pay="300")
    assert order.total == Decimal("346.50") and order.admin_discount_by == manager_a

    with pytest.raises(ValidationError) as exc:
        place(shop, seller_a, pay=None, waive_down_payment=True)
    assert set(exc.value.message_dict) == {"waive_down_payment", "payment.amount"}
    order = place(shop, manager_a, pay=None, waive_down_payment=True)
    assert order.paid == 0 and order.balance == order.total


def test_down_payment_minimum(shop: Shop, seller_a: User) -> None:
    with pytest.raises(ValidationError) as exc:
        place(shop, seller_a, pay="175")  # 50 % of 351.50 is 175.75
    assert list(exc.value.message_dict) == ["payment.amount"]
    order = place(shop, seller_a, pay="175.75")
    assert order.balance == Decimal("175.75")


def _bad_cases(s: Shop) -> list[tuple[dict, str]]:
    w = s.warehouse
    return [
        ({"delivery_type": "home"}, "delivery_address"),
        ({"items": [item(s.fabrics[0], "0", warehouse=w)]}, "items.0.quantity"),
        ({"items": [item(s.fabrics[0], "1")]}, "items.0.warehouse"),
        ({"items": [item(s.fabrics[0], "1", warehouse=w, discount_percent=Decimal("25"))]}, "items.0.discount_percent"),
        ({"items": [item(s.fabrics[0], "1000", warehouse=w)]}, "items.0.quantity"),  # more than in stock
        ({"items": []}, "items"),
        ({"invoice_numbers": []}, "invoice_numbers"),
        ({"invoice_numbers": ["A1", "A2", "A3", "A4"]}, "invoice_numbers"),
        ({"promo_code": "NOPE"}, "promo_code"),
        ({"order_type": "furniture"}, "order_type"),
        ({"payment": PaymentInput(Decimal("10000"))}, "payment.amount"),
        ({"payment": PaymentInput(Decimal("400"), method="cheque")}, "payment.reference"),
        ({"rooms": [RoomInput("غرفة", Decimal(100), Decimal(100))]}, "rooms"),
    ]


def test_bad_input_gives_field_errors_and_saves_nothing(shop: Shop, seller_a: User) -> None:
    before = (StockMovement.objects.count(), Payment.objects.count())
    for kwargs, field in _bad_cases(shop):
        with pytest.raises(ValidationError) as exc:
            place(shop, seller_a, **kwargs)
        assert field in exc.value.message_dict, (kwargs, exc.value.message_dict)
    assert not Order.objects.exists() and not OrderItem.objects.exists() and not OrderEvent.objects.exists()
    assert (StockMovement.objects.count(), Payment.objects.count()) == before
    assert not Counter.objects.filter(key__startswith="orders.order:", value__gt=0).exists()


def test_blocked_customer_and_taken_invoice_number(shop: Shop, seller_a: User) -> None:
    place(shop, seller_a, invoice_numbers=["٧٧"])
    with pytest.raises(ValidationError) as exc:
        place(shop, seller_a, invoice_numbers=["77"])
    assert "invoice_numbers" in exc.value.message_dict
    Customer.objects.filter(pk=shop.customer.pk).update(status=Customer.Status.BLOCKED)
    shop.customer.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        place(shop, seller_a)
    assert list(exc.value.message_dict) == ["customer"]
    assert Order.objects.count() == 1


def test_curtain_meters_are_checked_against_items(shop: Shop, seller_a: User) -> None:
    room = RoomInput(
        "غرفة",
        Decimal(200),
        Decimal(250),
        fabrics=[FabricInput("heavy", Decimal("1.5"), item_index=0), FabricInput("light", Decimal("1"), item_index=0)],
    )
    with pytest.raises(ValidationError) as exc:
        place(shop, seller_a, order_type=T.TAILORING, rooms=[room])
    assert list(exc.value.message_dict) == ["items.0.quantity"]
    bad = RoomInput("", Decimal(0), Decimal(250), fabrics=[FabricInput("silk", Decimal(1), tailoring_type="x")])
    with pytest.raises(ValidationError) as exc:
        place(shop, seller_a, order_type=T.TAILORING, rooms=[bad])
    assert set(exc.value.message_dict) == {
        "rooms.0.room_name",
        "rooms.0.width_cm",
        "rooms.0.fabrics.0.fabric_type",
        "rooms.0.fabrics.0.tailoring_type",
        "rooms.0.fabrics.0.order_item",
    }
    assert not Order.objects.exists()


def test_placing_needs_permission(shop: Shop, make_user: Callable[..., User], branch_a: Branch) -> None:
    with pytest.raises(PermissionDenied):
        place(shop, make_user(RoleKey.WAREHOUSE_STAFF, branch=branch_a))


def _measure(s: Shop, actor: User, order_type: str, count: int) -> int:
    items = [item(s.fabrics[n % len(s.fabrics)], "1", warehouse=s.warehouse) for n in range(count)]
    promo = services.promo_issue(
        actor=User.objects.filter(is_superuser=True).first() or actor,
        discount_percent=Decimal(5),
        expires_at=timezone.now() + timedelta(days=1),
    )
    room = RoomInput("غرفة", Decimal(200), Decimal(250), fabrics=[FabricInput("heavy", Decimal("1"), item_index=0)])
    rooms = [room] if order_type == T.TAILORING else []
    with CaptureQueriesContext(connection) as ctx:
        place(
            s,
            actor,
            order_type=order_type,
            items=items,
            promo_code=promo.code,
            rooms=rooms,
            pay=None,
            payment=PaymentInput(Decimal(10)),
            waive_down_payment=True,
        )
    return len(ctx.captured_queries)


# 40 for the order itself, plus 6 for its notification's outbox row (get_or_create inside savepoints).
PLACE_QUERY_LIMIT = 46


def test_placing_takes_a_bounded_number_of_queries(
    admin_user: User, branch_a: Branch, django_assert_max_num_queries: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The order module's own queries: the departments' hand-off receivers are measured (constant in the number of
    # items) by their own modules' tests.
    from collections import defaultdict

    from erp.core import hooks

    monkeypatch.setattr(hooks, "_HOOKS", defaultdict(list))
    s = factories.shop(branch=branch_a, fabrics=10)
    _measure(s, admin_user, T.TAILORING, 1)  # warm caches (settings row, access profile, counters)
    _measure(s, admin_user, T.PRODUCTS, 1)
    tailoring = {n: _measure(s, admin_user, T.TAILORING, n) for n in (3, 10)}
    products = {n: _measure(s, admin_user, T.PRODUCTS, n) for n in (3, 10)}
    # Made-to-measure orders: the same count whatever the number of items.
    assert tailoring[3] == tailoring[10], tailoring
    # Products orders: stock_apply updates each balance once, so at most one query more per distinct line.
    assert products[10] - products[3] <= 7, products
    items = [item(s.fabrics[n], "1", warehouse=s.warehouse) for n in range(10)]
    with django_assert_max_num_queries(PLACE_QUERY_LIMIT):
        place(s, admin_user, items=items)


# ---------------------------------------------------------------------------------------------------------------
# Concurrency


@pytest.mark.django_db(transaction=True)
def test_concurrent_placement_gives_unique_gap_free_numbers(branch_a: Branch, seller_a: User) -> None:
    s = factories.shop(branch=branch_a)
    start = threading.Barrier(8)

    def make(i: int) -> tuple[str, str]:
        try:
            start.wait()
            order = place(s, seller_a, order_type=T.TAILORING if i % 2 else T.PRODUCTS, invoice_numbers=[f"C{i}"])
            return order.number, order.contract_number
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(make, range(8)))
    numbers = sorted(n for n, _c in results)
    contracts = sorted(c for _n, c in results if c)
    assert numbers == [f"{s.customer.code}-{n:04d}" for n in range(1, 9)]
    assert contracts == [f"c{n}" for n in range(1, 5)]
    assert stock_ledger_mismatches() == []


@pytest.mark.django_db(transaction=True)
def test_promo_code_is_used_once_under_concurrency(branch_a: Branch, admin_user: User, seller_a: User) -> None:
    s = factories.shop(branch=branch_a)
    promo = services.promo_issue(
        actor=admin_user, discount_percent=Decimal(10), expires_at=timezone.now() + timedelta(days=1)
    )
    customers = [customer_factories.customer(branch=branch_a) for _ in range(10)]
    start = threading.Barrier(10)

    def use(i: int) -> str:
        try:
            start.wait()
            place(s, seller_a, customer=customers[i], promo_code=promo.code, pay="300")
            return "ok"
        except ValidationError as exc:
            return "refused" if "promo_code" in exc.message_dict else repr(exc)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(use, range(10)))
    assert sorted(results) == ["ok"] + ["refused"] * 9
    promo.refresh_from_db()
    assert promo.status == PromoCode.Status.USED
    order = Order.objects.get()
    assert order.promo_code == promo and order.promo_discount == Decimal("35.15")
    assert services.order_totals_mismatches() == []


# ---------------------------------------------------------------------------------------------------------------
# Promo codes, edits, the check command


def test_promo_codes_issue_cancel_expire(shop: Shop, sales_boss: User, seller_a: User) -> None:
    later = timezone.now() + timedelta(days=3)
    with pytest.raises(PermissionDenied):
        services.promo_issue(actor=seller_a, discount_percent=Decimal(5), expires_at=later)
    with pytest.raises(ValidationError) as exc:
        services.promo_issue(actor=sales_boss, discount_percent=Decimal(16), expires_at=timezone.now())
    assert set(exc.value.message_dict) == {"discount_percent", "expires_at"}
    promo = services.promo_issue(actor=sales_boss, discount_percent=Decimal(15), expires_at=later, code="eid٢٠")
    assert promo.code == "EID20"
    with pytest.raises(PermissionDenied):
        services.promo_cancel(actor=seller_a, promo=promo)
    services.promo_cancel(actor=sales_boss, promo=promo)
    with pytest.raises(ValidationError):
        services.promo_cancel(actor=sales_boss, promo=promo)
    with pytest.raises(ValidationError) as exc:
        place(shop, seller_a, promo_code="eid20")
    assert list(exc.value.message_dict) == ["promo_code"]
    stale = services.promo_issue(actor=sales_boss, discount_percent=Decimal(5), expires_at=later)
    PromoCode.objects.filter(pk=stale.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError) as exc:
        place(shop, seller_a, promo_code=stale.code)
    assert list(exc.value.message_dict) == ["promo_code"]
    assert services.promo_expire_due() == 1


def test_editing_is_audited_field_by_field(shop: Shop, seller_a: User, manager_a: User) -> None:
    order = place(shop, seller_a, pay="200")
    services.order_update(actor=seller_a, order=order, priority="vip", delivery_address="المعادي", notes="  ")
    event = order.events.filter(kind=OrderEvent.Kind.EDIT).get()
    assert event.details == {"priority": ["normal", "vip"], "delivery_address": ["", "المعادي"]}
    with pytest.raises(ValidationError) as exc:
        services.order_update(actor=seller_a, order=order, admin_discount=Decimal(20))
    assert list(exc.value.message_dict) == ["admin_discount"]
    order = services.order_update(
        actor=manager_a, order=order, admin_discount=Decimal(20), invoice_numbers=["N1", "N2"]
    )
    assert order.total == Decimal("331.50") and order.balance == Decimal("131.50")
    assert list(order.invoices.values_list("number", flat=True)) == ["N1", "N2"]
    with pytest.raises(ValidationError):
        services.order_update(actor=manager_a, order=order, admin_discount=Decimal(300))  # below what was paid
    assert services.order_totals_mismatches() == []


def test_check_command_finds_tampered_totals(shop: Shop, seller_a: User) -> None:
    order = place(shop, seller_a)
    call_command("check_order_totals")
    Order.objects.filter(pk=order.pk).update(subtotal=Decimal("1.00"))
    with pytest.raises(CommandError):
        call_command("check_order_totals")


def test_placing_notifies_and_queues_the_whatsapp_message(shop: Shop, seller_a: User, settings: Any) -> None:
    from erp.integrations.whatsapp.models import WhatsAppMessage, WhatsAppSettings, WhatsAppTemplate
    from erp.outbox.models import OutboxEvent

    settings.USE_WHATSAPP = True
    WhatsAppSettings.objects.update_or_create(pk=1, defaults={"is_enabled": True, "enabled_events": ["order_created"]})
    WhatsAppTemplate.objects.create(
        event="order_created", name="order_ar", parameters=["customer_name", "order_number", "order_date"]
    )
    order = place(shop, seller_a)
    assert OutboxEvent.objects.filter(idempotency_key=f"notification:order:{order.pk}:placed").exists()
    message = WhatsAppMessage.objects.get(event="order_created")
    assert message.params == [shop.customer.name, order.number, order.order_date.isoformat()]
