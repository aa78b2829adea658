"""Excel import of the catalogue (products, variants, prices, opening stock) as a background job, and the export in
the same format.

Lifecycle: uploaded → validating → validated (a dry run: per-row errors) → running (confirmed; batches with
progress counters) → done, or failed. Rows are matched by natural keys (product code, variant code, warehouse code),
so running the same file again creates nothing twice: opening stock goes through `stock_apply` with the key
`opening:<variant code>:<warehouse code>`, which does not depend on the job. An export re-imports as a no-op.
"""

import functools
import hashlib
import itertools
import logging
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django_stubs_ext import StrOrPromise
from openpyxl import Workbook, load_workbook

from erp.accounts.access import require_perm
from erp.core.exceptions import ApplicationError, InvalidTransition
from erp.core.flags import enqueue_on_commit
from erp.core.text import normalize_code, normalize_search
from erp.inventory import services
from erp.inventory.catalogue import _products_changed, product_changes_apply, variant_changes_apply
from erp.inventory.models import (
    Category,
    ImportJob,
    ImportRowError,
    PriceChange,
    Product,
    StockMovement,
    Variant,
    Warehouse,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 200  # rows per transaction: short locks, a progress update per batch
ROWS_PER_TASK = 2000  # rows per task run; the task re-enqueues itself for the rest (stays far below time limits)
MAX_STORED_ERRORS = 5000  # the count is exact; beyond this, the details of further errors are not stored
SHEET_NAME = "products"
NOTES_SHEET = "notes"
STOCK_PREFIX = "stock:"
Status = ImportJob.Status

TRANSITIONS: dict[str, set[str]] = {
    Status.UPLOADED: {Status.VALIDATING, Status.FAILED},
    Status.VALIDATING: {Status.VALIDATING, Status.VALIDATED, Status.FAILED},  # a re-delivered task starts over
    Status.VALIDATED: {Status.RUNNING, Status.FAILED},
    Status.RUNNING: {Status.DONE, Status.FAILED},
    Status.DONE: set(),
    Status.FAILED: set(),
}


@dataclass(frozen=True)
class Column:
    key: str
    label: StrOrPromise
    note: StrOrPromise
    required_for_new: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("product_code", gettext_lazy("Product code"), gettext_lazy("Required. The product's unique code."), True),
    Column("name", gettext_lazy("Name (Arabic)"), gettext_lazy("Required for a new product."), True),
    Column("name_en", gettext_lazy("English name"), gettext_lazy("Optional.")),
    Column(
        "category",
        gettext_lazy("Category"),
        gettext_lazy(
            "Required for a new product: the full path, levels separated by “ / ”; missing levels are created."
        ),
        True,
    ),
    Column("kind", gettext_lazy("Kind"), gettext_lazy("fabric, accessory or service (default fabric).")),
    Column("unit", gettext_lazy("Unit"), gettext_lazy("meter, piece, roll, set, pack, kg or service (default meter).")),
    Column("material", gettext_lazy("Material"), gettext_lazy("Optional.")),
    Column("width_cm", gettext_lazy("Width (cm)"), gettext_lazy("Optional number.")),
    Column(
        "retail_price", gettext_lazy("Retail price"), gettext_lazy("Required for a new product; zero or more."), True
    ),
    Column(
        "wholesale_price",
        gettext_lazy("Wholesale price"),
        gettext_lazy("Required for a new product; zero or more."),
        True,
    ),
    Column("minimum_stock", gettext_lazy("Minimum stock"), gettext_lazy("Optional number.")),
    Column("active", gettext_lazy("Active"), gettext_lazy("1 or 0 (yes or no); empty keeps the current value.")),
    Column(
        "variant_code",
        gettext_lazy("Variant code"),
        gettext_lazy("One row per colour. Empty (or the product code) for a product without colours."),
    ),
    Column("colour", gettext_lazy("Colour"), gettext_lazy("Optional.")),
    Column("barcode", gettext_lazy("Barcode"), gettext_lazy("Optional; unique.")),
    Column(
        "variant_retail_price",
        gettext_lazy("Colour retail price"),
        gettext_lazy("Optional: overrides the product's retail price for this colour."),
    ),
    Column(
        "variant_wholesale_price",
        gettext_lazy("Colour wholesale price"),
        gettext_lazy("Optional: overrides the product's wholesale price for this colour."),
    ),
    Column("variant_active", gettext_lazy("Colour active"), gettext_lazy("1 or 0; empty keeps the current value.")),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)

EXAMPLE_ROW = {
    "product_code": "BLK-100",
    "name": "بلاك أوت ملكي",
    "name_en": "Royal blackout",
    "category": "أقمشة ستائر / بلاك أوت",
    "kind": "fabric",
    "unit": "meter",
    "material": "بوليستر",
    "width_cm": "280",
    "retail_price": "350.00",
    "wholesale_price": "290.00",
    "minimum_stock": "20",
    "active": "1",
    "variant_code": "BLK-100-BJ",
    "colour": "بيج",
    "barcode": "6221000000017",
    "variant_retail_price": "",
    "variant_wholesale_price": "",
    "variant_active": "1",
}

# Messages are stored untranslated (message id + parameters) and translated for each reader.
M_REQUIRED_NEW = gettext_noop("Required for a new product.")
M_REQUIRED = gettext_noop("This column is required.")
M_NUMBER = gettext_noop("Enter a number.")
M_NOT_NEGATIVE = gettext_noop("Enter zero or more.")
M_PLACES = gettext_noop("Use at most %(places)s decimal places.")
M_TOO_BIG = gettext_noop("The number is too large.")
M_TOO_LONG = gettext_noop("Too long: at most %(max)s characters.")
M_CHOICE = gettext_noop("Unknown value “%(value)s”: use one of %(choices)s.")
M_BOOL = gettext_noop("Use 1 or 0.")
M_UNKNOWN_COLUMN = gettext_noop("Unknown column “%(column)s”.")
M_MISSING_COLUMN = gettext_noop("The column “%(column)s” is missing.")
M_UNKNOWN_WAREHOUSE = gettext_noop("Unknown warehouse code “%(code)s”.")
M_DUPLICATE_VARIANT = gettext_noop("Variant code %(code)s appears again (first in row %(row)s).")
M_VARIANT_OTHER_PRODUCT = gettext_noop("Variant code %(code)s belongs to product %(product)s.")
M_DUPLICATE_BARCODE = gettext_noop("Barcode %(code)s appears again (first in row %(row)s).")
M_BARCODE_TAKEN = gettext_noop("Barcode %(code)s is used by variant %(variant)s.")
M_CONFLICT = gettext_noop("Differs from row %(row)s for the same product.")
M_OPENING_DIFFERS = gettext_noop(
    "Opening stock of %(variant)s in %(warehouse)s was imported before as %(quantity)s; correct stock with a "
    "stock count instead."
)
M_EMPTY_FILE = gettext_noop("The file has no product rows.")
M_NOT_WORKBOOK = gettext_noop("The file could not be read as an Excel workbook (.xlsx).")
M_UNEXPECTED = gettext_noop("The import stopped because of an unexpected error; the administrators were notified.")
M_ROW_FAILED = gettext_noop("This row could not be saved: %(reason)s")

MAX_LENGTHS = {"product_code": 40, "name": 200, "name_en": 200, "material": 120, "variant_code": 60, "colour": 80}
MAX_LENGTHS["barcode"] = 64
DECIMALS = {
    "width_cm": (1, Decimal("999999")),
    "retail_price": (2, Decimal("9999999999")),
    "wholesale_price": (2, Decimal("9999999999")),
    "minimum_stock": (3, Decimal("99999999999")),
    "variant_retail_price": (2, Decimal("9999999999")),
    "variant_wholesale_price": (2, Decimal("9999999999")),
}
STOCK_LIMIT = (3, Decimal("99999999999"))
TRUE_WORDS = {"1", "yes", "true", "y", "نعم", "صح"}
FALSE_WORDS = {"0", "no", "false", "n", "لا"}


class ImportFileError(ApplicationError):
    code = "import_file_invalid"


# ---------------------------------------------------------------------------------------------------------------
# Upload and lifecycle


def import_file_check(file: UploadedFile) -> None:
    """Refuse what is not an .xlsx workbook within the size limit, before storing it (cheap checks only)."""
    name = (file.name or "").lower()
    if not name.endswith(".xlsx"):
        raise ValidationError({"file": _("Upload an Excel workbook (.xlsx).")})
    limit = settings.IMPORT_FILE_MAX_BYTES
    if file.size is None or file.size > limit:
        raise ValidationError({"file": _("The file is larger than %(mb)s MB.") % {"mb": round(limit / 1048576, 1)}})
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise ValidationError({"file": _("Upload an Excel workbook (.xlsx).")})
    except zipfile.BadZipFile as exc:
        raise ValidationError({"file": _("Upload an Excel workbook (.xlsx).")}) from exc
    finally:
        file.seek(0)


def _file_hash(file: UploadedFile) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


@transaction.atomic
def import_job_create(*, actor: Any, file: UploadedFile) -> ImportJob:
    """Store the upload and queue its dry run; returns at once."""
    require_perm(actor, "inventory.import_catalogue")
    import_file_check(file)
    job = ImportJob(file_name=(file.name or "")[:255], file_hash=_file_hash(file), created_by=actor)
    job.file.save("catalogue.xlsx", file, save=False)
    job.save()
    from erp.inventory.tasks import catalogue_import_validate as catalogue_import_validate_task

    enqueue_on_commit(catalogue_import_validate_task, job.pk)
    return job


def _move(job: ImportJob, to: str, **fields: Any) -> None:
    if to not in TRANSITIONS[job.status]:
        raise InvalidTransition(
            _("An import in the status “%(status)s” cannot move on to “%(to)s”.")
            % {"status": job.get_status_display(), "to": Status(to).label},
            extra={"allowed": sorted(TRANSITIONS[job.status])},
        )
    job.status = to
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "updated_at", *fields])


@transaction.atomic
def import_job_confirm(*, actor: Any, job: ImportJob) -> ImportJob:
    """Start the real run of a validated job without errors (queued after commit)."""
    require_perm(actor, "inventory.import_catalogue")
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.status == Status.VALIDATED and locked.error_count:
        raise InvalidTransition(
            _("Fix the errors in the file and upload it again: a file with errors is not imported."),
            extra={"allowed": []},
        )
    _move(locked, Status.RUNNING, started_at=timezone.now(), processed=0, created=0, updated=0)
    from erp.inventory.tasks import catalogue_import_run as catalogue_import_run_task

    enqueue_on_commit(catalogue_import_run_task, locked.pk)
    return locked


def _fail(job_id: int, message: str) -> str:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if Status.FAILED in TRANSITIONS[job.status]:
            _move(job, Status.FAILED, failure=message, finished_at=timezone.now())
        return job.status


# ---------------------------------------------------------------------------------------------------------------
# Reading and checking rows


@dataclass
class Row:
    number: int  # the row number in the sheet (1 is the header)
    product_code: str = ""
    product: dict[str, Any] = field(default_factory=dict)
    category_path: str | None = None
    variant_code: str = ""
    variant: dict[str, Any] = field(default_factory=dict)
    stock: dict[str, Decimal] = field(default_factory=dict)
    errors: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def error(self, column: str, message: str, **params: Any) -> None:
        self.errors.append((column, message, params))


@dataclass
class Header:
    columns: dict[int, str]  # cell index → column key
    stock: dict[int, str]  # cell index → warehouse code
    errors: list[tuple[str, str, dict[str, Any]]]


def _choices_map(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    out: dict[str, str] = {}
    pairs = list(choices)
    for language in ("ar", "en"):
        with translation.override(language):
            for key, label in pairs:
                out[normalize_search(str(label))] = key
    for key, _label in pairs:
        out[normalize_search(key)] = key
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _decimal(row: Row, column: str, value: Any, places: int, limit: Decimal) -> Decimal | None:
    text = normalize_code(_text(value)).replace(",", "").replace("٫", ".")
    if not text:
        return None
    try:
        number = Decimal(text) if not isinstance(value, float) else Decimal(repr(value))
    except InvalidOperation:
        row.error(column, M_NUMBER)
        return None
    if not number.is_finite():
        row.error(column, M_NUMBER)
        return None
    if number < 0:
        row.error(column, M_NOT_NEGATIVE)
        return None
    if number != number.quantize(Decimal(1).scaleb(-places)):
        row.error(column, M_PLACES, places=places)
        return None
    if number > limit:
        row.error(column, M_TOO_BIG)
        return None
    return number.quantize(Decimal(1).scaleb(-places))


def _bool(row: Row, column: str, value: Any) -> bool | None:
    text = normalize_search(_text(value))
    if not text:
        return None
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    row.error(column, M_BOOL)
    return None


def _read_header(cells: Sequence[Any], warehouse_codes: set[str]) -> Header:
    header = Header({}, {}, [])
    for index, cell in enumerate(cells):
        text = _text(cell)
        if not text:
            continue
        key = normalize_code(text).lower()
        if key.startswith(STOCK_PREFIX):
            code = normalize_code(text[len(STOCK_PREFIX) :]).upper()
            if code in warehouse_codes:
                header.stock[index] = code
            else:
                header.errors.append((text, M_UNKNOWN_WAREHOUSE, {"code": code}))
        elif key in COLUMN_KEYS:
            header.columns[index] = key
        else:
            header.errors.append((text, M_UNKNOWN_COLUMN, {"column": text}))
    if "product_code" not in header.columns.values():
        header.errors.append(("product_code", M_MISSING_COLUMN, {"column": "product_code"}))
    return header


@functools.cache
def _kinds() -> dict[str, str]:
    return _choices_map(Product.Kind.choices)


@functools.cache
def _units() -> dict[str, str]:
    return _choices_map(Product.Unit.choices)


def _parse(number: int, cells: Sequence[Any], header: Header) -> Row:
    raw = {key: cells[i] if i < len(cells) else None for i, key in header.columns.items()}
    row = Row(number)
    code = normalize_code(_text(raw.get("product_code"))).upper()
    if not code:
        row.error("product_code", M_REQUIRED)
    row.product_code = code
    row.variant_code = normalize_code(_text(raw.get("variant_code"))).upper()
    for key in ("product_code", "variant_code", "name", "name_en", "material", "colour", "barcode"):
        if len(_text(raw.get(key))) > MAX_LENGTHS[key]:
            row.error(key, M_TOO_LONG, max=MAX_LENGTHS[key])
    for key in ("name", "name_en", "material"):
        if _text(raw.get(key)):
            row.product[key] = _text(raw.get(key))
    category = _text(raw.get("category"))
    if category:
        row.category_path = " / ".join(part.strip() for part in category.split("/") if part.strip())
    for key, table, choices in (("kind", _kinds(), Product.Kind), ("unit", _units(), Product.Unit)):
        text = _text(raw.get(key))
        if text:
            value = table.get(normalize_search(text))
            if value is None:
                row.error(key, M_CHOICE, value=text, choices=", ".join(choices.values))
            else:
                row.product[key] = value
    for key, target in (
        ("width_cm", "width_cm"),
        ("retail_price", "retail_price"),
        ("wholesale_price", "wholesale_price"),
        ("minimum_stock", "minimum_stock"),
    ):
        amount = _decimal(row, key, raw.get(key), *DECIMALS[key])
        if amount is not None:
            row.product[target] = amount
    active = _bool(row, "active", raw.get("active"))
    if active is not None:
        row.product["is_active"] = active
    colour = _text(raw.get("colour"))
    if colour:
        row.variant["colour"] = colour
    barcode = normalize_code(_text(raw.get("barcode")))
    if barcode:
        row.variant["barcode"] = barcode
    for key, target in (("variant_retail_price", "retail_price"), ("variant_wholesale_price", "wholesale_price")):
        amount = _decimal(row, key, raw.get(key), *DECIMALS[key])
        if amount is not None:
            row.variant[target] = amount
    variant_active = _bool(row, "variant_active", raw.get("variant_active"))
    if variant_active is not None:
        row.variant["is_active"] = variant_active
    for index, warehouse in header.stock.items():
        quantity = _decimal(row, STOCK_PREFIX + warehouse, cells[index] if index < len(cells) else None, *STOCK_LIMIT)
        if quantity:
            row.stock[warehouse] = quantity
    return row


def _open_sheet(job: ImportJob) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, cells) of every non-empty row of the products sheet, header first."""
    with job.file.open("rb") as handle:
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds of errors for a corrupt file
            raise ImportFileError(M_NOT_WORKBOOK) from exc
        try:
            sheet = workbook[SHEET_NAME] if SHEET_NAME in workbook.sheetnames else workbook.worksheets[0]
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                if any(_text(c) for c in cells):
                    yield number, cells
        finally:
            workbook.close()


def opening_key(variant_code: str, warehouse_code: str) -> str:
    return f"opening:{variant_code}:{warehouse_code}"


@dataclass
class Lookups:
    """What already exists for a batch of rows (a few queries per batch, none per row)."""

    products: dict[str, Product]
    variants: dict[str, Variant]
    barcodes: dict[str, str]  # barcode → variant code
    categories: dict[str, Category]
    openings: dict[str, Decimal]  # idempotency key → quantity
    warehouses: dict[str, Warehouse]

    def snapshot(self) -> tuple[dict[str, Any], ...]:
        return (
            dict(self.products),
            dict(self.variants),
            dict(self.barcodes),
            dict(self.categories),
            dict(self.openings),
        )

    def restore(self, saved: tuple[dict[str, Any], ...]) -> None:
        self.products, self.variants, self.barcodes, self.categories, self.openings = saved  # type: ignore[assignment]


def _lookups(rows: Sequence[Row], *, lock: bool = False) -> Lookups:
    product_codes = {r.product_code for r in rows if r.product_code}
    variant_codes = {r.variant_code or r.product_code for r in rows if r.product_code}
    barcodes = {r.variant["barcode"] for r in rows if "barcode" in r.variant}
    products_qs = Product.objects.filter(code__in=product_codes).select_related("category")
    if lock:
        products_qs = products_qs.select_for_update(of=("self",)).order_by("pk")
    products = {p.code: p for p in products_qs}
    variants_qs = Variant.objects.filter(code__in=variant_codes).select_related("product")
    if lock:
        variants_qs = variants_qs.select_for_update(of=("self",)).order_by("pk")
    variants = {v.code: v for v in variants_qs}
    keys = [opening_key(r.variant_code or r.product_code, w) for r in rows for w in r.stock]
    return Lookups(
        products=products,
        variants=variants,
        barcodes={b: c for b, c in Variant.objects.filter(barcode__in=barcodes).values_list("barcode", "code") if b},
        categories={c.full_name: c for c in Category.objects.filter(full_name__in={r.category_path for r in rows})},
        openings=dict(
            StockMovement.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", "quantity")
        ),
        warehouses={w.code: w for w in Warehouse.objects.all()},
    )


def _check(row: Row, found: Lookups, *, defined_earlier: bool = False) -> None:
    """Checks against the database (the same in the dry run and the real run). A new product's own columns are
    required on its first row only (`defined_earlier`: an earlier row of the file creates it)."""
    product = found.products.get(row.product_code)
    if product is None and row.product_code and not defined_earlier:
        wrong = {column for column, _message, _params in row.errors}
        for column in ("name", "retail_price", "wholesale_price"):
            if column not in row.product and column not in wrong:
                row.error(column, M_REQUIRED_NEW)
        if not row.category_path:
            row.error("category", M_REQUIRED_NEW)
    variant_code = row.variant_code or row.product_code
    variant = found.variants.get(variant_code)
    if variant is not None and variant.product.code != row.product_code:
        row.error("variant_code", M_VARIANT_OTHER_PRODUCT, code=variant_code, product=variant.product.code)
    barcode = row.variant.get("barcode")
    if barcode and found.barcodes.get(barcode, variant_code) != variant_code:
        row.error("barcode", M_BARCODE_TAKEN, code=barcode, variant=found.barcodes[barcode])
    for warehouse, quantity in row.stock.items():
        before = found.openings.get(opening_key(variant_code, warehouse))
        if before is not None and before != quantity:
            row.error(
                STOCK_PREFIX + warehouse,
                M_OPENING_DIFFERS,
                variant=variant_code,
                warehouse=warehouse,
                quantity=str(before),
            )


@dataclass
class FileState:
    """In-file consistency across all rows of the dry run: duplicates and conflicting product values."""

    products: dict[str, tuple[int, dict[str, Any], str | None]] = field(default_factory=dict)
    variants: dict[str, int] = field(default_factory=dict)
    barcodes: dict[str, int] = field(default_factory=dict)

    def check(self, row: Row) -> None:
        if not row.product_code:
            return
        first = self.products.get(row.product_code)
        if first is None:
            self.products[row.product_code] = (row.number, dict(row.product), row.category_path)
        else:
            number, values, category = first
            for key, value in row.product.items():
                if key in values and values[key] != value:
                    row.error(key, M_CONFLICT, row=number)
            if row.category_path and category and row.category_path != category:
                row.error("category", M_CONFLICT, row=number)
        code = row.variant_code or row.product_code
        if code in self.variants:
            row.error("variant_code", M_DUPLICATE_VARIANT, code=code, row=self.variants[code])
        else:
            self.variants[code] = row.number
        barcode = row.variant.get("barcode")
        if barcode:
            if barcode in self.barcodes:
                row.error("barcode", M_DUPLICATE_BARCODE, code=barcode, row=self.barcodes[barcode])
            else:
                self.barcodes[barcode] = row.number


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _data_rows(job: ImportJob) -> tuple[Header, Iterator[tuple[int, tuple[Any, ...]]]]:
    rows = _open_sheet(job)
    first = next(rows, None)
    codes = set(Warehouse.objects.values_list("code", flat=True))
    header = _read_header(first[1] if first else (), codes)
    return header, rows


# ---------------------------------------------------------------------------------------------------------------
# The dry run


def import_job_validate(*, job_id: int) -> str:
    """The dry run: read every row, check it, store per-row errors; nothing in the catalogue changes."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status not in {Status.UPLOADED, Status.VALIDATING}:
            return job.status  # already validated (a re-delivered task): nothing to do
        _move(job, Status.VALIDATING)
        ImportRowError.objects.filter(job=job).delete()
    try:
        total, errors = _validate(job)
    except ImportFileError as exc:
        return _fail(job_id, str(exc.message))
    except Exception:
        logger.exception("import %s: validation failed", job_id)
        return _fail(job_id, M_UNEXPECTED)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        _move(job, Status.VALIDATED, total=total, error_count=errors, validated_at=timezone.now())
    return job.status


def _validate(job: ImportJob) -> tuple[int, int]:
    header, rows = _data_rows(job)
    stored: list[ImportRowError] = []
    count = 0

    def keep(number: int, column: str, message: str, params: dict[str, Any]) -> None:
        nonlocal count
        count += 1
        if count <= MAX_STORED_ERRORS:
            stored.append(ImportRowError(job=job, row=number, column=column, message=message, params=params))

    for column, message, params in header.errors:
        keep(1, column, message, params)
    state = FileState()
    total = 0
    for batch in _chunks(rows, 500):
        parsed = [_parse(number, cells, header) for number, cells in batch]
        total += len(parsed)
        found = _lookups(parsed)
        for row in parsed:
            earlier = row.product_code in state.products
            state.check(row)
            _check(row, found, defined_earlier=earlier)
            for column, message, params in row.errors:
                keep(row.number, column, message, params)
        if len(stored) >= 1000:
            ImportRowError.objects.bulk_create(stored)
            stored = []
    if total == 0:
        keep(2, "", M_EMPTY_FILE, {})
    ImportRowError.objects.bulk_create(stored)
    return total, count


# ---------------------------------------------------------------------------------------------------------------
# The real run


def import_job_run_slice(*, job_id: int) -> tuple[str, bool]:
    """Process up to ROWS_PER_TASK rows from where the job stands, in batches (each batch is one transaction that
    also advances the counters). Returns (status, whether rows remain)."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status != Status.RUNNING:
        return job.status, False
    try:
        header, rows = _data_rows(job)
        start = job.processed
        pending = itertools.islice(rows, start, start + ROWS_PER_TASK)
        for batch in _chunks(pending, BATCH_SIZE):
            if not _run_batch(job_id, header, batch):
                return ImportJob.objects.values_list("status", flat=True).get(pk=job_id), False
    except ImportFileError as exc:
        return _fail(job_id, str(exc.message)), False
    except Exception:
        logger.exception("import %s: run failed", job_id)
        return _fail(job_id, M_UNEXPECTED), False
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status == Status.RUNNING and job.processed >= job.total:
            _move(job, Status.DONE, finished_at=timezone.now())
            return job.status, False
    return job.status, job.status == Status.RUNNING


@transaction.atomic
def _run_batch(job_id: int, header: Header, batch: list[tuple[int, tuple[Any, ...]]]) -> bool:
    job = ImportJob.objects.select_for_update().select_related("created_by").get(pk=job_id)
    if job.status != Status.RUNNING:
        return False
    rows = [_parse(number, cells, header) for number, cells in batch]
    found = _lookups(rows, lock=True)
    errors: list[ImportRowError] = []
    touched: set[int] = set()
    created: set[int] = set()
    for row in rows:
        _check(row, found)
        if row.errors:
            errors.extend(
                ImportRowError(job=job, row=row.number, column=c, message=m, params=p) for c, m, p in row.errors
            )
            continue
        snapshot = found.snapshot()
        try:
            with transaction.atomic():
                outcome, product_id = _apply(row, found, job)
        except (ValidationError, ApplicationError, IntegrityError) as exc:
            found.restore(snapshot)  # the row's savepoint rolled back: forget what it created
            reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(getattr(exc, "message", exc))
            errors.append(ImportRowError(job=job, row=row.number, message=M_ROW_FAILED, params={"reason": reason}))
            continue
        if outcome == "created":
            job.created += 1
            created.add(product_id)
        elif outcome == "updated":
            job.updated += 1
            touched.add(product_id)
    ImportRowError.objects.bulk_create(errors)
    _refresh_search(created)  # updates refresh their own search text; new products and colours need theirs
    _products_changed(touched | created)
    job.processed += len(rows)
    job.error_count += len(errors)
    job.save(update_fields=["processed", "created", "updated", "error_count", "updated_at"])
    return True


def _category(path: str, found: Lookups) -> Category:
    if path in found.categories:
        return found.categories[path]
    parent: Category | None = None
    parts = path.split(" / ")
    for depth in range(1, len(parts) + 1):
        name = " / ".join(parts[:depth])
        node = found.categories.get(name) or Category.objects.filter(full_name=name).first()
        if node is None:
            node = services.category_create(name=parts[depth - 1], parent=parent)
        found.categories[name] = node
        parent = node
    return found.categories[path]


def _apply(row: Row, found: Lookups, job: ImportJob) -> tuple[str, int]:
    user = job.created_by
    created = changed = False
    values = dict(row.product)
    if row.category_path:
        values["category"] = _category(row.category_path, found)
    product = found.products.get(row.product_code)
    if product is None:
        product = Product(code=row.product_code, **values)
        product.full_clean()
        product.save()
        found.products[product.code] = product
        created = True
    else:
        changed = bool(
            product_changes_apply(product=product, data=values, user=user, source=PriceChange.Source.IMPORT, job=job)
        )
    code = row.variant_code or product.code
    variant = found.variants.get(code)
    if variant is None:
        variant = Variant(product=product, code=code, is_default=(code == product.code), **row.variant)
        variant.full_clean()
        variant.save()
        found.variants[code] = variant
        if "barcode" in row.variant:
            found.barcodes[row.variant["barcode"]] = code
        created = True
    else:
        changed |= bool(
            variant_changes_apply(
                variant=variant, data=row.variant, user=user, source=PriceChange.Source.IMPORT, job=job
            )
        )
    lines = [
        services.StockLine(
            variant.pk,
            found.warehouses[warehouse].pk,
            quantity,
            StockMovement.Kind.IN,
            StockMovement.Reason.OPENING,
            opening_key(code, warehouse),
            reference=f"import #{job.pk}",
        )
        for warehouse, quantity in row.stock.items()
    ]
    if lines:
        result = services.stock_apply(lines=lines, user=user)
        changed |= not result.replayed
        for warehouse, quantity in row.stock.items():
            found.openings[opening_key(code, warehouse)] = quantity
    return ("created" if created else "updated" if changed else "unchanged"), product.pk


def _refresh_search(product_ids: set[int]) -> None:
    if not product_ids:
        return
    products = list(Product.objects.filter(pk__in=product_ids).prefetch_related("variants"))
    for product in products:
        product.search_text = services._product_search_text(product, product.variants.all())
    Product.objects.bulk_update(products, ["search_text"], batch_size=500)


# ---------------------------------------------------------------------------------------------------------------
# Template, export and error report


def row_error_text(error: ImportRowError) -> str:
    message = _(error.message)
    try:
        return message % error.params if error.params else message
    except (KeyError, TypeError, ValueError):
        return message


def export_headers(warehouses: Sequence[Warehouse]) -> list[str]:
    return [*COLUMN_KEYS, *(STOCK_PREFIX + w.code for w in warehouses)]


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def catalogue_export_rows(warehouses: Sequence[Warehouse]) -> Iterator[list[Any]]:
    """One row per variant in the import format (stock columns empty: opening stock is for a first import only),
    so that importing an export changes nothing."""
    variants = (
        Variant.objects.select_related("product", "product__category")
        .order_by("product__code", "code")
        .iterator(chunk_size=2000)
    )
    blanks = [""] * len(warehouses)
    for v in variants:
        p = v.product
        yield [
            p.code,
            p.name,
            p.name_en,
            p.category.full_name,
            p.kind,
            p.unit,
            p.material,
            _number(p.width_cm),
            _number(p.retail_price),
            _number(p.wholesale_price),
            _number(p.minimum_stock),
            "1" if p.is_active else "0",
            v.code,
            v.colour,
            v.barcode or "",
            _number(v.retail_price),
            _number(v.wholesale_price),
            "1" if v.is_active else "0",
            *blanks,
        ]


def template_workbook(warehouses: Sequence[Warehouse]) -> Workbook:
    """The import template: the header row and an example row, and a notes sheet explaining each column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME  # type: ignore[union-attr]
    sheet.sheet_view.rightToLeft = True  # type: ignore[union-attr]
    headers = export_headers(warehouses)
    sheet.append(headers)  # type: ignore[union-attr]
    example = [EXAMPLE_ROW[k] for k in COLUMN_KEYS] + ["50" if i == 0 else "" for i in range(len(warehouses))]
    sheet.append(example)  # type: ignore[union-attr]
    notes = workbook.create_sheet(NOTES_SHEET)
    notes.sheet_view.rightToLeft = True
    notes.append([_("Column"), _("Meaning"), _("Notes")])
    for column in COLUMNS:
        notes.append([column.key, str(column.label), str(column.note)])
    for w in warehouses:
        notes.append(
            [
                STOCK_PREFIX + w.code,
                _("Opening stock in %(warehouse)s") % {"warehouse": w.name},
                _("Optional; imported once per colour and warehouse (running the file again adds nothing)."),
            ]
        )
    notes.append([])
    for line in (
        _("One row per colour; a product's own columns repeat on each of its rows and must agree."),
        _("Rows are matched by product code and variant code: existing ones are updated, new ones created."),
        _("An empty cell keeps the current value of an existing product."),
        _("Delete the example row before importing."),
    ):
        notes.append([line])
    return workbook
