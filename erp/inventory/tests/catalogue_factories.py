"""Test data for catalogue data: images, price changes, import files and jobs."""

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image

from erp.inventory import images
from erp.inventory.imports import COLUMN_KEYS
from erp.inventory.models import (
    BulkPriceUpdate,
    ImportJob,
    ImportRowError,
    PriceChange,
    Product,
    ProductImage,
)


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 48), exif: bool = False) -> bytes:
    img = Image.new("RGB", size, (180, 120, 60))
    out = io.BytesIO()
    kwargs: dict[str, Any] = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x0112] = 6  # Orientation: rotate 90° when shown
        kwargs["exif"] = data.tobytes()
    img.save(out, format=fmt, **kwargs)
    return out.getvalue()


def upload(name: str = "photo.png", fmt: str = "PNG", **kwargs: Any) -> SimpleUploadedFile:
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}[fmt]
    return SimpleUploadedFile(name, image_bytes(fmt, **kwargs), content_type=content_type)


def stored_image(product: Product, *, thumbnail: bool = True, position: int = 0) -> ProductImage:
    """An image with real files (original and, unless told, its thumbnail made by the task's service)."""
    image = ProductImage(product=product, content_type="image/png", width=64, height=48, position=position)
    image.original.save("x.png", ContentFile(image_bytes()), save=False)
    image.save()
    if thumbnail:
        images.product_image_thumbnail(image_id=image.pk)
        image.refresh_from_db()
    return image


def bulk_images(products: Sequence[Product], per_product: int = 2) -> None:
    """Image rows for list pages (no files: lists only render their URLs)."""
    ProductImage.objects.bulk_create(
        ProductImage(
            product=p,
            original=f"products/originals/{p.pk}/{i}.png",
            thumbnail=f"products/thumbs/{p.pk}/{i}.webp",
            content_type="image/png",
            width=64,
            height=48,
            thumb_width=64,
            thumb_height=48,
            position=i,
        )
        for p in products
        for i in range(per_product)
    )


def bulk_price_changes(product: Product, count: int, *, bulk: BulkPriceUpdate | None = None) -> None:
    PriceChange.objects.bulk_create(
        PriceChange(
            product=product,
            field=PriceChange.Field.RETAIL,
            old_value=Decimal(100 + i),
            new_value=Decimal(101 + i),
            source=PriceChange.Source.BULK if bulk else PriceChange.Source.MANUAL,
            bulk_update=bulk,
        )
        for i in range(count)
    )


def bulk_update_audit(user: Any, **fields: Any) -> BulkPriceUpdate:
    values: dict[str, Any] = {
        "user": user,
        "method": BulkPriceUpdate.Method.PERCENT,
        "direction": BulkPriceUpdate.Direction.UP,
        "amount": Decimal(10),
        "product_codes": ["X"],
    }
    values.update(fields)
    return BulkPriceUpdate.objects.create(**values)


def workbook_bytes(rows: Sequence[dict[str, Any]], *, stock: Sequence[str] = (), headers: Sequence[str] = ()) -> bytes:
    """An import file: the standard columns (or `headers`) plus `stock:<code>` columns, one dict per row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "products"  # type: ignore[union-attr]
    columns = list(headers or COLUMN_KEYS) + [f"stock:{code}" for code in stock]
    sheet.append(columns)  # type: ignore[union-attr]
    for row in rows:
        sheet.append([row.get(c, "") for c in columns])  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_upload(content: bytes, name: str = "catalogue.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def job(user: Any, *, status: str = ImportJob.Status.VALIDATED, **fields: Any) -> ImportJob:
    values: dict[str, Any] = {
        "file": "imports/test.xlsx",
        "file_name": "test.xlsx",
        "file_hash": "0" * 64,
        "created_by": user,
        "status": status,
        "total": 10,
    }
    values.update(fields)
    return ImportJob.objects.create(**values)


def bulk_row_errors(job: ImportJob, count: int) -> None:
    start = ImportRowError.objects.filter(job=job).count()
    ImportRowError.objects.bulk_create(
        ImportRowError(job=job, row=start + i + 2, column="retail_price", message="Enter a number.", params={})
        for i in range(count)
    )


def bulk_jobs(user: Any, count: int) -> None:
    ImportJob.objects.bulk_create(
        ImportJob(file="imports/x.xlsx", file_name=f"f{i}.xlsx", file_hash="1" * 64, created_by=user)
        for i in range(count)
    )
