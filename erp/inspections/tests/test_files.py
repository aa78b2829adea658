"""Inspection files: content-checked types, the size limit, private storage, permission-checked download."""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client

from erp.core.exceptions import PermissionDeniedError
from erp.inspections import services
from erp.inspections.models import Inspection, InspectionFile
from erp.inspections.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(shop: Any, insp_manager: Any, tech: Any) -> Inspection:
    return factories.inspection(customer=shop.customer, creator=insp_manager, status="in_progress", technician=tech)


@pytest.mark.parametrize("kind", ["pdf", "jpeg", "png", "webp"])
def test_accepted_types_are_stored_privately(visit: Inspection, tech: Any, kind: str) -> None:
    stored = services.inspection_file_add(inspection=visit, actor=tech, upload=factories.upload(kind))
    assert stored.kind == kind and stored.original_name == f"sheet.{kind}"
    path = Path(stored.file.path)
    assert path.is_file() and str(path).startswith(str(Path(settings.PRIVATE_MEDIA_ROOT).resolve()))
    assert not str(path).startswith(str(Path(settings.MEDIA_ROOT).resolve()))
    assert str(stored.file.name).split("/")[-1] != f"sheet.{kind}"  # the stored name is ours, not the uploader's
    with pytest.raises(ValueError):
        stored.file.url  # noqa: B018 - private files have no public URL


@pytest.mark.parametrize(
    "content", [b"plain text renamed to .pdf", b"<html><script>alert(1)</script></html>", b"GIF89a" + b"\x00" * 20]
)
def test_other_content_is_refused_whatever_the_name(visit: Inspection, tech: Any, content: bytes) -> None:
    with pytest.raises(ValidationError) as err:
        services.inspection_file_add(
            inspection=visit, actor=tech, upload=factories.upload(name="sheet.pdf", content=content)
        )
    assert "file" in err.value.message_dict
    assert not InspectionFile.objects.exists()


def test_size_limit(visit: Inspection, tech: Any, settings: Any) -> None:
    settings.PRIVATE_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError):
        services.inspection_file_add(
            inspection=visit, actor=tech, upload=factories.upload(content=factories.PDF + b"0" * 2000)
        )
    assert not InspectionFile.objects.exists()


def test_only_the_visits_technician_or_a_manager_adds_files(
    visit: Inspection, tech2: Any, seller_a: Any, insp_manager: Any
) -> None:
    for user in (tech2, seller_a):
        with pytest.raises(PermissionDeniedError):
            services.inspection_file_add(inspection=visit, actor=user, upload=factories.upload())
    services.inspection_file_add(inspection=visit, actor=insp_manager, upload=factories.upload())
    assert visit.files.count() == 1


def test_download_is_an_attachment_for_those_who_see_the_inspection(
    visit: Inspection, tech: Any, tech2: Any, manager_a: Any
) -> None:
    stored = services.inspection_file_add(inspection=visit, actor=tech, upload=factories.upload("pdf"))
    client = Client()
    client.force_login(manager_a)  # branch A's manager sees branch A's inspections
    response = client.get(f"/inspections/{visit.pk}/files/{stored.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert content.startswith(b"%PDF-")
    client.force_login(tech2)
    assert client.get(f"/inspections/{visit.pk}/files/{stored.pk}/").status_code == 404


def test_upload_page_shows_the_error_next_to_the_field(visit: Inspection, tech: Any) -> None:
    client = Client()
    client.force_login(tech)
    response = client.post(
        f"/inspections/{visit.pk}/files/", {"file": factories.upload(name="x.pdf", content=b"not a pdf")}
    )
    assert response.status_code == 400
    assert "is-invalid" in response.content.decode()
    ok = client.post(f"/inspections/{visit.pk}/files/", {"file": factories.upload("png")})
    assert ok.status_code == 302 and visit.files.count() == 1


def test_api_upload_and_download(visit: Inspection, tech: Any, api_client: Any) -> None:
    api_client.force_authenticate(tech)
    response = api_client.post(
        f"/api/v1/inspections/{visit.pk}/files/", {"file": factories.upload("webp")}, format="multipart"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "webp"
    download = api_client.get(body["download"])
    assert download.status_code == 200 and download["Content-Type"] == "image/webp"
    bad = api_client.post(
        f"/api/v1/inspections/{visit.pk}/files/", {"file": factories.upload(content=b"MZ\x90\x00")}, format="multipart"
    )
    assert bad.status_code == 400 and "file" in bad.json()["error"]["fields"]
