"""Private uploads (inspection files, receipts, complaint attachments): stored outside MEDIA_ROOT, never served by
the web server, checked by content, and handed out only through a view that has checked the caller's permission.

- `private_storage`: a FileSystemStorage at settings.PRIVATE_MEDIA_ROOT with no URL.
- `validate_private_upload(file, kinds=…, max_bytes=…)`: the file's real type from its first bytes (the name and the
  browser's content type are not trusted); raises ValidationError naming the problem; returns the detected kind.
- `private_file_response(field_file, filename)`: an attachment response (nosniff, private cache).
"""

from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

# kind → (content type, extension); detected from the file's signature.
KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "pdf"),
    "jpeg": ("image/jpeg", "jpg"),
    "png": ("image/png", "png"),
    "webp": ("image/webp", "webp"),
}
DEFAULT_KINDS = ("pdf", "jpeg", "png", "webp")


def sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT (resolved when used, so tests can point it elsewhere); no public URL."""

    def __init__(self) -> None:
        super().__init__(location=None, base_url=None)

    @property
    def base_location(self) -> Any:  # type: ignore[override]
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self) -> Any:  # type: ignore[override]
        import os

        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL: serve them through a permission-checked view")


def private_storage() -> PrivateStorage:
    """For FileField(storage=private_storage): a callable, so migrations do not freeze a path."""
    return PrivateStorage()


def validate_private_upload(
    file: IO[bytes] | Any, *, kinds: tuple[str, ...] = DEFAULT_KINDS, max_bytes: int | None = None
) -> str:
    limit = max_bytes or settings.PRIVATE_UPLOAD_MAX_BYTES
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": round(size / 1024 / 1024, 1), "limit": round(limit / 1024 / 1024, 1)},
            code="too_large",
        )
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    kind = sniff(head)
    if kind is None or kind not in kinds:
        allowed = ", ".join(KINDS[k][1].upper() for k in kinds)
        raise ValidationError(
            _("This type of file is not accepted; use %(allowed)s.") % {"allowed": allowed}, code="type"
        )
    return kind


def private_file_response(field_file: Any, filename: str) -> FileResponse:
    kind = None
    with field_file.open("rb") as fh:
        kind = sniff(fh.read(16))
    content_type = KINDS[kind][0] if kind else "application/octet-stream"
    response = FileResponse(field_file.open("rb"), as_attachment=kind == "pdf" or kind is None, filename=filename)
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
