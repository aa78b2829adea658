"""Excel import as a background job: upload checks, the dry run's per-row errors, confirmation, the batched real run
with its counters, idempotent re-runs (natural keys, ledger unchanged), the template, the error report, and an
export that re-imports as a no-op."""

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.core.exceptions import InvalidTransition
from erp.inventory import imports, services
from erp.inventory.models import (
    ImportJob,
    ImportRowError,
    PriceChange,
    Product,
    StockBalance,
    StockMovement,
    Variant,
)
from erp.inventory.tasks import catalogue_import_run, catalogue_import_validate
from erp.inventory.tests import catalogue_factories as cf
from erp.inventory.tests import factories

pytestmark = pytest.mark.django_db
Status = ImportJob.Status


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def importer(make_user: Callable[..., User], branch_a: Branch) -> User:
    return make_user(RoleKey.FACTORY_MANAGER, branch=branch_a)


@pytest.fixture
def warehouses(branch_a: Branch) -> list[Any]:
    return [factories.warehouse(branch=branch_a, code="WH-A"), factories.warehouse(branch=branch_a, code="WH-B")]


def rows() -> list[dict[str, Any]]:
    base = {
        "product_code": "blk-1",
        "name": "بلاك أوت ملكي",
        "category": "أقمشة / بلاك أوت",
        "kind": "fabric",
        "unit": "متر",  # the Arabic label works as well as the key
        "retail_price": "350",
        "wholesale_price": 290,
        "width_cm": 280,
    }
    return [
        {**base, "variant_code": "BLK-1-BJ", "colour": "بيج", "barcode": "6221000000017", "stock:WH-A": 40},
        {"product_code": "BLK-1", "variant_code": "BLK-1-GR", "colour": "رمادي", "stock:WH-A": 10, "stock:WH-B": 5},
        {
            "product_code": "ACC-9",
            "name": "ماسورة ألومنيوم",
            "category": "إكسسوارات",
            "kind": "accessory",
            "unit": "piece",
            "retail_price": "120.50",
            "wholesale_price": "100",
            "stock:WH-B": "7",
        },
    ]


def run_job(user: User, content: bytes) -> ImportJob:
    """Upload, validate, confirm and run, calling the task functions as a worker would."""
    job = imports.import_job_create(actor=user, file=cf.xlsx_upload(content))
    assert catalogue_import_validate(job.pk) == Status.VALIDATED
    job.refresh_from_db()
    assert job.error_count == 0, list(ImportRowError.objects.filter(job=job).values_list("row", "column", "message"))
    imports.import_job_confirm(actor=user, job=job)
    while catalogue_import_run(job.pk) == Status.RUNNING:
        pass
    job.refresh_from_db()
    return job


def ledger() -> list[tuple[str, str, Decimal]]:
    return sorted(StockMovement.objects.values_list("idempotency_key", "warehouse__code", "quantity"))


def test_import_creates_products_variants_prices_and_opening_stock(importer: User, warehouses: list[Any]) -> None:
    job = run_job(importer, cf.workbook_bytes(rows(), stock=["WH-A", "WH-B"]))

    assert job.status == Status.DONE and (job.total, job.processed, job.created, job.updated) == (3, 3, 3, 0)
    assert job.started_at and job.finished_at
    blk = Product.objects.get(code="BLK-1")
    assert blk.category.full_name == "أقمشة / بلاك أوت" and blk.unit == "meter" and blk.width_cm == Decimal(280)
    assert blk.retail_price == Decimal("350.00") and blk.wholesale_price == Decimal("290.00")
    assert sorted(blk.variants.values_list("code", "colour")) == [("BLK-1-BJ", "بيج"), ("BLK-1-GR", "رمادي")]
    assert "6221000000017" in blk.search_text and "بيج" in blk.search_text
    acc = Product.objects.get(code="ACC-9")
    assert acc.variants.get().is_default and acc.variants.get().code == "ACC-9"
    assert ledger() == [
        ("opening:ACC-9:WH-B", "WH-B", Decimal("7.000")),
        ("opening:BLK-1-BJ:WH-A", "WH-A", Decimal("40.000")),
        ("opening:BLK-1-GR:WH-A", "WH-A", Decimal("10.000")),
        ("opening:BLK-1-GR:WH-B", "WH-B", Decimal("5.000")),
    ]
    assert services.stock_ledger_mismatches() == []


def test_running_the_same_file_again_creates_nothing_twice(importer: User, warehouses: list[Any]) -> None:
    content = cf.workbook_bytes(rows(), stock=["WH-A", "WH-B"])
    run_job(importer, content)
    before = (ledger(), Product.objects.count(), Variant.objects.count(), PriceChange.objects.count())
    balances = sorted(StockBalance.objects.values_list("variant__code", "warehouse__code", "quantity"))

    again = run_job(importer, content)

    assert again.status == Status.DONE and (again.processed, again.created, again.updated) == (3, 0, 0)
    assert (ledger(), Product.objects.count(), Variant.objects.count(), PriceChange.objects.count()) == before
    assert sorted(StockBalance.objects.values_list("variant__code", "warehouse__code", "quantity")) == balances


def test_changed_prices_update_products_and_write_price_history(importer: User, warehouses: list[Any]) -> None:
    run_job(importer, cf.workbook_bytes(rows(), stock=["WH-A"]))
    changed = rows()
    changed[0]["retail_price"] = "375"
    changed[1]["variant_retail_price"] = "399.99"  # a colour's own price
    job = run_job(importer, cf.workbook_bytes(changed, stock=["WH-A"]))

    assert (job.created, job.updated) == (0, 2)
    assert Product.objects.get(code="BLK-1").retail_price == Decimal("375.00")
    history = sorted(
        PriceChange.objects.filter(source="import").values_list("variant__code", "field", "old_value", "new_value"),
        key=str,
    )
    assert history == sorted(
        [(None, "retail", Decimal("350.00"), Decimal("375.00")), ("BLK-1-GR", "retail", None, Decimal("399.99"))],
        key=str,
    )
    assert set(PriceChange.objects.values_list("import_job", flat=True)) == {job.pk}


def test_dry_run_lists_row_errors_and_changes_nothing(importer: User, warehouses: list[Any], client: Client) -> None:
    factories.product(code="TAKEN", colours=(("RD", "أحمر"),))
    bad: list[dict[str, Any]] = [
        {"product_code": "N-1", "name": "x", "category": "أقمشة", "retail_price": "abc", "wholesale_price": "-5"},
        {"product_code": "N-2", "category": "أقمشة", "retail_price": "1.234", "wholesale_price": "1", "kind": "wood"},
        {
            "product_code": "N-3",
            "name": "y",
            "category": "ك",
            "retail_price": 1,
            "wholesale_price": 1,
            "active": "ربما",
        },
        {"product_code": "N-3", "variant_code": "TAKEN-RD", "stock:WH-A": "-2"},
        {"product_code": "N-4", "name": "z", "category": "ك", "retail_price": 1, "wholesale_price": 1, "barcode": "1"},
        {"product_code": "N-5", "name": "w", "category": "ك", "retail_price": 1, "wholesale_price": 1, "barcode": "1"},
    ]
    content = cf.workbook_bytes(bad, stock=["WH-A", "NOPE"], headers=[*imports.COLUMN_KEYS, "colour_name"])
    job = imports.import_job_create(actor=importer, file=cf.xlsx_upload(content))

    assert catalogue_import_validate(job.pk) == Status.VALIDATED
    found = set(ImportRowError.objects.filter(job=job).values_list("row", "column", "message"))
    assert found == {
        (1, "colour_name", imports.M_UNKNOWN_COLUMN),
        (1, "stock:NOPE", imports.M_UNKNOWN_WAREHOUSE),
        (2, "retail_price", imports.M_NUMBER),
        (2, "wholesale_price", imports.M_NOT_NEGATIVE),
        (3, "name", imports.M_REQUIRED_NEW),
        (3, "retail_price", imports.M_PLACES),
        (3, "kind", imports.M_CHOICE),
        (4, "active", imports.M_BOOL),
        (5, "variant_code", imports.M_VARIANT_OTHER_PRODUCT),
        (5, "stock:WH-A", imports.M_NOT_NEGATIVE),
        (7, "barcode", imports.M_DUPLICATE_BARCODE),
    }
    job.refresh_from_db()
    assert job.total == 6 and job.error_count == 11 and job.validated_at
    assert not Product.objects.filter(code__startswith="N-").exists() and not StockMovement.objects.exists()

    with pytest.raises(InvalidTransition):
        imports.import_job_confirm(actor=importer, job=job)
    job.refresh_from_db()
    assert job.status == Status.VALIDATED

    client.force_login(importer)
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        page = client.get(f"/inventory/imports/{job.pk}/")
    assert page.status_code == 200
    texts = [r["text"] for r in page.context["rows"]]
    assert "Variant code TAKEN-RD belongs to product TAKEN." in texts
    assert "Barcode 1 appears again (first in row 6)." in texts
    assert b"Confirm and import" not in page.content

    report = client.get(f"/inventory/imports/{job.pk}/errors.xlsx")
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(report.content)).active
    lines = list(sheet.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert len(lines) == 12 and lines[1][:2] == (1, "colour_name")


def test_opening_stock_imported_before_with_another_quantity_is_an_error(importer: User, warehouses: list[Any]) -> None:
    run_job(importer, cf.workbook_bytes(rows(), stock=["WH-A", "WH-B"]))
    changed = rows()
    changed[0]["stock:WH-A"] = 41
    job = imports.import_job_create(actor=importer, file=cf.xlsx_upload(cf.workbook_bytes(changed, stock=["WH-A"])))
    catalogue_import_validate(job.pk)
    assert list(ImportRowError.objects.filter(job=job).values_list("row", "column", "params")) == [
        (2, "stock:WH-A", {"variant": "BLK-1-BJ", "warehouse": "WH-A", "quantity": "40.000"})
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("catalogue.csv", b"product_code,name\nA,B\n"),
        ("catalogue.xlsx", b"product_code,name\nA,B\n"),  # text with an .xlsx name
        ("catalogue.xlsx", cf.image_bytes()),  # an image renamed
    ],
)
def test_files_that_are_not_workbooks_are_refused_at_upload(
    importer: User, client: Client, name: str, content: bytes
) -> None:
    client.force_login(importer)
    response = client.post("/inventory/imports/", {"file": cf.xlsx_upload(content, name=name)})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


def test_a_file_over_the_size_limit_is_refused(importer: User, client: Client, settings: Any) -> None:
    settings.IMPORT_FILE_MAX_BYTES = 100
    client.force_login(importer)
    response = client.post("/inventory/imports/", {"file": cf.xlsx_upload(cf.workbook_bytes(rows()))})
    assert response.status_code == 400 and not ImportJob.objects.exists()


def test_a_workbook_openpyxl_cannot_read_fails_the_job(importer: User) -> None:
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "not xml at all")
    job = imports.import_job_create(actor=importer, file=cf.xlsx_upload(buffer.getvalue()))
    assert catalogue_import_validate(job.pk) == Status.FAILED
    job.refresh_from_db()
    assert job.failure == imports.M_NOT_WORKBOOK and job.finished_at


def test_upload_returns_at_once_and_queues_the_dry_run(
    importer: User, client: Client, django_capture_on_commit_callbacks: Any, warehouses: list[Any]
) -> None:
    client.force_login(importer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/inventory/imports/", {"file": cf.xlsx_upload(cf.workbook_bytes(rows()))})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/inventory/imports/{job.pk}/"
    assert job.status == Status.UPLOADED and job.file_hash and len(callbacks) == 1  # the dry run waits for a worker
    assert job.file_name == "catalogue.xlsx"

    page = client.get(f"/inventory/imports/{job.pk}/")
    assert b'hx-trigger="every 2s"' in page.content  # polls while the job works

    for callback in callbacks:  # the worker picks it up (eager in tests)
        callback()
    job.refresh_from_db()
    assert job.status == Status.VALIDATED and job.total == 3

    fragment = client.get(f"/inventory/imports/{job.pk}/status/", headers={"HX-Request": "true"})
    assert fragment["HX-Refresh"] == "true"  # the phase ended: the page reloads once to show the result
    assert b"hx-trigger" not in fragment.content  # and polling stops
    page = client.get(f"/inventory/imports/{job.pk}/")
    assert b"hx-trigger" not in page.content
    assert f'action="/inventory/imports/{job.pk}/confirm/"'.encode() in page.content  # no errors: it can be confirmed


def test_the_run_advances_in_batches_with_progress_counters(
    importer: User, warehouses: list[Any], monkeypatch: pytest.MonkeyPatch, client: Client
) -> None:
    monkeypatch.setattr(imports, "BATCH_SIZE", 2)
    monkeypatch.setattr(imports, "ROWS_PER_TASK", 4)
    many = [
        {
            "product_code": f"P{i:02d}",
            "name": f"منتج {i}",
            "category": "أقمشة",
            "retail_price": 10 + i,
            "wholesale_price": 8,
        }
        for i in range(9)
    ]
    job = imports.import_job_create(actor=importer, file=cf.xlsx_upload(cf.workbook_bytes(many)))
    catalogue_import_validate(job.pk)
    imports.import_job_confirm(actor=importer, job=job)
    client.force_login(importer)
    progress = []
    while True:
        status = catalogue_import_run(job.pk)  # one task run: up to ROWS_PER_TASK rows, committed per batch
        job.refresh_from_db()
        progress.append((status, job.processed, job.created))
        if status != Status.RUNNING:
            break
        fragment = client.get(f"/inventory/imports/{job.pk}/status/", headers={"HX-Request": "true"})
        assert f'value="{job.processed}"'.encode() in fragment.content and "HX-Refresh" not in fragment
    assert progress == [(Status.RUNNING, 4, 4), (Status.RUNNING, 8, 8), (Status.DONE, 9, 9)]
    assert job.percent == 100 and catalogue_import_run(job.pk) == Status.DONE  # a re-delivered task does nothing


def test_validation_is_idempotent_for_a_redelivered_task(importer: User, warehouses: list[Any]) -> None:
    job = imports.import_job_create(actor=importer, file=cf.xlsx_upload(cf.workbook_bytes(rows())))
    catalogue_import_validate(job.pk)
    count = ImportRowError.objects.filter(job=job).count()
    assert catalogue_import_validate(job.pk) == Status.VALIDATED
    assert ImportRowError.objects.filter(job=job).count() == count


def test_lifecycle_refuses_moves_out_of_order(importer: User, warehouses: list[Any]) -> None:
    job = run_job(importer, cf.workbook_bytes(rows()))
    with pytest.raises(InvalidTransition) as refused:
        imports.import_job_confirm(actor=importer, job=job)
    assert refused.value.extra["allowed"] == []
    fresh = imports.import_job_create(actor=importer, file=cf.xlsx_upload(cf.workbook_bytes(rows())))
    with pytest.raises(InvalidTransition):
        imports.import_job_confirm(actor=importer, job=fresh)  # not validated yet
    assert imports._fail(fresh.pk, imports.M_UNEXPECTED) == Status.FAILED
    assert catalogue_import_validate(fresh.pk) == Status.FAILED  # a failed job stays failed


def test_export_reimports_as_a_no_op(importer: User, warehouses: list[Any], client: Client) -> None:
    run_job(importer, cf.workbook_bytes(rows(), stock=["WH-A", "WH-B"]))
    factories.product(code="OLD-1", colours=(("WH", "أبيض"),), name_en="Old", material="قطن")
    variant = Variant.objects.get(code="OLD-1-WH")
    variant.barcode, variant.wholesale_price = "12345", Decimal("99.50")
    variant.save()
    services.stock_receive(variant=variant, warehouse=warehouses[0], quantity=Decimal(3), reason="purchase", key="p1")
    client.force_login(importer)
    export = client.get("/inventory/imports/export.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    header = next(sheet.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert list(header) == [*imports.COLUMN_KEYS, "stock:WH-A", "stock:WH-B"]
    before = (ledger(), PriceChange.objects.count(), list(Product.objects.values().order_by("pk")))

    job = run_job(importer, export.content)

    assert (job.total, job.created, job.updated) == (4, 0, 0)
    assert (ledger(), PriceChange.objects.count()) == before[:2]
    after = list(Product.objects.values().order_by("pk"))
    assert [{k: v for k, v in p.items() if k != "updated_at"} for p in after] == [
        {k: v for k, v in p.items() if k != "updated_at"} for p in before[2]
    ]


def test_template_has_headers_an_example_and_notes(importer: User, warehouses: list[Any], client: Client) -> None:
    client.force_login(importer)
    response = client.get("/inventory/imports/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["products", "notes"]
    lines = list(book["products"].iter_rows(values_only=True))
    assert list(lines[0]) == [*imports.COLUMN_KEYS, "stock:WH-A", "stock:WH-B"] and len(lines) == 2
    notes = [r[0] for r in book["notes"].iter_rows(values_only=True)]
    assert "product_code" in notes and "stock:WH-A" in notes
    # the template itself imports cleanly (its example row is a valid row)
    job = run_job(importer, response.content)
    assert job.created == 1 and Product.objects.filter(code="BLK-100").exists()


def test_import_pages_need_the_import_permission(
    make_user: Callable[..., User], branch_a: Branch, importer: User, client: Client
) -> None:
    job = cf.job(importer)
    seller = make_user(RoleKey.SALESPERSON, branch=branch_a)
    client.force_login(seller)
    for url in (
        "/inventory/imports/",
        "/inventory/imports/template.xlsx",
        "/inventory/imports/export.xlsx",
        f"/inventory/imports/{job.pk}/",
        f"/inventory/imports/{job.pk}/status/",
        f"/inventory/imports/{job.pk}/errors.xlsx",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/inventory/imports/{job.pk}/confirm/").status_code == 403
    job.refresh_from_db()
    assert job.status == Status.VALIDATED
    client.force_login(importer)
    assert client.get("/inventory/imports/").status_code == 200
    assert client.post(f"/inventory/imports/{job.pk}/confirm/").status_code == 302
    job.refresh_from_db()
    assert job.status == Status.RUNNING


def test_import_job_api(importer: User, make_user: Callable[..., User], branch_a: Branch) -> None:
    from erp.inventory.tests.test_pages_and_api import bearer

    job = cf.job(importer)
    body = bearer(importer).get(f"/api/v1/import-jobs/{job.pk}/").json()
    assert body["status"] == "validated" and body["total"] == 10
    assert (
        bearer(make_user(RoleKey.SALESPERSON, branch=branch_a)).get(f"/api/v1/import-jobs/{job.pk}/").status_code == 403
    )


def test_posting_without_a_file_names_the_field(importer: User, client: Client) -> None:
    client.force_login(importer)
    response = client.post("/inventory/imports/", {})
    assert response.status_code == 400 and "file" in response.context["form"].errors
    assert not ImportJob.objects.exists()
