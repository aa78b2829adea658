"""Catalogue writes: the design settings (one row) and the sync actions of the status page."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from erp.accounts.access import require_perm
from erp.catalogue import sync
from erp.catalogue.models import DesignSettings
from erp.catalogue.selectors import DESIGN_NAMESPACE
from erp.core.cache import bump_namespace
from erp.core.flags import enqueue_on_commit
from erp.core.phones import normalize_phone

LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_PIXELS = 2000 * 2000
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}  # never SVG: it can carry script
LOGO_CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}


def logo_validate(upload: UploadedFile) -> str:
    """Check an uploaded logo's size and real type (decoded, not trusted from its name); returns its extension."""
    if upload.size is None or upload.size > LOGO_MAX_BYTES:
        raise ValidationError({"logo": _("The logo must be at most 512 KB.")})
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format or ""
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError({"logo": _("Upload a PNG, JPEG or WebP image.")}) from exc
    finally:
        upload.seek(0)
    if image_format not in LOGO_FORMATS:
        raise ValidationError({"logo": _("Upload a PNG, JPEG or WebP image.")})
    if width * height > LOGO_MAX_PIXELS:
        raise ValidationError({"logo": _("The logo is too large (at most 2000 × 2000 pixels).")})
    return LOGO_FORMATS[image_format]


@transaction.atomic
def design_settings_update(
    *,
    user: Any,
    company_name: str,
    primary_color: str,
    accent_color: str,
    phone: str = "",
    whatsapp: str = "",
    address: str = "",
    footer_text: str = "",
    logo: UploadedFile | None = None,
    clear_logo: bool = False,
) -> DesignSettings:
    require_perm(user, "catalogue.manage_design")
    row = DesignSettings.objects.select_for_update().filter(pk=1).first() or DesignSettings(pk=1)
    errors: dict[str, Any] = {}
    for field, value in (("phone", phone), ("whatsapp", whatsapp)):
        try:
            setattr(row, field, normalize_phone(value))
        except ValidationError as exc:
            errors[field] = exc.messages
    extension = ""
    if logo is not None:
        try:
            extension = logo_validate(logo)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    row.company_name = company_name.strip()
    row.address = address.strip()
    row.footer_text = footer_text.strip()
    row.primary_color = primary_color.strip().lower()
    row.accent_color = accent_color.strip().lower()
    row.updated_by = user
    try:
        row.full_clean(exclude=["logo", "phone", "whatsapp", "updated_by"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    old_logo = row.logo.name if row.logo else ""
    if logo is not None:
        row.logo.save(f"logo.{extension}", logo, save=False)
    elif clear_logo:
        row.logo = None  # type: ignore[assignment]
    if not row._state.adding:
        row.version += 1
    row.save()
    if old_logo and old_logo != (row.logo.name if row.logo else ""):
        storage, name = row.logo.storage, old_logo
        transaction.on_commit(lambda: storage.delete(name))
    transaction.on_commit(lambda: bump_namespace(DESIGN_NAMESPACE))
    return row


def sync_retry_failed(*, user: Any, entry_ids: list[int] | None = None) -> int:
    require_perm(user, "catalogue.manage_sync")
    return sync.catalogue_retry_failed(entry_ids=entry_ids)


def sync_resync(*, user: Any) -> None:
    """A full re-sync, queued in the background (it touches every product: not for a web request)."""
    require_perm(user, "catalogue.manage_sync")
    from erp.catalogue.tasks import catalogue_resync as task

    enqueue_on_commit(task)
