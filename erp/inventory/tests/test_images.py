"""Product images: checked uploads, thumbnails made by a task after commit (idempotent, metadata stripped), the
list's lazy thumbnails, the gallery, reordering and deletion with permission, and files served only to staff."""

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.inventory import images
from erp.inventory.models import Product, ProductImage
from erp.inventory.tests import catalogue_factories as cf
from erp.inventory.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def manager(make_user: Callable[..., User], branch_a: Branch) -> User:
    return make_user(RoleKey.FACTORY_MANAGER, branch=branch_a)


@pytest.fixture
def product() -> Product:
    return factories.product(code="VEL-1", colours=(("BJ", "بيج"), ("GR", "رمادي")))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_upload_stores_the_image_and_the_task_makes_its_thumbnail(
    manager: User, product: Product, fmt: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        image = images.product_image_add(
            actor=manager, product=product, file=cf.upload(f"p.{fmt.lower()}", fmt, size=(800, 600), exif=fmt == "JPEG")
        )
    # The thumbnail task is queued after commit, not run inside the transaction (the other callbacks are the
    # catalogue sync's kick and cache refresh).
    assert callbacks
    image.refresh_from_db()
    assert (image.width, image.height, image.position) == (800, 600, 0)
    original = image.original.name or ""
    assert original.startswith(f"products/originals/{product.pk}/") and default_storage.exists(original)
    assert image.thumbnail.name == f"products/thumbs/{product.pk}/{image.pk}.webp"
    with default_storage.open(image.thumbnail.name) as handle, Image.open(handle) as thumb:
        assert thumb.format == "WEBP" and max(thumb.size) == 320
        assert not thumb.getexif() and "exif" not in thumb.info and "icc_profile" not in thumb.info
        if fmt == "JPEG":
            assert thumb.size == (240, 320)  # the EXIF orientation (rotate 90°) was applied before stripping
    assert (image.thumb_width, image.thumb_height) == thumb.size


def test_thumbnail_task_is_idempotent(manager: User, product: Product) -> None:
    from erp.inventory.tasks import product_image_thumbnail

    image = images.product_image_add(actor=manager, product=product, file=cf.upload())
    assert product_image_thumbnail(image.pk) is True  # called as a worker would
    image.refresh_from_db()
    first = image.thumbnail.name or ""
    assert product_image_thumbnail(image.pk) is False  # re-delivered: nothing new
    image.refresh_from_db()
    assert image.thumbnail.name == first and default_storage.exists(first)
    assert product_image_thumbnail(999_999) is False  # deleted meanwhile


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: cf.upload("anim.gif", "GIF"), "Upload a JPEG, PNG or WebP image."),
        (lambda: SimpleUploadedFile("x.png", b"not an image at all", "image/png"), "This file is not a valid image."),
        (
            lambda: SimpleUploadedFile("x.jpg", cf.image_bytes("JPEG")[:60], "image/jpeg"),
            "This file is not a valid image.",
        ),
    ],
)
def test_bad_files_are_refused(manager: User, product: Product, upload: Callable[[], Any], message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        images.product_image_add(actor=manager, product=product, file=upload())
    assert gettext(message) in refused.value.message_dict["image"][0]  # in the active (Arabic-first) language
    assert not ProductImage.objects.exists()


def test_files_over_the_size_setting_are_refused(manager: User, product: Product, settings: Any) -> None:
    settings.PRODUCT_IMAGE_MAX_BYTES = 200
    with pytest.raises(ValidationError):
        images.product_image_add(actor=manager, product=product, file=cf.upload(size=(400, 400)))
    assert not ProductImage.objects.exists()


def test_a_colour_of_another_product_is_refused(manager: User, product: Product) -> None:
    other = factories.product()
    with pytest.raises(ValidationError):
        images.product_image_add(actor=manager, product=product, file=cf.upload(), variant=other.variants.get())


def test_upload_page_and_permissions(
    client: Client, manager: User, product: Product, make_user: Callable[..., User], branch_a: Branch
) -> None:
    seller = make_user(RoleKey.SALESPERSON, branch=branch_a)
    client.force_login(seller)
    assert client.post(f"/inventory/products/{product.pk}/images/", {"image": cf.upload()}).status_code == 403
    with pytest.raises(PermissionDenied):
        images.product_image_add(actor=seller, product=product, file=cf.upload())
    detail = client.get(f"/inventory/products/{product.pk}/")
    assert detail.context["image_form"] is None and b"/images/" not in detail.content

    client.force_login(manager)
    beige = product.variants.get(code="VEL-1-BJ")
    response = client.post(f"/inventory/products/{product.pk}/images/", {"image": cf.upload(), "variant": beige.pk})
    assert response.status_code == 302
    assert ProductImage.objects.get().variant == beige
    refused = client.post(
        f"/inventory/products/{product.pk}/images/", {"image": cf.upload("a.gif", "GIF")}, follow=True
    )
    with translation.override("ar"):  # pages are Arabic-first
        assert gettext("Upload a JPEG, PNG or WebP image.") in [str(m) for m in refused.context["messages"]]
    assert ProductImage.objects.count() == 1


def test_reorder_and_delete(
    client: Client,
    manager: User,
    product: Product,
    make_user: Callable[..., User],
    branch_a: Branch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first, second, third = (cf.stored_image(product, position=i) for i in range(3))
    base = f"/inventory/products/{product.pk}/images"
    seller = make_user(RoleKey.SALESPERSON, branch=branch_a)
    client.force_login(seller)
    assert client.post(f"{base}/{third.pk}/move/", {"direction": "earlier"}).status_code == 403
    assert client.post(f"{base}/{third.pk}/delete/").status_code == 403

    client.force_login(manager)
    assert client.post(f"{base}/{third.pk}/move/", {"direction": "earlier"}).status_code == 302
    order = list(ProductImage.objects.order_by("position").values_list("pk", flat=True))
    assert order == [first.pk, third.pk, second.pk]
    client.post(f"{base}/{first.pk}/move/", {"direction": "earlier"})  # already first: stays
    assert list(ProductImage.objects.order_by("position").values_list("pk", flat=True)) == order

    files = [third.original.name or "", third.thumbnail.name or ""]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{base}/{third.pk}/delete/").status_code == 302
    assert not any(default_storage.exists(name) for name in files)  # files go after the row is gone
    assert list(ProductImage.objects.order_by("position").values_list("pk", "position")) == [
        (first.pk, 0),
        (second.pk, 1),
    ]
    assert client.post(f"{base}/{third.pk}/delete/").status_code == 302  # already gone: same answer


def test_list_shows_the_first_thumbnail_lazily_and_detail_the_gallery(
    client: Client, admin_user: User, product: Product
) -> None:
    later = cf.stored_image(product, position=1)
    first = cf.stored_image(product, position=0)
    pending = cf.stored_image(product, position=2, thumbnail=False)
    client.force_login(admin_user)
    listing = client.get("/inventory/products/")
    row = next(r for r in listing.context["rows"] if r["product"].pk == product.pk)
    assert row["thumb"].pk == first.pk
    html = listing.content.decode()
    assert f'src="/inventory/images/{first.pk}/file/thumb/" width="48" height="48" loading="lazy"' in html
    assert f"/inventory/images/{later.pk}/" not in html

    detail = client.get(f"/inventory/products/{product.pk}/")
    assert [i.pk for i in detail.context["images"]] == [first.pk, later.pk, pending.pk]
    assert detail.content.decode().count('loading="lazy"') == 2  # the pending one shows a placeholder


def test_image_files_are_served_to_staff_only(
    client: Client, product: Product, make_user: Callable[..., User], branch_a: Branch
) -> None:
    image = cf.stored_image(product)
    seller = make_user(RoleKey.SALESPERSON, branch=branch_a)
    client.force_login(seller)
    thumb = client.get(f"/inventory/images/{image.pk}/file/thumb/")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/webp"
    assert thumb["Cache-Control"] == "private, max-age=86400"
    assert Image.open(io.BytesIO(b"".join(thumb.streaming_content))).format == "WEBP"  # type: ignore[attr-defined]
    full = client.get(f"/inventory/images/{image.pk}/file/full/")
    assert full.status_code == 200 and full["Content-Type"] == "image/png"
    assert client.get(f"/inventory/images/{image.pk}/file/other/").status_code == 404
    plain = make_user(RoleKey.USER, branch=branch_a)
    client.force_login(plain)
    assert client.get(f"/inventory/images/{image.pk}/file/thumb/").status_code == 403
    client.logout()
    assert client.get(f"/inventory/images/{image.pk}/file/thumb/").status_code == 302  # to the login page
