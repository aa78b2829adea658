"""Product photos: checked uploads (Pillow, JPEG/PNG/WebP, a size limit), stored under MEDIA_ROOT, thumbnails made by
a Celery task after commit (resized, re-encoded, metadata stripped), reordering and deletion."""

import io
import warnings
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from erp.accounts.access import require_perm
from erp.core.flags import enqueue_on_commit
from erp.inventory.catalogue import _products_changed
from erp.inventory.models import Product, ProductImage, Variant

ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PIXELS = 40_000_000  # larger images are refused (decompression bombs)
THUMB_SIZE = (320, 320)  # the longest side of a thumbnail; lists show it at 48 px, detail pages at 160 px
THUMB_QUALITY = 80


def image_check(file: UploadedFile) -> tuple[str, int, int]:
    """(format, width, height) of an uploaded image, or ValidationError naming what is wrong with it."""
    limit = settings.PRODUCT_IMAGE_MAX_BYTES
    if file.size is None or file.size > limit:
        raise ValidationError(
            {"image": _("The image is larger than %(mb)s MB.") % {"mb": round(limit / (1024 * 1024), 1)}}
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            file.seek(0)
            with Image.open(file) as probe:
                kind = probe.format or ""
                probe.verify()  # structure check; the image must be opened again to be used
            file.seek(0)
            with Image.open(file) as img:
                width, height = img.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError, Warning) as exc:
        raise ValidationError({"image": _("This file is not a valid image.")}) from exc
    finally:
        file.seek(0)
    if kind not in ALLOWED_FORMATS:
        raise ValidationError({"image": _("Upload a JPEG, PNG or WebP image.")})
    if width * height > MAX_PIXELS:
        raise ValidationError({"image": _("The image has too many pixels.")})
    return kind, width, height


@transaction.atomic
def product_image_add(
    *, actor: Any, product: Product, file: UploadedFile, variant: Variant | None = None
) -> ProductImage:
    """Store a checked image as the product's last one; its thumbnail is made by a task after commit."""
    require_perm(actor, "inventory.manage_catalogue")
    if variant is not None and variant.product_id != product.pk:
        raise ValidationError({"variant": _("This colour belongs to another product.")})
    kind, width, height = image_check(file)
    Product.objects.select_for_update().filter(pk=product.pk).values_list("pk").get()  # serialises positions
    last = ProductImage.objects.filter(product=product).aggregate(m=Max("position"))["m"]
    image = ProductImage(
        product=product,
        variant=variant,
        content_type=ALLOWED_FORMATS[kind],
        width=width,
        height=height,
        position=0 if last is None else last + 1,
        created_by=actor,
    )
    image.original.save(f"upload.{EXTENSIONS[kind]}", file, save=False)
    try:
        image.save()
    except Exception:
        if image.original.name:
            default_storage.delete(image.original.name)  # no row, no file
        raise
    from erp.inventory.tasks import product_image_thumbnail as product_image_thumbnail_task

    enqueue_on_commit(product_image_thumbnail_task, image.pk)
    _products_changed([product.pk])
    return image


def product_image_thumbnail(*, image_id: int) -> bool:
    """Make the thumbnail of an image (a re-encoded, resized copy without metadata). Idempotent: returns False
    when the image is gone or already has its thumbnail."""
    image = ProductImage.objects.filter(pk=image_id).first()
    if image is None:
        return False
    current = image.thumbnail.name or ""
    if current and default_storage.exists(current):
        return False
    with default_storage.open(image.original.name or "", "rb") as source, Image.open(source) as opened:
        upright = ImageOps.exif_transpose(opened)  # honour the camera's orientation before EXIF is dropped
        has_alpha = upright.mode in {"RGBA", "LA", "P"}
        small = upright.convert("RGBA" if has_alpha else "RGB")
        small.thumbnail(THUMB_SIZE, Image.Resampling.LANCZOS)
        small.info.clear()  # no EXIF (camera, GPS), ICC or XMP travels into the thumbnail
        out = io.BytesIO()
        small.save(out, format="WEBP", quality=THUMB_QUALITY, method=4)  # a fresh file: no EXIF, ICC or XMP
        size = small.size
    name = f"products/thumbs/{image.product_id}/{image.pk}.webp"
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(out.getvalue()))
    updated = ProductImage.objects.filter(pk=image.pk, thumbnail=current).update(
        thumbnail=saved, thumb_width=size[0], thumb_height=size[1]
    )
    if not updated:  # a concurrent run finished first: keep its file, drop ours
        if saved != ProductImage.objects.values_list("thumbnail", flat=True).get(pk=image.pk):
            default_storage.delete(saved)
        return False
    _products_changed([image.product_id])
    return True


@transaction.atomic
def product_image_delete(*, actor: Any, image: ProductImage) -> None:
    require_perm(actor, "inventory.manage_catalogue")
    names = [n for n in (image.original.name, image.thumbnail.name) if n]
    product_id = image.product_id
    image.delete()
    _renumber(product_id)

    def remove_files() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(remove_files)
    _products_changed([product_id])


@transaction.atomic
def product_image_move(*, actor: Any, image: ProductImage, offset: int) -> None:
    """Move an image `offset` places earlier (negative) or later (positive) in its product's gallery."""
    require_perm(actor, "inventory.manage_catalogue")
    Product.objects.select_for_update().filter(pk=image.product_id).values_list("pk").get()
    ordered = list(ProductImage.objects.filter(product_id=image.product_id).order_by("position", "id"))
    index = next(i for i, img in enumerate(ordered) if img.pk == image.pk)
    target = max(0, min(len(ordered) - 1, index + offset))
    ordered.insert(target, ordered.pop(index))
    for position, img in enumerate(ordered):
        img.position = position
    ProductImage.objects.bulk_update(ordered, ["position"])
    _products_changed([image.product_id])


def _renumber(product_id: int) -> None:
    ordered = list(ProductImage.objects.filter(product_id=product_id).order_by("position", "id"))
    for position, img in enumerate(ordered):
        img.position = position
    ProductImage.objects.bulk_update(ordered, ["position"])


def first_images(product_ids: Iterable[int]) -> dict[int, ProductImage]:
    """The first image of each product that has a thumbnail, for a page of products, in one query."""
    out: dict[int, ProductImage] = {}
    rows = (
        ProductImage.objects.filter(product_id__in=list(product_ids))
        .exclude(thumbnail="")
        .order_by("product_id", "position", "id")
        .only("product_id", "thumbnail", "thumb_width", "thumb_height", "position")
    )
    for image in rows:
        out.setdefault(image.product_id, image)
    return out


def product_images(*, product: Product) -> list[ProductImage]:
    return list(ProductImage.objects.filter(product=product).select_related("variant").order_by("position", "id"))
