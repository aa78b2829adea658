"""Inventory's stock alerts reach the factory managers and the branch's warehouse staff as "stock" notifications."""

from decimal import Decimal
from typing import Any

import pytest

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.inventory import services
from erp.inventory.tests import factories
from erp.notifications.models import Kind, Notification, NotificationRecipient, Priority

pytestmark = pytest.mark.django_db


def test_a_balance_going_low_then_out_notifies_once_per_state(
    make_user: Any, branch_a: Branch, branch_b: Branch, django_capture_on_commit_callbacks: Any
) -> None:
    boss: User = make_user(RoleKey.FACTORY_MANAGER, branch=branch_b)
    keeper: User = make_user(RoleKey.WAREHOUSE_STAFF, branch=branch_a)
    elsewhere: User = make_user(RoleKey.WAREHOUSE_STAFF, branch=branch_b)
    seller: User = make_user(RoleKey.SALESPERSON, branch=branch_a)
    product = factories.product(minimum_stock=Decimal(5))
    variant = product.variants.get()
    wh = factories.warehouse(branch=branch_a)
    services.stock_receive(variant=variant, warehouse=wh, quantity=Decimal(10), reason="purchase", key="in")

    def sell(quantity: int, key: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):  # the hook, then the outbox task, after commit
            services.stock_issue(variant=variant, warehouse=wh, quantity=Decimal(quantity), reason="sale", key=key)

    sell(6, "s1")  # 10 → 4: low
    sell(1, "s2")  # still low: no new alert
    sell(3, "s3")  # → 0: out
    notes = list(Notification.objects.order_by("id"))
    assert [(n.kind, n.priority) for n in notes] == [(Kind.STOCK, Priority.NORMAL), (Kind.STOCK, Priority.HIGH)]
    assert variant.code in notes[0].body and f"/inventory/products/{product.pk}/" == notes[0].link
    recipients = set(NotificationRecipient.objects.filter(notification=notes[1]).values_list("user_id", flat=True))
    assert {boss.pk, keeper.pk} <= recipients
    assert elsewhere.pk not in recipients and seller.pk not in recipients
