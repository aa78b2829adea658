"""Demo catalogue data: a few manual price edits, a bulk price update (with its price history), product photos with
thumbnails, and a finished Excel import job. Called by erp/inventory/demo.py after the catalogue exists."""

import io
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from openpyxl import Workbook
from PIL import Image

from erp.core.demodata import DemoContext
from erp.inventory import catalogue, images, imports
from erp.inventory.models import Category, ImportJob, Product, ProductImage, Warehouse

PHOTO_COLOURS = [(214, 196, 160), (120, 120, 130), (40, 52, 90), (190, 150, 60), (110, 80, 60)]


def generate(ctx: DemoContext, warehouses: list[Warehouse]) -> None:
    from erp.accounts.models import User

    admin = User.objects.filter(username="admin").first()
    importer = User.objects.filter(username="factory_manager").first() or admin
    if admin is None or importer is None:
        return
    _price_edits(admin)
    _bulk_update(admin)
    _photos(admin)
    _import_job(importer, warehouses)


def _price_edits(admin: Any) -> None:
    for product in Product.objects.filter(kind=Product.Kind.ACCESSORY).order_by("code")[:3]:
        raised = (product.retail_price * Decimal("1.1")).quantize(Decimal(1))
        catalogue.product_update(actor=admin, product=product, data={"retail_price": raised})


def _bulk_update(admin: Any) -> None:
    """The blackout fabrics up 5 %, rounded to 5 pounds: an audit entry and a price change per product."""
    category = Category.objects.filter(name="بلاك أوت").first()
    if category is None or not Product.objects.filter(category__path__startswith=category.path).exists():
        return
    params = catalogue.BulkPriceParams(
        method="percent",
        direction="up",
        amount=Decimal(5),
        apply_retail=True,
        apply_wholesale=True,
        rounding="5",
        category=category,
    )
    catalogue.bulk_price_apply(actor=admin, params=params, note="زيادة أسعار الموسم")


def _photos(admin: Any) -> None:
    for i, product in enumerate(Product.objects.filter(kind=Product.Kind.FABRIC).order_by("code")[:5]):
        out = io.BytesIO()
        Image.new("RGB", (640, 480), PHOTO_COLOURS[i % len(PHOTO_COLOURS)]).save(out, format="JPEG", quality=80)
        image = ProductImage(product=product, content_type="image/jpeg", width=640, height=480, created_by=admin)
        image.original.save("demo.jpg", ContentFile(out.getvalue()), save=False)
        image.save()
        images.product_image_thumbnail(image_id=image.pk)  # what the worker does after the upload


def _import_job(user: Any, warehouses: list[Warehouse]) -> None:
    """A small import (new accessories with opening stock), validated and run the way the worker runs it."""
    book = Workbook()
    sheet = book.active
    sheet.title = imports.SHEET_NAME  # type: ignore[union-attr]
    stock = [w.code for w in warehouses[:2]]
    sheet.append([*imports.COLUMN_KEYS, *(imports.STOCK_PREFIX + c for c in stock)])  # type: ignore[union-attr]
    items = [("IMP-001", "حامل ستارة نحاسي", "85"), ("IMP-002", "خطاف معدني (12 قطعة)", "40")]
    items += [("IMP-003", "شريط رصاص للستائر", "15"), ("IMP-004", "مشبك ستارة مغناطيسي", "55")]
    for code, name, price in items:
        values = {
            "product_code": code,
            "name": name,
            "category": "إكسسوارات / مستورد",
            "kind": "accessory",
            "unit": "piece",
            "retail_price": price,
            "wholesale_price": str(int(Decimal(price) * Decimal("0.8"))),
            "minimum_stock": "10",
            "active": "1",
        }
        sheet.append([values.get(k, "") for k in imports.COLUMN_KEYS] + ["25" for _ in stock])  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    content = out.getvalue()
    job = ImportJob(file_name="اكسسوارات-مستوردة.xlsx", file_hash=_sha256(content), created_by=user)
    job.file.save("catalogue.xlsx", ContentFile(content), save=False)
    job.save()
    imports.import_job_validate(job_id=job.pk)
    job.refresh_from_db()
    if job.status != ImportJob.Status.VALIDATED or job.error_count:
        return
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, started_at=timezone.now())
    while imports.import_job_run_slice(job_id=job.pk)[1]:
        pass


def _sha256(content: bytes) -> str:
    import hashlib

    return hashlib.sha256(content).hexdigest()
