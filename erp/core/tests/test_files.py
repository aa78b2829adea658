"""Private uploads: checked by content and size, stored outside MEDIA_ROOT, without a URL."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from erp.core.files import private_file_response, private_storage, validate_private_upload

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_the_type_comes_from_the_content_not_the_name() -> None:
    assert validate_private_upload(SimpleUploadedFile("scan.png", PDF)) == "pdf"
    assert validate_private_upload(io.BytesIO(PNG)) == "png"
    with pytest.raises(ValidationError) as exc:
        validate_private_upload(SimpleUploadedFile("evil.pdf", b"<script>alert(1)</script>"))
    assert exc.value.code == "type"
    with pytest.raises(ValidationError) as exc:
        validate_private_upload(SimpleUploadedFile("scan.png", PNG), kinds=("pdf",))
    assert exc.value.code == "type"


def test_empty_and_too_large_files_are_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        validate_private_upload(SimpleUploadedFile("a.pdf", b""))
    assert exc.value.code == "empty"
    with pytest.raises(ValidationError) as exc:
        validate_private_upload(SimpleUploadedFile("a.pdf", PDF + b"0" * 2048), max_bytes=1024)
    assert exc.value.code == "too_large"


@pytest.mark.django_db  # closing a FileResponse sends request_finished, which checks the DB connection
def test_private_files_live_outside_media_and_have_no_url(settings: object) -> None:
    from django.conf import settings as conf

    storage = private_storage()
    name = storage.save("t/scan.pdf", io.BytesIO(PDF))
    try:
        path = storage.path(name)
        assert path.startswith(str(conf.PRIVATE_MEDIA_ROOT))
        assert not path.startswith(str(conf.MEDIA_ROOT))
        with pytest.raises(ValueError):
            storage.url(name)
        with storage.open(name) as fh:
            response = private_file_response(fh, "scan.pdf")
            assert response["Content-Type"] == "application/pdf"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert "attachment" in response["Content-Disposition"]
            response.close()
    finally:
        storage.delete(name)
