"""Installation pages: the debt warning, scheduling, one-tap start and completion with a payment and a receipt,
exports, private receipts, the team's day, resources, and who may open what."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.core.testing.exportcheck import export_job_matches_immediate
from erp.core.text import normalize_search
from erp.installations.models import Installation, Team, Vehicle
from erp.installations.tests import factories
from erp.orders.models import Order
from erp.orders.tests import factories as order_factories

pytestmark = pytest.mark.django_db
S = Installation.Status
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def shop(branch_a: Branch) -> order_factories.Shop:
    return order_factories.shop(branch=branch_a, fabrics=2)


@pytest.fixture
def installer(make_user: Callable[..., User], branch_a: Branch) -> User:
    return make_user(RoleKey.INSTALLATION_MANAGER, branch=branch_a, username="installer")


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_schedule_page_warns_about_the_balance_and_asks_for_confirmation(
    shop: order_factories.Shop, installer: User, branch_a: Branch
) -> None:
    order = factories.ready_orders(shop, installer, 1)[0]
    crew = factories.crew(branch=branch_a)
    client = login(installer)
    listing = client.get(reverse("installations:needs_scheduling"))
    assert order.number in listing.content.decode()
    url = reverse("installations:schedule_create", kwargs={"order_pk": order.pk})
    page = client.get(url)
    assert 'data-testid="debt-warning"' in page.content.decode()
    assert crew.team is not None
    data = {"scheduled_date": "2030-03-01", "team": crew.team.pk, "location_type": "compound", "windows_count": "5"}
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "150.00" in refused.content.decode()
    assert not Installation.objects.exists()
    done = client.post(url, {**data, "debt_confirmed": "on"})
    inst = Installation.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse(
        "installations:installation_detail", kwargs={"pk": inst.pk}
    )
    assert (inst.status, inst.location_type, inst.windows_count) == (S.SCHEDULED, "compound", 5)
    detail = client.get(done["Location"]).content.decode()
    assert inst.number in detail
    assert inst.debt_confirmed is True


def test_one_tap_start_then_complete_with_a_payment_and_a_receipt(
    shop: order_factories.Shop, installer: User, manager_b: User
) -> None:
    inst = factories.installation(shop, installer, status=S.SCHEDULED)
    assert inst.team is not None
    client = login(installer)
    day = reverse("installations:team_day_jobs", kwargs={"team_pk": inst.team.pk}) + (
        f"?date={inst.scheduled_date.isoformat()}"  # type: ignore[union-attr]
    )
    assert inst.number in client.get(day).content.decode()
    started = client.post(reverse("installations:installation_start", kwargs={"pk": inst.pk}), {"next": day})
    assert started.status_code == 302 and started["Location"] == day
    inst.refresh_from_db()
    assert inst.status == S.IN_INSTALLATION

    url = reverse("installations:installation_complete", kwargs={"pk": inst.pk})
    bad = client.post(url, {"amount": "10", "method": "cheque"})
    assert bad.status_code == 400  # a cheque needs its reference: the form again, nothing saved
    inst.refresh_from_db()
    assert inst.status == S.IN_INSTALLATION
    wrong_file = client.post(url, {"method": "cash", "receipt_file": SimpleUploadedFile("x.png", b"not an image")})
    assert wrong_file.status_code == 400
    done = client.post(
        url,
        {
            "amount": "150.00",
            "method": "cash",
            "receipt_number": "RM-9",
            "receipt_file": SimpleUploadedFile("sig.png", PNG, content_type="image/png"),
        },
    )
    assert done.status_code == 302
    inst.refresh_from_db()
    order = Order.objects.get(pk=inst.order_id)
    assert (inst.status, inst.receipt_number) == (S.COMPLETED, "RM-9")
    assert (order.status, order.balance) == (Order.Status.COMPLETED, Decimal("0.00"))

    receipt = reverse("installations:installation_receipt", kwargs={"pk": inst.pk})
    response = client.get(receipt)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG  # type: ignore[attr-defined]
    assert login(manager_b).get(receipt).status_code == 404


def test_cancel_from_the_detail_page(shop: order_factories.Shop, installer: User) -> None:
    inst = factories.installation(shop, installer, status=S.SCHEDULED)
    client = login(installer)
    url = reverse("installations:installation_cancel", kwargs={"pk": inst.pk})
    client.post(url, {"reason": ""})
    inst.refresh_from_db()
    assert inst.status == S.SCHEDULED
    client.post(url, {"reason": "ظروف العميل"})
    inst.refresh_from_db()
    assert inst.status == S.CANCELLED


def test_export_and_permissions(
    shop: order_factories.Shop, installer: User, seller_a: User, make_user: Callable[..., User], branch_a: Branch
) -> None:
    factories.bulk_installations(shop, seller_a, 3)
    export = login(installer).get(reverse("installations:installation_list") + "?export=xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert login(seller_a).get(reverse("installations:installation_list") + "?export=xlsx").status_code == 403
    assert login(seller_a).get(reverse("installations:installation_list")).status_code == 200
    assert login(seller_a).get(reverse("installations:needs_scheduling")).status_code == 403
    traffic = make_user(RoleKey.TRAFFIC_MANAGER, branch=branch_a)
    assert login(traffic).get(reverse("installations:installation_list")).status_code == 403
    assert login(traffic).get(reverse("installations:vehicle_list")).status_code == 200
    assert login(traffic).get(reverse("installations:team_list")).status_code == 403


def test_list_search_is_arabic_normalised(shop: order_factories.Shop, installer: User, seller_a: User) -> None:
    rows = factories.bulk_installations(shop, seller_a, 2)
    Installation.objects.filter(pk=rows[0].pk).update(search_text=normalize_search("عميل مدينة نصر"))
    page = login(installer).get(reverse("installations:installation_list") + "?search=مدينه")
    body = page.content.decode()
    assert rows[0].number in body and rows[1].number not in body


def test_resource_pages_create_and_edit(installer: User, branch_a: Branch) -> None:
    client = login(installer)
    bad = client.post(reverse("installations:team_list"), {"name": "", "branch": branch_a.pk})
    assert bad.status_code == 400
    client.post(reverse("installations:team_list"), {"name": "فريق الشروق", "branch": branch_a.pk, "is_active": "on"})
    team = Team.objects.get()
    client.post(
        reverse("installations:team_edit", kwargs={"pk": team.pk}), {"name": "فريق العبور", "branch": branch_a.pk}
    )
    team.refresh_from_db()
    assert (team.name, team.is_active) == ("فريق العبور", False)
    client.post(reverse("installations:vehicle_list"), {"plate": "abc 12", "vehicle_type": "truck", "status": "active"})
    assert Vehicle.objects.get().plate == "ABC12"


def test_schedules_render(shop: order_factories.Shop, installer: User, seller_a: User) -> None:
    rows = factories.bulk_installations(shop, seller_a, 2)
    day = rows[0].scheduled_date.isoformat()  # type: ignore[union-attr]
    client = login(seller_a)
    assert rows[0].number in client.get(reverse("installations:daily_schedule") + f"?date={day}").content.decode()
    assert rows[1].number in client.get(reverse("installations:week_calendar") + f"?start={day}").content.decode()


def test_modification_pages(shop: order_factories.Shop, installer: User) -> None:
    inst = factories.installation(shop, installer, status=S.COMPLETED)
    client = login(installer)
    url = reverse("installations:modification_create", kwargs={"pk": inst.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "fault_party": "customer",
            "priority": "normal",
            "description": "تغيير اللون",
            "items-TOTAL_FORMS": "3",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "1",
            "items-MAX_NUM_FORMS": "20",
            "items-0-description": "الصالة",
            "items-0-new_meters": "3",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    detail = client.get(response["Location"])
    assert "الصالة" in detail.content.decode()
    inst.refresh_from_db()
    assert inst.status == S.MODIFICATION_REQUIRED
    action = response["Location"].rstrip("/") + "/action/"
    client.post(action, {"to": "investigating"})
    assert inst.modifications.get().status == "investigating"


def test_salespeople_see_but_do_not_act(shop: order_factories.Shop, installer: User, seller_a: User) -> None:
    inst = factories.installation(
        shop, installer, status=S.COMPLETED, order=factories.ready_orders(shop, seller_a, 1)[0]
    )
    client = login(seller_a)
    page = client.get(reverse("installations:installation_detail", kwargs={"pk": inst.pk}))
    assert page.status_code == 200
    assert reverse("installations:modification_create", kwargs={"pk": inst.pk}) not in page.content.decode()
    assert client.get(reverse("installations:modification_create", kwargs={"pk": inst.pk})).status_code == 403
    assert (
        client.post(reverse("installations:installation_cancel", kwargs={"pk": inst.pk}), {"reason": "x"}).status_code
        == 403
    )
    assert client.get(reverse("installations:team_day")).status_code == 403
    inst.refresh_from_db()
    assert inst.status == S.COMPLETED


def test_large_export_is_a_background_job_with_the_same_rows(
    shop: order_factories.Shop, installer: User, seller_a: User, django_capture_on_commit_callbacks: Any
) -> None:
    rows = factories.bulk_installations(shop, seller_a, 3)
    url = reverse("installations:installation_list") + "?export=xlsx&ordering=-id"
    exported = export_job_matches_immediate(login(installer), url, django_capture_on_commit_callbacks)
    assert [r[0] for r in exported[1:]] == [i.number for i in sorted(rows, key=lambda i: -i.pk)]


def test_the_request_and_mission_lists_fetch_installations_by_key(
    shop: order_factories.Shop, installer: User, admin_user: User
) -> None:
    """The lists of modification requests and missions (page and API) take their installations by primary key,
    never joined: a merge join there walked the whole installations table when the newest rows pointed past the
    planner's statistics (31 ms at 136,000 installations for 16 requests; selectors.modification_list)."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from erp.installations.models import ModificationRequest, VehicleMission

    inst = factories.installation(shop, installer, status=S.COMPLETED)
    ModificationRequest.objects.create(installation=inst, fault_party="factory", description="x", created_by=installer)
    VehicleMission.objects.create(
        vehicle=Vehicle.objects.create(plate="ق ن 12"),
        mission_date=inst.scheduled_date or inst.created_at.date(),
        installation=inst,
    )
    client = login(admin_user)
    for name in (
        "installations:modification_list",
        "api-installations:modification-request-list",
        "installations:mission_list",
    ):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name))
        assert response.status_code == 200
        assert inst.number in response.content.decode(), name
        listing = [
            q["sql"]
            for q in queries
            if 'FROM "installations_modificationrequest"' in q["sql"]
            or 'FROM "installations_vehiclemission"' in q["sql"]
        ]
        assert listing and not [sql for sql in listing if '"installations_installation"' in sql], name
        by_key = [q["sql"] for q in queries if q["sql"].startswith('SELECT "installations_installation"."id"')]
        assert len(by_key) == 1 and re.search(
            rf'WHERE \(?"installations_installation"\."id"\)? IN \(\(?{inst.pk}\)?\)', by_key[0]
        ), name
