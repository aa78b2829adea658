"""The public card and its QR code: content, Arabic digits, 404s, query counts, cache, CSP and cache headers."""

import struct
from decimal import Decimal
from pathlib import Path
from typing import Any

import brotli
import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from erp.catalogue import sync
from erp.catalogue.models import DesignSettings
from erp.core.cache import bump_namespace
from erp.inventory.models import Product, Variant
from erp.inventory.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def product() -> Product:
    product = factories.product(
        code="F12345",
        name="بلاك أوت ملكي",
        colours=(("WH", "أبيض"), ("GR", "رمادي")),
        material="بوليستر",
        width_cm=Decimal("280.0"),
        retail_price=Decimal("350.00"),
    )
    Variant.objects.filter(code="F12345-GR").update(retail_price=Decimal("375.00"))
    return product


@pytest.fixture
def design() -> DesignSettings:
    return DesignSettings.objects.create(
        pk=1, company_name="هوم أبديت", phone="+20225551234", whatsapp="+201001234567", address="مدينة نصر"
    )


def test_card_shows_the_product_and_the_company(client: Client, product: Product, design: DesignSettings) -> None:
    response = client.get("/p/F12345/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="ar" dir="rtl"' in html
    for text in ("بلاك أوت ملكي", "350", "بوليستر", "280", "أبيض", "رمادي", "375", "هوم أبديت"):
        assert text in html
    assert 'href="tel:+20225551234"' in html and "https://wa.me/201001234567?text=F12345" in html
    assert "wholesale" not in html and "200" not in html  # the wholesale price never goes public


def test_arabic_digits_and_case_in_the_code_are_normalised(client: Client, product: Product) -> None:
    assert client.get("/p/f١٢٣٤٥/").status_code == 200
    assert client.get("/p/%20F12345%20/").status_code == 200


def test_unknown_and_inactive_products_are_404(client: Client, product: Product) -> None:
    response = client.get("/p/NOPE999/")
    assert response.status_code == 404 and "Content-Security-Policy" in response
    assert client.get("/p/NOPE999/qr.png").status_code == 404
    Product.objects.filter(pk=product.pk).update(is_active=False)
    bump_namespace("catalogue")
    assert client.get("/p/F12345/").status_code == 404
    assert client.get("/p/F12345/qr.png").status_code == 404


def test_card_costs_at_most_four_queries_and_none_when_cached(
    client: Client, product: Product, design: DesignSettings
) -> None:
    with CaptureQueriesContext(connection) as cold:
        assert client.get("/p/F12345/").status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get("/p/F12345/").status_code == 200
    # Product with category, colours, photos, design settings: at most four with nothing cached.
    assert len(cold.captured_queries) <= 4, [q["sql"] for q in cold.captured_queries]
    assert len(warm.captured_queries) == 0


def test_a_product_change_refreshes_the_cached_card(
    client: Client, product: Product, django_capture_on_commit_callbacks: Any
) -> None:
    assert "350" in client.get("/p/F12345/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        Product.objects.filter(pk=product.pk).update(retail_price=Decimal("410.00"))
        sync.catalogue_mark_changed(product_ids=[product.pk])
    assert "410" in client.get("/p/F12345/").content.decode()


def test_card_headers_strict_csp_and_short_public_cache(client: Client, product: Product) -> None:
    response = client.get("/p/F12345/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "form-action 'none'" in csp
    assert "script-src" not in csp and "unsafe-inline" not in csp
    assert response["Cache-Control"] == "public, max-age=300"
    assert "Set-Cookie" not in str(response.headers)


def test_card_is_tiny(client: Client, product: Product) -> None:
    """HTML + card.css + theme.css, as brotli on the wire: far below the staff pages' 100 KB budget."""
    html = client.get("/p/F12345/").content
    css = Path(str(finders.find("catalogue/card.css"))).read_bytes()
    theme = client.get("/p/theme.css").content
    wire = sum(len(brotli.compress(part, quality=11)) for part in (html, css, theme))
    assert wire < 4 * 1024, wire


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_qr_png_is_valid_cached_and_answers_304(client: Client, product: Product, settings: Any) -> None:
    settings.CATALOGUE_PUBLIC_BASE_URL = "https://qr.example.com"
    response = client.get("/p/F12345/qr.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    width, height = _png_size(response.content)
    assert width == height and 150 <= width <= 600
    assert response["Cache-Control"] == "public, max-age=2592000"
    etag = response["ETag"]
    assert etag.startswith('"') and len(etag) > 10

    again = client.get("/p/F12345/qr.png", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""

    settings.CATALOGUE_PUBLIC_BASE_URL = "https://other.example.com"  # another target, another image and tag
    assert client.get("/p/F12345/qr.png")["ETag"] != etag


def test_qr_encodes_the_card_url(client: Client, product: Product, settings: Any) -> None:
    from erp.catalogue import qr

    settings.CATALOGUE_PUBLIC_BASE_URL = "https://qr.example.com/"
    request = client.get("/p/F12345/").wsgi_request
    assert qr.card_url(request, "F12345") == "https://qr.example.com/p/F12345/"
    settings.CATALOGUE_PUBLIC_BASE_URL = ""
    assert qr.card_url(request, "F12345") == "http://testserver/p/F12345/"


def test_theme_css_carries_the_validated_colours(client: Client, design: DesignSettings) -> None:
    response = client.get(f"/p/theme.css?v={design.version}")
    assert response["Content-Type"].startswith("text/css")
    assert response.content.decode() == ":root{--cat-primary:#1d3b5c;--cat-accent:#c8a04a}\n"
    assert "immutable" in response["Cache-Control"]
    assert "immutable" not in client.get("/p/theme.css?v=0")["Cache-Control"]


def test_logo_is_served_with_its_type(client: Client, admin_user: Any, tmp_path: Path, settings: Any) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from erp.catalogue.services import design_settings_update

    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (60, 20), "navy").save(buffer, format="PNG")
    design_settings_update(
        user=admin_user,
        company_name="هوم أبديت",
        primary_color="#112233",
        accent_color="#445566",
        logo=SimpleUploadedFile("x.png", buffer.getvalue(), content_type="image/png"),
    )
    bump_namespace("catalogue-design")
    response = client.get("/p/logo?v=1")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content == buffer.getvalue()
    assert (tmp_path / "catalogue" / "logo").is_dir()
    assert tmp_path == settings.MEDIA_ROOT


def test_a_design_change_refreshes_the_cached_card(
    client: Client, product: Product, admin_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from erp.catalogue.services import design_settings_update

    assert "ستائر النيل" not in client.get("/p/F12345/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        design_settings_update(
            user=admin_user, company_name="ستائر النيل", primary_color="#000000", accent_color="#ffffff"
        )
    html = client.get("/p/F12345/").content.decode()
    assert "ستائر النيل" in html
    assert client.get("/p/theme.css").content.decode() == ":root{--cat-primary:#000000;--cat-accent:#ffffff}\n"


def test_public_urls_answer_head_and_refuse_post(client: Client, product: Product) -> None:
    assert client.head("/p/F12345/").status_code == 200
    assert client.head("/p/F12345/qr.png").status_code == 200
    assert client.post("/p/F12345/").status_code == 405
