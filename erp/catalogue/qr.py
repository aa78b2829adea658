"""QR codes of product cards: a PNG for the public URL, inline SVG for label sheets."""

import hashlib
import io

import segno
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse

from erp.core.cache import cached
from erp.core.flags import caching_enabled

QR_NAMESPACE = "catalogue-qr"
PNG_SCALE = 8  # 8 px per module: a 33-module code is ~300 px, sharp on phones and on print at 3 cm
PNG_BORDER = 2


def card_url(request: HttpRequest, code: str) -> str:
    """Where a product's QR code points: the edge's host when configured, else this site."""
    path = reverse("catalogue_public:card", kwargs={"code": code})
    base = settings.CATALOGUE_PUBLIC_BASE_URL.rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def png_etag(target: str) -> str:
    return '"' + hashlib.sha256(f"{target}|{PNG_SCALE}|{PNG_BORDER}".encode()).hexdigest()[:32] + '"'


def png_bytes(target: str) -> bytes:
    def make() -> bytes:
        buffer = io.BytesIO()
        segno.make(target, error="m", micro=False).save(buffer, kind="png", scale=PNG_SCALE, border=PNG_BORDER)
        return buffer.getvalue()

    return cached(QR_NAMESPACE, hashlib.sha256(target.encode()).hexdigest(), make, timeout=86400)


def _svg(target: str) -> str:
    return str(
        segno.make(target, error="m", micro=False).svg_inline(
            scale=1, border=1, omitsize=True, svgclass="label-qr", lineclass=None
        )
    )


def svg_inline_many(targets: list[str]) -> list[str]:
    """Inline <svg> codes (no size: the label's CSS sizes them) for a sheet of labels: one cache round trip for
    the whole sheet, and only the missing ones are drawn (about 20 ms each)."""
    if not caching_enabled():
        return [_svg(t) for t in targets]
    keys = [f"{QR_NAMESPACE}:svg:{hashlib.sha256(t.encode()).hexdigest()}" for t in targets]
    found = cache.get_many(keys)
    missing = {key: _svg(t) for key, t in zip(keys, targets, strict=True) if key not in found}
    if missing:
        cache.set_many(missing, timeout=86400)
    return [found.get(key) or missing[key] for key in keys]
