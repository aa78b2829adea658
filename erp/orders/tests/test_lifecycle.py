"""Transitions (every move allowed and refused by role), cancellation returning stock, scoping per role."""

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.accounts.scoping import scope_for
from erp.core.exceptions import InvalidTransition, NotFoundError, PermissionDeniedError
from erp.customers.tests import factories as customer_factories
from erp.inventory.models import StockBalance, StockMovement
from erp.inventory.services import stock_ledger_mismatches
from erp.orders.models import Order, OrderHandoff, Salesperson
from erp.orders.tests import factories
from erp.orders.tests.factories import Shop, place
from erp.orders.transitions import TRANSITIONS, order_allowed_targets, order_targets, order_transition

pytestmark = pytest.mark.django_db
S = Order.Status
T = Order.Type

# (from, to, order type, a role that may, a role that may not). The refused role still sees the order.
MOVES = [
    (S.PENDING_APPROVAL, S.PENDING, T.TAILORING, RoleKey.BRANCH_MANAGER, RoleKey.SALESPERSON),
    (S.PENDING_APPROVAL, S.REJECTED, T.TAILORING, RoleKey.BRANCH_MANAGER, RoleKey.FACTORY_MANAGER),
    (S.PENDING_APPROVAL, S.CANCELLED, T.ACCESSORY, RoleKey.BRANCH_MANAGER, RoleKey.SALESPERSON),
    (S.PENDING, S.IN_PROGRESS, T.TAILORING, RoleKey.FACTORY_MANAGER, RoleKey.SALESPERSON),
    (S.PENDING, S.CANCELLED, T.PRODUCTS, RoleKey.BRANCH_MANAGER, RoleKey.FACTORY_MANAGER),
    (S.IN_PROGRESS, S.READY_INSTALL, T.INSTALLATION, RoleKey.INSTALLATION_MANAGER, RoleKey.SALESPERSON),
    (S.IN_PROGRESS, S.COMPLETED, T.TAILORING, RoleKey.FACTORY_MANAGER, RoleKey.BRANCH_MANAGER),
    (S.IN_PROGRESS, S.CANCELLED, T.TAILORING, RoleKey.BRANCH_MANAGER, RoleKey.FACTORY_MANAGER),
    (S.READY_INSTALL, S.COMPLETED, T.INSTALLATION, RoleKey.INSTALLATION_MANAGER, RoleKey.SALESPERSON),
    (S.READY_INSTALL, S.CANCELLED, T.INSTALLATION, RoleKey.BRANCH_MANAGER, RoleKey.INSTALLATION_MANAGER),
    (S.COMPLETED, S.DELIVERED, T.PRODUCTS, RoleKey.FACTORY_MANAGER, RoleKey.SALESPERSON),
    (S.REJECTED, S.PENDING_APPROVAL, T.TAILORING, RoleKey.SALESPERSON, RoleKey.FACTORY_MANAGER),
    (S.REJECTED, S.CANCELLED, T.TAILORING, RoleKey.BRANCH_MANAGER, RoleKey.SALESPERSON),
]


def test_the_table_covers_every_move() -> None:
    table = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert table == {(a, b) for a, b, *_rest in MOVES}


def _order_at(shop: Shop, creator: User, status: str, order_type: str) -> Order:
    order = place(shop, creator, order_type=order_type)
    Order.objects.filter(pk=order.pk).update(status=status)
    order.refresh_from_db()
    return order


@pytest.mark.parametrize(("current", "to", "order_type", "allowed", "refused"), MOVES)
def test_every_move_allowed_and_refused_by_role(
    shop: Shop,
    seller_a: User,
    make_user: Callable[..., User],
    branch_a: Branch,
    current: str,
    to: str,
    order_type: str,
    allowed: str,
    refused: str,
) -> None:
    order = _order_at(shop, seller_a, current, order_type)
    no = seller_a if refused == RoleKey.SALESPERSON else make_user(refused, branch=branch_a)
    yes = seller_a if allowed == RoleKey.SALESPERSON else make_user(allowed, branch=branch_a)
    assert scope_for(no, "orders", Order.objects.filter(pk=order.pk)).exists()
    assert to not in order_allowed_targets(order=order, user=no)
    with pytest.raises(PermissionDeniedError):
        order_transition(order=order, user=no, to=to, reason="سبب")
    assert to in order_allowed_targets(order=order, user=yes)
    order_transition(order=order, user=yes, to=to, reason="سبب")
    order.refresh_from_db()
    assert order.status == to
    event = order.events.filter(kind="status").get()
    assert (event.from_status, event.to_status, event.user, event.reason) == (current, to, yes, "سبب")


def test_moves_outside_the_table_are_conflicts_listing_the_targets(shop: Shop, admin_user: User) -> None:
    order = place(shop, admin_user, order_type=T.TAILORING)
    with pytest.raises(InvalidTransition) as exc:
        order_transition(order=order, user=admin_user, to=S.DELIVERED)
    assert exc.value.extra["to"] == sorted([S.CANCELLED, S.PENDING, S.REJECTED])
    for status in (S.DELIVERED, S.CANCELLED):
        Order.objects.filter(pk=order.pk).update(status=status)
        order.refresh_from_db()
        assert order_targets(order) == []


def test_type_rules(shop: Shop, admin_user: User) -> None:
    installation = _order_at(shop, admin_user, S.IN_PROGRESS, T.INSTALLATION)
    tailoring = _order_at(shop, admin_user, S.IN_PROGRESS, T.TAILORING)
    assert order_targets(installation) == [S.CANCELLED, S.READY_INSTALL]
    assert order_targets(tailoring) == [S.CANCELLED, S.COMPLETED]
    Order.objects.filter(pk=installation.pk).update(status=S.COMPLETED)
    installation.refresh_from_db()
    assert order_targets(installation) == []  # installed orders are not "delivered"


def test_cancel_and_reject_need_a_reason(shop: Shop, manager_a: User, seller_a: User) -> None:
    order = place(shop, seller_a, order_type=T.TAILORING)
    for to in (S.CANCELLED, S.REJECTED):
        with pytest.raises(ValidationError) as exc:
            order_transition(order=order, user=manager_a, to=to, reason="  ")
        assert list(exc.value.message_dict) == ["reason"]
    order_transition(order=order, user=manager_a, to=S.REJECTED, reason="المقاسات ناقصة")
    order.refresh_from_db()
    assert order.status_reason == "المقاسات ناقصة"


def test_cancelling_a_products_order_returns_its_stock_once(
    shop: Shop, seller_a: User, manager_a: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from erp.core import hooks

    monkeypatch.setitem(hooks._HOOKS, "handoff.cutting_needed", [])  # as if no department consumed the hand-off
    before = StockBalance.objects.get(variant=shop.fabrics[0], warehouse=shop.warehouse).quantity
    order = place(shop, seller_a)
    assert StockMovement.objects.filter(reason="sale").count() == 2
    assert StockBalance.objects.get(variant=shop.fabrics[0], warehouse=shop.warehouse).quantity == before - 2
    order_transition(order=order, user=manager_a, to=S.CANCELLED, reason="العميل تراجع")
    assert StockBalance.objects.get(variant=shop.fabrics[0], warehouse=shop.warehouse).quantity == before
    assert StockMovement.objects.filter(reason="return").count() == 2
    assert order.handoffs.get().status == OrderHandoff.Status.CANCELLED
    assert order.events.filter(kind="status").get().details == {"stock_returned": True}
    with pytest.raises(InvalidTransition):
        order_transition(order=order, user=manager_a, to=S.CANCELLED, reason="again")
    assert stock_ledger_mismatches() == []


def test_other_branch_gets_not_found(shop: Shop, seller_a: User, manager_b: User) -> None:
    order = place(shop, seller_a)
    with pytest.raises(NotFoundError):
        order_transition(order=order, user=manager_b, to=S.CANCELLED, reason="x")


def test_scope_rules_per_role(
    shop: Shop, seller_a: User, make_user: Callable[..., User], branch_a: Branch, branch_b: Branch
) -> None:
    other_shop = factories.shop(branch=branch_b, fabrics=2)
    seller_b = make_user(RoleKey.SALESPERSON, branch=branch_b)
    mine = place(shop, seller_a)
    inspection = place(other_shop, make_user(RoleKey.SALESPERSON, branch=branch_b), order_type=T.INSPECTION)
    installation = place(other_shop, seller_b, order_type=T.INSTALLATION)
    designer = customer_factories.customer(branch=branch_b, type_code="designer")
    designer_order = place(other_shop, seller_b, customer=designer)
    sold_for = make_user(RoleKey.SALESPERSON, branch=branch_a)
    Salesperson.objects.filter(pk=shop.salesperson.pk).update(user=sold_for)
    region = make_user(RoleKey.REGION_MANAGER, branch=None, managed=[branch_b])
    everyone = {mine, inspection, installation, designer_order}

    def visible(user: User) -> set[Order]:
        return set(scope_for(user, "orders", Order.objects.all()))

    assert visible(make_user(RoleKey.SALES_MANAGER, branch=branch_a)) == everyone
    assert visible(make_user(RoleKey.FACTORY_MANAGER, branch=branch_a)) == everyone
    assert visible(make_user(RoleKey.INSPECTION_MANAGER, branch=branch_a)) == {inspection}
    assert visible(make_user(RoleKey.INSPECTION_TECHNICIAN, branch=branch_a)) == {inspection}
    assert visible(make_user(RoleKey.INSTALLATION_MANAGER, branch=branch_a)) == {installation}
    assert visible(make_user(RoleKey.DECORATOR_DEPT_STAFF, branch=branch_a)) == {designer_order}
    assert visible(make_user(RoleKey.EXTERNAL_SALES_DIRECTOR, branch=branch_a)) == {designer_order}
    assert visible(region) == {inspection, installation, designer_order}
    assert visible(make_user(RoleKey.BRANCH_MANAGER, branch=branch_a)) == {mine}
    assert visible(seller_a) == {mine}
    assert visible(sold_for) == {mine}  # the salesperson with a login sees what they sold
    assert visible(seller_b) == {installation, designer_order}
    assert visible(make_user(RoleKey.USER, branch=branch_a)) == set()
