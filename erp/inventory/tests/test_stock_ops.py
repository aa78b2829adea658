"""Stock counts, manual adjustments, stock alerts (list and after-commit hook) and the transfer pages."""

from collections.abc import Callable, Iterator
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from openpyxl import load_workbook

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.core.exceptions import InvalidTransition, PermissionDeniedError
from erp.inventory import alerts, services
from erp.inventory.counts import count_cancel, count_create, count_enter, count_post, stock_adjust
from erp.inventory.models import StockBalance, StockCount, StockMovement, Transfer, Warehouse
from erp.inventory.tests import factories
from erp.inventory.tests.test_pages_and_api import bearer
from erp.inventory.transfers import transfer_create, transfer_transition

pytestmark = pytest.mark.django_db


def qty(variant_id: int, warehouse: Warehouse) -> Decimal:
    row = StockBalance.objects.filter(variant_id=variant_id, warehouse=warehouse).first()
    return row.quantity if row else Decimal(0)


@pytest.fixture
def ops(make_user: Callable[..., User], branch_a: Branch, branch_b: Branch) -> dict:
    wh = factories.warehouse(branch=branch_a, code="MAIN")
    far = factories.warehouse(branch=branch_b, code="FAR")
    cutting = factories.warehouse(branch=branch_a, code="CUT", allow_negative_for_cutting=True)
    keeper = make_user(RoleKey.WAREHOUSE_STAFF, branch=branch_a)
    wh.staff.add(keeper)
    cutting.staff.add(keeper)
    boss = make_user(RoleKey.FACTORY_MANAGER, branch=branch_a)
    seller = make_user(RoleKey.SALESPERSON, branch=branch_a)
    fabric = factories.product(colours=(("BJ", "بيج"), ("GR", "رمادي")), minimum_stock=Decimal(5))
    beige, grey = fabric.variants.order_by("code")
    services.stock_receive(variant=beige, warehouse=wh, quantity=Decimal(20), reason="opening", key="o1")
    services.stock_receive(variant=grey, warehouse=wh, quantity=Decimal(8), reason="opening", key="o2")
    return {
        "wh": wh,
        "far": far,
        "cut": cutting,
        "keeper": keeper,
        "boss": boss,
        "seller": seller,
        "beige": beige,
        "grey": grey,
        "fabric": fabric,
    }


# ---------------------------------------------------------------------------------------------------------------
# Counts and adjustments


def test_count_snapshots_adjusts_only_differences_once(ops: dict) -> None:
    count = count_create(user=ops["boss"], warehouse=ops["wh"])
    assert count.number.startswith("SC-")
    lines = {line.variant_id: line for line in count.lines.all()}
    assert {v: line.expected for v, line in lines.items()} == {ops["beige"].pk: 20, ops["grey"].pk: 8}
    count_enter(
        user=ops["keeper"],
        count=count,
        counted={lines[ops["beige"].pk].pk: Decimal("18.5"), lines[ops["grey"].pk].pk: Decimal(8)},
    )
    result = count_post(user=ops["boss"], count=count)
    assert len(result.movements) == 1  # the grey line matched: no movement for it
    movement = result.movements[0]
    assert movement.reason == "count" and movement.kind == "adjustment" and movement.quantity == Decimal("-1.5")
    assert qty(ops["beige"].pk, ops["wh"]) == Decimal("18.5")
    with pytest.raises(InvalidTransition):
        count_post(user=ops["boss"], count=count)
    assert StockMovement.objects.filter(reason="count").count() == 1
    assert services.stock_ledger_mismatches() == []


def test_count_by_category_includes_variants_without_stock(ops: dict) -> None:
    empty = factories.product(category=ops["fabric"].category)
    count = count_create(user=ops["boss"], warehouse=ops["wh"], category=ops["fabric"].category)
    assert count.lines.count() == 3
    assert count.lines.get(variant=empty.variants.get()).expected == 0
    other = count_create(user=ops["boss"], warehouse=ops["wh"], category=factories.category())
    assert other.lines.count() == 0


def test_count_permissions(ops: dict) -> None:
    with pytest.raises(PermissionDeniedError):
        count_create(user=ops["keeper"], warehouse=ops["wh"])  # staff count, managers open and post
    count = count_create(user=ops["boss"], warehouse=ops["wh"])
    line = count.lines.earliest("id")
    with pytest.raises(PermissionDeniedError):
        count_enter(user=ops["seller"], count=count, counted={line.pk: Decimal(1)})
    with pytest.raises(PermissionDeniedError):
        count_post(user=ops["keeper"], count=count)
    with pytest.raises(ValidationError):
        count_enter(user=ops["keeper"], count=count, counted={line.pk: Decimal(-1)})
    count_cancel(user=ops["boss"], count=count)
    assert StockCount.objects.get().status == "cancelled"
    with pytest.raises(InvalidTransition):
        count_enter(user=ops["keeper"], count=count, counted={line.pk: Decimal(1)})


def test_manual_adjustment_needs_reason_note_and_permission(ops: dict) -> None:
    args = {"warehouse": ops["wh"], "variant": ops["beige"], "quantity": Decimal(-2), "key": "adj-1"}
    with pytest.raises(PermissionDeniedError):
        stock_adjust(user=ops["keeper"], reason="damage", note="ممزق", **args)
    with pytest.raises(ValidationError) as exc:
        stock_adjust(user=ops["boss"], reason="sale", note="", **args)
    assert set(exc.value.message_dict) == {"reason", "note"}
    first = stock_adjust(user=ops["boss"], reason="damage", note="ممزق", **args)
    again = stock_adjust(user=ops["boss"], reason="damage", note="ممزق", **args)
    assert first.replayed is False and again.replayed is True
    assert qty(ops["beige"].pk, ops["wh"]) == 18
    assert first.movements[0].note == "ممزق" and first.movements[0].kind == "adjustment"


def test_count_pages_and_api(ops: dict) -> None:
    boss = Client()
    boss.force_login(ops["boss"])
    response = boss.post("/inventory/counts/new/", {"warehouse": ops["wh"].pk})
    count = StockCount.objects.get()
    assert response.status_code == 302
    keeper = Client()
    keeper.force_login(ops["keeper"])
    line = count.lines.get(variant=ops["grey"])
    assert keeper.post(f"/inventory/counts/{count.pk}/", {f"counted_{line.pk}": "٧"}).status_code == 302
    line.refresh_from_db()
    assert line.counted == 7
    bad = keeper.post(f"/inventory/counts/{count.pk}/", {f"counted_{line.pk}": "abc"})
    assert bad.status_code == 200 and bad.context["errors"]
    assert keeper.post(f"/inventory/counts/{count.pk}/action/", {"action": "post"}).status_code == 403
    boss.post(f"/inventory/counts/{count.pk}/action/", {"action": "post"})
    assert qty(ops["grey"].pk, ops["wh"]) == 7
    api = bearer(ops["boss"])
    created = api.post("/api/v1/stock-counts/", {"warehouse": ops["wh"].pk}, format="json")
    assert created.status_code == 201
    body = created.json()
    grey_line = next(x for x in body["lines"] if x["variant_id"] == ops["grey"].pk)
    entered = bearer(ops["keeper"]).post(
        f"/api/v1/stock-counts/{body['id']}/lines/",
        {"lines": [{"line": grey_line["id"], "counted": "9"}]},
        format="json",
    )
    assert entered.status_code == 200
    posted = api.post(f"/api/v1/stock-counts/{body['id']}/transition/", {"to": "posted"}, format="json")
    assert posted.status_code == 200 and posted.json()["status"] == "posted"
    assert (
        api.post(f"/api/v1/stock-counts/{body['id']}/transition/", {"to": "posted"}, format="json").status_code == 409
    )
    assert qty(ops["grey"].pk, ops["wh"]) == 9


def test_adjustment_pages_and_api(ops: dict) -> None:
    boss = Client()
    boss.force_login(ops["boss"])
    form = boss.get("/inventory/adjustments/new/")
    key = form.context["form"].initial["key"]
    data = {
        "warehouse": ops["wh"].pk,
        "code": ops["beige"].code,
        "quantity": "-3",
        "reason": "damage",
        "note": "بلل",
        "key": key,
    }
    assert boss.post("/inventory/adjustments/new/", data).status_code == 302
    assert boss.post("/inventory/adjustments/new/", data).status_code == 302  # double submit: once
    assert qty(ops["beige"].pk, ops["wh"]) == 17
    missing = boss.post("/inventory/adjustments/new/", {**data, "note": "", "key": "k2"})
    assert missing.status_code == 200 and "note" in missing.context["form"].errors
    keeper = Client()
    keeper.force_login(ops["keeper"])
    assert keeper.get("/inventory/adjustments/new/").status_code == 403
    assert keeper.get("/inventory/adjustments/").status_code == 200
    api = bearer(ops["boss"])
    payload = {"warehouse": ops["wh"].pk, "variant": ops["grey"].pk, "quantity": "2", "reason": "other", "note": "وجد"}
    first = api.post("/api/v1/stock-adjustments/", payload, format="json", HTTP_IDEMPOTENCY_KEY="x1")
    again = api.post("/api/v1/stock-adjustments/", payload, format="json", HTTP_IDEMPOTENCY_KEY="x1")
    assert first.status_code == 201 and again.status_code == 200 and first.json()["id"] == again.json()["id"]
    assert qty(ops["grey"].pk, ops["wh"]) == 10
    assert api.post("/api/v1/stock-adjustments/", payload, format="json").status_code == 400  # no key
    denied = bearer(ops["keeper"]).post("/api/v1/stock-adjustments/", payload, format="json", HTTP_IDEMPOTENCY_KEY="x2")
    assert denied.status_code == 403
    assert len(bearer(ops["keeper"]).get("/api/v1/stock-adjustments/").json()["results"]) == 2  # one page, one API


# ---------------------------------------------------------------------------------------------------------------
# Alerts


@pytest.fixture
def received() -> Iterator[list[alerts.StockAlert]]:
    got: list[alerts.StockAlert] = []

    def handler(batch: list[alerts.StockAlert]) -> None:
        got.extend(batch)

    alerts.register_stock_alert_handler(handler)
    yield got
    alerts.unregister_stock_alert_handler(handler)


def test_alert_hook_fires_after_commit_on_crossings_only(
    ops: dict, received: list[alerts.StockAlert], django_capture_on_commit_callbacks: Callable
) -> None:
    beige, wh = ops["beige"], ops["wh"]
    with django_capture_on_commit_callbacks(execute=False) as pending:
        services.stock_issue(variant=beige, warehouse=wh, quantity=Decimal(14), reason="sale", key="s1")  # 20 → 6
    assert pending == [] and received == []  # still at or above the minimum: nothing to say
    with django_capture_on_commit_callbacks(execute=False) as pending:
        services.stock_issue(variant=beige, warehouse=wh, quantity=Decimal(2), reason="sale", key="s2")  # 6 → 4
    assert received == []  # nothing before commit
    for callback in pending:
        callback()
    assert [(a.state, a.before, a.after, a.minimum) for a in received] == [("low", 6, 4, 5)]
    with django_capture_on_commit_callbacks(execute=True):
        services.stock_issue(variant=beige, warehouse=wh, quantity=Decimal(1), reason="sale", key="s3")  # 4 → 3
    assert len(received) == 1  # still low: no new alert
    with django_capture_on_commit_callbacks(execute=True):
        services.stock_issue(variant=beige, warehouse=wh, quantity=Decimal(3), reason="sale", key="s4")  # 3 → 0
    assert received[-1].state == "out"
    with django_capture_on_commit_callbacks(execute=True):
        services.stock_receive(variant=beige, warehouse=wh, quantity=Decimal(9), reason="purchase", key="p1")
    assert len(received) == 2  # receipts never alert


def test_alert_hook_reports_negative_cutting_and_survives_a_failing_handler(
    ops: dict, received: list[alerts.StockAlert], django_capture_on_commit_callbacks: Callable
) -> None:
    def broken(batch: list[alerts.StockAlert]) -> None:
        raise RuntimeError("notifications down")

    alerts.register_stock_alert_handler(broken)
    try:
        alerts.register_stock_alert_handler(received.append)  # type: ignore[arg-type]
        alerts.unregister_stock_alert_handler(received.append)  # type: ignore[arg-type]
        with django_capture_on_commit_callbacks(execute=True):
            services.stock_receive(
                variant=ops["grey"], warehouse=ops["cut"], quantity=Decimal(1), reason="opening", key="c0"
            )
            services.stock_issue(
                variant=ops["grey"],
                warehouse=ops["cut"],
                quantity=Decimal(3),
                reason="production",
                key="c1",
                for_cutting=True,
            )
    finally:
        alerts.unregister_stock_alert_handler(broken)
    assert [(a.state, a.after) for a in received] == [("negative", -2)]
    assert qty(ops["grey"].pk, ops["cut"]) == -2  # the posting stood although a handler failed


def test_alert_list_states_filters_scope_and_export(
    ops: dict, make_user: Callable[..., User], branch_b: Branch
) -> None:
    services.stock_issue(
        variant=ops["grey"], warehouse=ops["wh"], quantity=Decimal(5), reason="sale", key="x1"
    )  # 3: low
    services.stock_issue(variant=ops["beige"], warehouse=ops["wh"], quantity=Decimal(20), reason="sale", key="x2")  # 0
    services.stock_receive(variant=ops["beige"], warehouse=ops["cut"], quantity=Decimal(1), reason="opening", key="x3")
    services.stock_issue(
        variant=ops["beige"], warehouse=ops["cut"], quantity=Decimal(2), reason="production", key="x4", for_cutting=True
    )
    service = factories.product(kind="service", minimum_stock=Decimal(5))
    services.stock_receive(
        variant=service.variants.get(), warehouse=ops["wh"], quantity=Decimal(1), reason="opening", key="x5"
    )
    client = Client()
    client.force_login(ops["keeper"])
    rows = client.get("/inventory/alerts/").context["rows"]
    states = {(b.variant_id, b.warehouse_id): b.state for b, _label in rows}
    assert states == {
        (ops["grey"].pk, ops["wh"].pk): "low",
        (ops["beige"].pk, ops["wh"].pk): "out",
        (ops["beige"].pk, ops["cut"].pk): "negative",
    }
    assert len({label for _b, label in rows}) == 3  # one label per state
    only_out = client.get("/inventory/alerts/?state=out").context["rows"]
    assert [b.state for b, _ in only_out] == ["out"]
    by_wh = client.get(f"/inventory/alerts/?warehouse={ops['cut'].pk}").context["rows"]
    assert [b.warehouse_id for b, _ in by_wh] == [ops["cut"].pk]
    export = client.get("/inventory/alerts/?export=xlsx")
    sheet = load_workbook(BytesIO(export.content)).active
    assert sheet.max_row == 4  # header + three alerts
    outsider = make_user(RoleKey.WAREHOUSE_STAFF, branch=branch_b)
    ops["far"].staff.add(outsider)
    other = Client()
    other.force_login(outsider)
    assert list(other.get("/inventory/alerts/").context["rows"]) == []
    api = bearer(ops["keeper"])
    assert {r["state"] for r in api.get("/api/v1/stock-alerts/").json()["results"]} == {"low", "out", "negative"}


# ---------------------------------------------------------------------------------------------------------------
# Transfer pages


def test_transfer_pages_create_act_and_complete(ops: dict) -> None:
    keeper = Client()
    keeper.force_login(ops["keeper"])
    bad = keeper.post(
        "/inventory/transfers/new/",
        {"source": ops["wh"].pk, "destination": ops["wh"].pk, "code": ["NOPE"], "quantity": ["0"]},
    )
    assert bad.status_code == 200 and "destination" in bad.context["form"].errors
    assert len(bad.context["rows"][0].errors) == 2 and Transfer.objects.count() == 0
    response = keeper.post(
        "/inventory/transfers/new/",
        {"source": ops["wh"].pk, "destination": ops["cut"].pk, "code": [ops["beige"].code, ""], "quantity": ["4", ""]},
    )
    transfer = Transfer.objects.get()
    assert response.status_code == 302 and transfer.items.get().quantity == 4
    detail = keeper.get(f"/inventory/transfers/{transfer.pk}/")
    assert [to for to, _label in detail.context["actions"]] == ["cancelled", "pending"]
    keeper.post(f"/inventory/transfers/{transfer.pk}/action/", {"to": "pending"})
    boss = Client()
    boss.force_login(ops["boss"])
    assert [to for to, _ in boss.get(f"/inventory/transfers/{transfer.pk}/").context["actions"]] == [
        "approved",
        "cancelled",
        "rejected",
    ]
    refused = boss.post(f"/inventory/transfers/{transfer.pk}/action/", {"to": "rejected"})  # no reason
    assert refused.status_code == 302 and Transfer.objects.get().status == "pending"
    boss.post(f"/inventory/transfers/{transfer.pk}/action/", {"to": "approved"})
    item = transfer.items.get()
    assert keeper.get(f"/inventory/transfers/{transfer.pk}/").context["can_complete"] is True
    keeper.post(f"/inventory/transfers/{transfer.pk}/action/", {"to": "completed", f"received_{item.pk}": "3.5"})
    item.refresh_from_db()
    assert Transfer.objects.get().status == "completed" and item.shortfall == Decimal("0.5")
    assert qty(ops["beige"].pk, ops["cut"]) == Decimal("3.5")
    assert keeper.get(f"/inventory/transfers/{transfer.pk}/print/").status_code == 200
    rows = keeper.get("/inventory/transfers/?status=completed").context["page"].rows
    assert [t.pk for t in rows] == [transfer.pk]
    assert keeper.get("/inventory/transfers/?status=draft").context["page"].rows == []
    assert keeper.get("/inventory/lines/row/?cost=1").status_code == 200


def test_transfer_pages_are_scoped_and_need_permission(
    ops: dict, make_user: Callable[..., User], branch_b: Branch
) -> None:
    transfer = transfer_create(
        user=ops["keeper"], source=ops["wh"], destination=ops["cut"], items=[(ops["beige"], Decimal(1))]
    )
    transfer_transition(transfer=transfer, user=ops["keeper"], to="pending")
    outsider = make_user(RoleKey.WAREHOUSE_STAFF, branch=branch_b)
    ops["far"].staff.add(outsider)
    client = Client()
    client.force_login(outsider)
    assert client.get(f"/inventory/transfers/{transfer.pk}/").status_code == 404
    assert client.get("/inventory/transfers/").context["page"].rows == []
    seller = Client()
    seller.force_login(ops["seller"])
    assert seller.get("/inventory/transfers/new/").status_code == 403
    assert seller.get(f"/inventory/transfers/{transfer.pk}/").context["actions"] == []
