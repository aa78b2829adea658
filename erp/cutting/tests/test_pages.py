"""Cutting pages: the queue with filters, search and export; the detail with htmx item actions and "complete all";
errors shown on the form; print; permissions and scoping (404 outside)."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from erp.accounts.roles import RoleKey
from erp.core.testing.exportcheck import export_job_matches_immediate
from erp.cutting.models import CuttingStatus
from erp.cutting.tests.helpers import cutting_of, items_of, tailoring
from erp.inventory.models import StockMovement
from erp.inventory.tests import factories as inventory_factories

pytestmark = pytest.mark.django_db
S = CuttingStatus
CUT_FIELDS = {"cutter": "حسن", "permit_number": "٤٥", "receiver": "محمود", "extra_quantity": "0"}


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def fields(prefix: str, **extra: str) -> dict[str, str]:
    return {"to": "completed", **{f"{prefix}-{k}": v for k, v in {**CUT_FIELDS, **extra}.items()}}


def test_list_filters_searches_and_exports(shop: Any, seller: Any, keeper: Any, boss: Any) -> None:
    order = tailoring(shop, seller)
    co = cutting_of(order)[0]
    c = client_for(keeper)
    page = c.get(reverse("cutting:order_list")).content.decode()
    assert co.code in page and order.number in page
    assert co.code in c.get(reverse("cutting:order_list"), {"search": order.number.lower()}).content.decode()
    assert co.code in c.get(reverse("cutting:order_list"), {"search": shop.customer.name}).content.decode()
    assert co.code not in c.get(reverse("cutting:order_list"), {"status": "completed"}).content.decode()
    assert co.code not in c.get(reverse("cutting:order_list"), {"order_type": "products"}).content.decode()
    assert c.get(reverse("cutting:order_list"), {"export": "xlsx"}).status_code == 403  # staff do not export

    response = client_for(boss).get(reverse("cutting:order_list"), {"export": "xlsx"})
    assert response.status_code == 200
    import io

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == co.code and rows[1][1] == order.number


def test_warehouse_staff_see_only_their_warehouses(shop: Any, seller: Any, keeper: Any, make_user: Any) -> None:
    order = tailoring(shop, seller)
    co = cutting_of(order)[0]
    stranger = make_user(RoleKey.WAREHOUSE_STAFF, branch=shop.branch, username="stranger")
    inventory_factories.warehouse(branch=shop.branch).staff.add(stranger)
    c = client_for(stranger)
    assert co.code not in c.get(reverse("cutting:order_list")).content.decode()
    assert c.get(reverse("cutting:order_detail", args=[co.pk])).status_code == 404
    item = items_of(order)[0]
    assert c.post(reverse("cutting:item_action", args=[item.pk]), fields(f"i{item.pk}")).status_code == 404
    assert client_for(keeper).get(reverse("cutting:order_detail", args=[co.pk])).status_code == 200


def test_branch_scoping_for_managers(shop: Any, seller: Any, manager_b: Any) -> None:
    co = cutting_of(tailoring(shop, seller))[0]
    assert client_for(seller).get(reverse("cutting:order_detail", args=[co.pk])).status_code == 200
    assert client_for(manager_b).get(reverse("cutting:order_detail", args=[co.pk])).status_code == 404


def test_users_without_the_permission_are_refused(shop: Any, seller: Any, make_user: Any) -> None:
    co = cutting_of(tailoring(shop, seller))[0]
    technician = make_user(RoleKey.INSPECTION_TECHNICIAN, branch=shop.branch, username="tech")
    c = client_for(technician)
    assert c.get(reverse("cutting:order_list")).status_code == 403
    assert c.get(reverse("cutting:order_detail", args=[co.pk])).status_code == 403


def test_htmx_item_completion_swaps_the_body_and_deducts_stock(shop: Any, seller: Any, keeper: Any) -> None:
    order = tailoring(shop, seller)
    item = items_of(order)[0]
    c = client_for(keeper)
    detail = c.get(reverse("cutting:order_detail", args=[item.cutting_order_id])).content.decode()
    assert f'name="i{item.pk}-permit_number"' in detail and 'name="all-permit_number"' in detail

    response = c.post(reverse("cutting:item_action", args=[item.pk]), fields(f"i{item.pk}"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith('<div id="cutting-body">') and "<html" not in body
    item.refresh_from_db()
    assert (item.status, item.permit_number) == (S.COMPLETED, "45")
    assert StockMovement.objects.filter(idempotency_key=f"cut:{item.pk}:production:0").count() == 1


def test_field_errors_are_shown_and_nothing_is_saved(shop: Any, seller: Any, keeper: Any) -> None:
    item = items_of(tailoring(shop, seller))[0]
    c = client_for(keeper)
    data = fields(f"i{item.pk}", receiver="", exit_date="2020-01-01")
    response = c.post(reverse("cutting:item_action", args=[item.pk]), data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "invalid-feedback" in body
    item.refresh_from_db()
    assert item.status == S.PENDING
    # a back-dated exit without a reason: the service's field error lands on the form
    data = fields(f"i{item.pk}", exit_date="2020-01-01")
    body = c.post(reverse("cutting:item_action", args=[item.pk]), data, HTTP_HX_REQUEST="true").content.decode()
    assert "is-invalid" in body
    item.refresh_from_db()
    assert item.status == S.PENDING and not StockMovement.objects.filter(reason="production").exists()


def test_complete_all_reject_and_reset_through_the_page(shop: Any, seller: Any, keeper: Any, boss: Any) -> None:
    order = tailoring(shop, seller)
    co = cutting_of(order)[0]
    c = client_for(keeper)
    response = c.post(reverse("cutting:order_action", args=[co.pk]), fields("all"))
    assert response.status_code == 302
    co.refresh_from_db()
    assert co.status == S.COMPLETED
    assert {i.status for i in items_of(order)} == {S.COMPLETED}

    item = items_of(order)[0]
    refused = c.post(reverse("cutting:item_action", args=[item.pk]), {"to": "rejected", "reason": "عيب"})
    assert refused.status_code == 302
    item.refresh_from_db()
    assert item.status == S.COMPLETED  # staff may not undo a cut

    b = client_for(boss)
    detail = b.get(reverse("cutting:order_detail", args=[co.pk])).content.decode()
    assert "data-confirm" in detail  # destructive actions ask first
    b.post(reverse("cutting:item_action", args=[item.pk]), {"to": "rejected", "reason": "عيب"})
    item.refresh_from_db()
    assert (item.status, item.rejection_reason) == (S.REJECTED, "عيب")
    b.post(reverse("cutting:order_action", args=[co.pk]), {"to": "pending", "reason": "إعادة"})
    assert {i.status for i in items_of(order)} == {S.PENDING}


def test_print_view_lists_the_items(shop: Any, seller: Any, keeper: Any) -> None:
    order = tailoring(shop, seller)
    co = cutting_of(order)[0]
    body = client_for(keeper).get(reverse("cutting:order_print", args=[co.pk])).content.decode()
    assert co.code in body and "قماش العميل" in body


def test_the_order_page_shows_the_cutting_status(shop: Any, seller: Any, keeper: Any) -> None:
    from erp.cutting.services import cut_item_transition
    from erp.cutting.tests.helpers import CUT
    from erp.orders.departments import department_rows
    from erp.orders.selectors import order_get_for_user

    order = tailoring(shop, seller)
    rows = {r["key"]: r for r in department_rows(order_get_for_user(actor=seller, pk=order.pk))}
    assert rows["cutting"]["status"] == S.PENDING
    cut_item_transition(item=items_of(order)[0], user=keeper, to=S.COMPLETED, details=CUT)
    rows = {r["key"]: r for r in department_rows(order_get_for_user(actor=seller, pk=order.pk))}
    assert rows["cutting"]["status"] == S.IN_PROGRESS
    assert rows["cutting"]["url"] == reverse("cutting:order_detail", args=[cutting_of(order)[0].pk])


def test_large_export_is_a_background_job_with_the_same_rows(
    shop: Any, seller: Any, boss: Any, django_capture_on_commit_callbacks: Any
) -> None:
    orders = [tailoring(shop, seller) for _n in range(2)]
    codes = {co.code for order in orders for co in cutting_of(order)}
    url = reverse("cutting:order_list") + "?export=xlsx&status=pending"
    rows = export_job_matches_immediate(client_for(boss), url, django_capture_on_commit_callbacks)
    assert {r[0] for r in rows[1:]} == codes
