"""Product photos on the public card: thumbnails only, while the product is active, in display order."""

from typing import Any

import pytest
from django.test import Client

from erp.accounts.models import User
from erp.inventory import images
from erp.inventory.models import Product
from erp.inventory.tests import catalogue_factories as cf
from erp.inventory.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def _photo(admin: User, product: Product) -> Any:
    image = images.product_image_add(actor=admin, product=product, file=cf.upload("p.png", "PNG", size=(640, 480)))
    images.product_image_thumbnail(image_id=image.pk)
    image.refresh_from_db()
    return image


def test_card_shows_thumbnails_and_serves_them_publicly(
    client: Client, admin_user: User, django_capture_on_commit_callbacks: Any
) -> None:
    product = factories.product()
    assert "/p/photo/" not in client.get(f"/p/{product.code}/").content.decode()  # cached without photos
    with django_capture_on_commit_callbacks(execute=True):  # the thumbnail's commit refreshes the cached card
        first, second = _photo(admin_user, product), _photo(admin_user, product)
    page = client.get(f"/p/{product.code}/").content.decode()
    assert page.index(f"/p/photo/{first.pk}.webp") < page.index(f"/p/photo/{second.pk}.webp")
    assert f'width="{first.thumb_width}" height="{first.thumb_height}"' in page
    photo = client.get(f"/p/photo/{first.pk}.webp")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/webp"
    assert photo.content[:4] == b"RIFF" and photo.content[8:12] == b"WEBP"
    assert photo["Cache-Control"].startswith("public") and "default-src 'none'" in photo["Content-Security-Policy"]


def test_photos_of_inactive_products_and_unmade_thumbnails_are_not_public(client: Client, admin_user: User) -> None:
    product = factories.product()
    image = _photo(admin_user, product)
    pending = images.product_image_add(actor=admin_user, product=product, file=cf.upload("q.png", "PNG"))
    assert client.get(f"/p/photo/{pending.pk}.webp").status_code == 404  # no thumbnail yet: never the original
    Product.objects.filter(pk=product.pk).update(is_active=False)
    assert client.get(f"/p/photo/{image.pk}.webp").status_code == 404
