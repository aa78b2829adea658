import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.accounts.scoping import scope_for
from erp.customers import services
from erp.customers.models import Customer
from erp.customers.tests import factories

pytestmark = pytest.mark.django_db


def test_create_numbers_per_branch_and_normalises(seller_a: User, branch_a: Branch) -> None:
    kind = factories.customer_type()
    first = services.customer_create(
        actor=seller_a, branch=branch_a, name=" أحمد ", customer_type=kind, phone="٠١٠١٢٣٤٥٦٧٨"
    )
    second = services.customer_create(
        actor=seller_a, branch=branch_a, name="منى", customer_type=kind, phone="01112345678"
    )
    assert (first.code, second.code) == (f"{branch_a.code}-0001", f"{branch_a.code}-0002")
    assert first.phone == "+201012345678" and first.name == "أحمد"
    assert "01012345678" in first.search_text and first.code.lower() in first.search_text.lower()


def test_duplicate_phone_names_the_owner_and_saves_nothing(seller_a: User, branch_a: Branch) -> None:
    kind = factories.customer_type()
    owner = services.customer_create(
        actor=seller_a, branch=branch_a, name="أحمد", customer_type=kind, phone="01012345678"
    )
    with pytest.raises(ValidationError) as exc:
        services.customer_create(
            actor=seller_a, branch=branch_a, name="آخر", customer_type=kind, phone="+20 10 1234 5678"
        )
    assert "phone" in exc.value.message_dict and owner.code in exc.value.message_dict["phone"][0]
    assert Customer.objects.count() == 1


def test_invalid_phone_is_a_field_error(seller_a: User, branch_a: Branch) -> None:
    with pytest.raises(ValidationError) as exc:
        services.customer_create(
            actor=seller_a, branch=branch_a, name="x", customer_type=factories.customer_type(), phone="123"
        )
    assert list(exc.value.message_dict) == ["phone"]
    assert not Customer.objects.exists()


def test_create_needs_permission(make_user: Callable[..., User], branch_a: Branch) -> None:
    plain = make_user(RoleKey.USER, branch=branch_a)
    with pytest.raises(PermissionDenied):
        services.customer_create(
            actor=plain, branch=branch_a, name="x", customer_type=factories.customer_type(), phone="01012345678"
        )


def test_blocking_needs_block_permission(seller_a: User, manager_a: User, make_user: Any, branch_a: Branch) -> None:
    customer = factories.customer(branch=branch_a, created_by=seller_a)
    with pytest.raises(PermissionDenied):
        services.customer_set_status(actor=seller_a, customer=customer, status="blocked")
    sales_manager = make_user(RoleKey.SALES_MANAGER, branch=branch_a)
    services.customer_set_status(actor=sales_manager, customer=customer, status="blocked")
    customer.refresh_from_db()
    assert customer.is_blocked
    with pytest.raises(ValidationError):
        services.ensure_can_order(customer)


@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_gives_unique_gap_free_codes(branch_a: Branch, seller_a: User) -> None:
    kind = factories.customer_type()
    start = threading.Barrier(8)

    def create(i: int) -> str:
        try:
            start.wait()
            return services.customer_create(
                actor=seller_a, branch=branch_a, name=f"عميل {i}", customer_type=kind, phone=f"0101234560{i}"
            ).code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = sorted(pool.map(create, range(8)))
    assert codes == [f"{branch_a.code}-{n:04d}" for n in range(1, 9)]


def test_scope_rules(make_user: Callable[..., User], branch_a: Branch, branch_b: Branch) -> None:
    seller = make_user(RoleKey.SALESPERSON, branch=branch_a)
    other_seller = make_user(RoleKey.SALESPERSON, branch=branch_a)
    mine = factories.customer(branch=branch_a, created_by=seller)
    theirs = factories.customer(branch=branch_a, created_by=other_seller)
    far = factories.customer(branch=branch_b, created_by=None, type_code="designer")
    wholesale = factories.customer(branch=branch_b, type_code="wholesale")
    everyone = set(Customer.objects.values_list("pk", flat=True))

    def seen(user: User) -> set[int]:
        return set(scope_for(user, "customers", Customer.objects.all()).values_list("pk", flat=True))

    assert seen(seller) == {mine.pk}
    assert seen(make_user(RoleKey.BRANCH_MANAGER, branch=branch_a)) == {mine.pk, theirs.pk}
    assert seen(make_user(RoleKey.SALES_MANAGER, branch=branch_a)) == everyone
    assert seen(make_user(RoleKey.INSPECTION_MANAGER, branch=branch_a)) == everyone
    assert seen(make_user(RoleKey.DECORATOR_DEPT_STAFF, branch=branch_a)) == {far.pk}
    assert seen(make_user(RoleKey.EXTERNAL_SALES_DIRECTOR, branch=branch_a)) == {far.pk, wholesale.pk}
    assert seen(make_user(RoleKey.REGION_MANAGER, branch=branch_a, managed=[branch_b])) == everyone
    assert seen(make_user(RoleKey.USER, branch=branch_b)) == {far.pk, wholesale.pk}
