"""Factory pages and API: scoping (404 outside it), permissions (403), transitions (302 / 409 with the allowed
targets), fabric receipt, production lines, the order's department status, the dashboard's query budget, demo."""

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from erp.accounts.models import User
from erp.core.testing.exportcheck import export_job_matches_immediate
from erp.manufacturing.models import FactoryItem, FactoryOrder, ProductionLine
from erp.manufacturing.tests import factories
from erp.orders.models import Order
from erp.orders.tests import factories as order_factories

pytestmark = pytest.mark.django_db
S = FactoryOrder.Status


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def web(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def fo(shop: Any, manager_a: User, line_a: Any) -> FactoryOrder:
    order = order_factories.place(shop, manager_a, order_type=Order.Type.TAILORING)
    return FactoryOrder.objects.get(order=order)


def test_scope_by_branch_and_role(fo: FactoryOrder, seller_a: User, seller_b: User, boss: User) -> None:
    url = reverse("manufacturing:order_detail", kwargs={"pk": fo.pk})
    assert web(seller_a).get(url).status_code == 200
    assert web(seller_b).get(url).status_code == 404
    assert web(boss).get(url).status_code == 200
    listed = api(seller_b).get(reverse("api-manufacturing:order-list")).json()["results"]
    assert listed == []
    assert [r["number"] for r in api(seller_a).get(reverse("api-manufacturing:order-list")).json()["results"]] == [
        fo.number
    ]
    assert api(seller_b).get(reverse("api-manufacturing:order-detail", kwargs={"pk": fo.pk})).status_code == 404


def test_pages_need_their_permission(fo: FactoryOrder, receiver: User, seller_a: User, make_user: Any) -> None:
    assert web(receiver).get(reverse("manufacturing:line_list")).status_code == 403
    assert web(seller_a).get(reverse("manufacturing:receipt")).status_code == 403
    assert web(receiver).get(reverse("manufacturing:approval_queue")).status_code == 403
    assert web(make_user(None)).get(reverse("manufacturing:dashboard")).status_code == 403


def test_page_transition_and_refusal(fo: FactoryOrder, boss: User, receiver: User) -> None:
    url = reverse("manufacturing:order_transition", kwargs={"pk": fo.pk})
    assert web(receiver).post(url, {"to": "pending"}).status_code == 302
    fo.refresh_from_db()
    assert fo.status == S.PENDING_APPROVAL  # refused with a message
    page = web(boss).get(reverse("manufacturing:order_detail", kwargs={"pk": fo.pk})).content.decode()
    assert 'name="to" value="pending"' in page and 'name="to" value="rejected"' in page
    response = web(boss).post(url, {"to": "pending"}, follow=True)
    fo.refresh_from_db()
    assert fo.status == S.PENDING
    assert response.status_code == 200


def test_page_reply_and_line_change(fo: FactoryOrder, boss: User, seller_a: User, branch_a: Any) -> None:
    web(boss).post(
        reverse("manufacturing:order_transition", kwargs={"pk": fo.pk}), {"to": "rejected", "reason": "ناقص"}
    )
    page = web(seller_a).get(reverse("manufacturing:order_detail", kwargs={"pk": fo.pk})).content.decode()
    assert "ناقص" in page and 'name="reply"' in page
    web(seller_a).post(reverse("manufacturing:order_reply", kwargs={"pk": fo.pk}), {"reply": "تم التعديل"})
    fo.refresh_from_db()
    assert fo.rejection_reply == "تم التعديل"
    other = factories.line(name="خط آخر", branches=[branch_a])
    web(boss).post(reverse("manufacturing:order_change_line", kwargs={"pk": fo.pk}), {"line": other.pk, "reason": ""})
    fo.refresh_from_db()
    assert fo.line == other


def test_receipt_page_and_per_item_receipt(fo: FactoryOrder, receiver: User, manager_a: User) -> None:
    from erp.manufacturing import services

    cuts = [factories.cut_item(cut_reference="C-55"), factories.cut_item(cut_reference="C-56")]
    for cut in cuts:
        services.receive_cut_item_done(order=fo.order, order_item=None, cut_item=cut, actor=manager_a)
    page = web(receiver).get(reverse("manufacturing:receipt")).content.decode()
    assert "C-55" in page
    bad = web(receiver).post(reverse("manufacturing:receipt"), {"cut_reference": "C-55", "bag_number": ""})
    assert bad.status_code == 400
    ok = web(receiver).post(reverse("manufacturing:receipt"), {"cut_reference": "C-55", "bag_number": "BAG-1"})
    assert ok.status_code == 302
    item = FactoryItem.objects.get(cut_reference="C-56")
    web(receiver).post(
        reverse("manufacturing:order_receive", kwargs={"pk": fo.pk}),
        {"item": [str(item.pk)], f"bag_{item.pk}": "BAG-2"},
    )
    assert sorted(FactoryItem.objects.values_list("bag_number", flat=True)) == ["BAG-1", "BAG-2"]
    web(receiver).post(reverse("manufacturing:order_deliver", kwargs={"pk": fo.pk}))
    assert not FactoryItem.objects.filter(delivered_to_line_at__isnull=True).exists()


def test_api_transition_409_403_and_200(fo: FactoryOrder, boss: User, receiver: User) -> None:
    url = reverse("api-manufacturing:order-transition", kwargs={"pk": fo.pk})
    conflict = api(boss).post(url, {"to": "completed"}, format="json")
    assert conflict.status_code == 409
    assert conflict.json()["error"]["fields"]["to"] == ["cancelled", "pending", "rejected"]
    assert api(receiver).post(url, {"to": "pending"}, format="json").status_code == 403
    missing = api(boss).post(url, {"to": "rejected"}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["error"]["fields"]
    done = api(boss).post(url, {"to": "pending"}, format="json")
    assert done.status_code == 200
    assert done.json()["status"] == "pending"
    assert done.json()["allowed_transitions"] == ["cancelled", "in_progress", "rejected"]


def test_api_fabric_receipt(fo: FactoryOrder, receiver: User, seller_a: User, manager_a: User) -> None:
    from erp.manufacturing import services

    cut = factories.cut_item(cut_reference="C-77")
    services.receive_cut_item_done(order=fo.order, order_item=None, cut_item=cut, actor=manager_a)
    url = reverse("api-manufacturing:fabric-receipt")
    assert api(seller_a).post(url, {"cut_reference": "C-77", "bag_number": "X"}, format="json").status_code == 403
    answer = api(receiver).post(url, {"cut_reference": "C-77", "bag_number": "BG-9"}, format="json")
    assert answer.status_code == 200
    assert [r["bag_number"] for r in answer.json()] == ["BG-9"]
    again = api(receiver).post(url, {"items": [{"id": answer.json()[0]["id"], "bag_number": "X"}]}, format="json")
    assert again.status_code == 400


def test_api_production_lines(line_a: ProductionLine, boss: User, make_user: Any) -> None:
    rows = api(boss).get(reverse("api-manufacturing:line-list")).json()["results"]
    assert [r["name"] for r in rows] == [line_a.name]
    assert {r["order_type"] for r in rows[0]["routes"]} == set(FactoryOrder.Type.values)
    assert api(make_user(None)).get(reverse("api-manufacturing:line-list")).status_code == 403


def test_line_pages_create_and_edit(boss: User, branch_a: Any) -> None:
    response = web(boss).post(
        reverse("manufacturing:line_list"),
        {
            "name": "خط جديد",
            "capacity_per_day": "5",
            "priority": "2",
            "is_active": "on",
            "branches_custom": [branch_a.pk],
        },
    )
    assert response.status_code == 302
    line = ProductionLine.objects.get(name="خط جديد")
    assert list(line.routes.values_list("order_type", flat=True)) == ["custom"]
    bad = web(boss).post(
        reverse("manufacturing:line_edit", kwargs={"pk": line.pk}), {"name": "", "capacity_per_day": "0"}
    )
    assert bad.status_code == 400


def test_the_order_shows_the_factory_department(fo: FactoryOrder, manager_a: User) -> None:
    from erp.manufacturing import departments

    departments.register()
    detail = api(manager_a).get(reverse("api-orders:order-detail", kwargs={"pk": fo.order_id})).json()
    row = next(d for d in detail["departments"] if d["key"] == "manufacturing")
    assert row["status"] == "pending_approval"
    assert detail["stage"]["status"] == "pending_approval"


def test_dashboard_within_budget_and_constant(
    shop: Any, boss: User, line_a: ProductionLine, query_budget: Any, branch_a: Any
) -> None:
    other = factories.line(branches=[branch_a])
    client = web(boss)
    url = reverse("manufacturing:dashboard")

    def grow(n: int) -> None:
        for i in range(n):
            factories.bulk_factory_orders(
                shop, boss, 1, status=[S.PENDING, S.IN_PROGRESS][i % 2], line=[line_a, other][i % 2], vip=i % 3 == 0
            )

    counts = query_budget(grow, lambda: client.get(url))
    assert counts[0] == counts[1]
    page = client.get(url).content.decode()
    assert line_a.name in page and other.name in page


def test_list_filters_and_export(shop: Any, boss: User, line_a: ProductionLine) -> None:
    late = factories.bulk_factory_orders(shop, boss, 2, status=S.IN_PROGRESS, line=line_a, vip=True)
    FactoryOrder.objects.filter(pk=late[0].pk).update(expected_date="2020-01-01")
    client = web(boss)
    url = reverse("manufacturing:order_list")
    page = client.get(url, {"overdue": "true"}).content.decode()
    assert late[0].number in page and late[1].number not in page
    assert late[1].number in client.get(url, {"search": late[1].number.upper()}).content.decode()
    export = client.get(url, {"export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_demo_builds_every_factory_state() -> None:
    out = io.StringIO()
    call_command("demo_data", size="small", seed=3, stdout=out)
    assert "manufacturing:" in out.getvalue()
    assert set(FactoryOrder.objects.values_list("status", flat=True)) == set(S.values)
    assert FactoryOrder.objects.filter(order_type="modification").exists()
    assert not FactoryOrder.objects.filter(line__isnull=True).exists()


def test_approval_queue_export_as_a_background_job_keeps_the_queue(
    shop: Any, boss: User, line_a: ProductionLine, django_capture_on_commit_callbacks: Any
) -> None:
    pending = factories.bulk_factory_orders(shop, boss, 2, status=S.PENDING_APPROVAL, line=line_a)
    factories.bulk_factory_orders(shop, boss, 1, status=S.IN_PROGRESS, line=line_a)
    url = reverse("manufacturing:approval_queue") + "?export=xlsx"
    rows = export_job_matches_immediate(web(boss), url, django_capture_on_commit_callbacks)
    assert {r[0] for r in rows[1:]} == {fo.number for fo in pending}
