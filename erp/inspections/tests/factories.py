"""Test data for inspections: inspections in any state, in bulk, and small valid files of each accepted type."""

from datetime import time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from erp.inspections.models import Inspection, InspectionEvent, InspectionFile
from erp.inspections.services import search_text

_seq = iter(range(1, 10**9))

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32


def upload(kind: str = "pdf", name: str | None = None, content: bytes | None = None) -> SimpleUploadedFile:
    data = content if content is not None else {"pdf": PDF, "png": PNG, "jpeg": JPEG, "webp": WEBP}[kind]
    return SimpleUploadedFile(name or f"sheet.{kind}", data, content_type="application/octet-stream")


def inspection(
    *,
    customer: Any,
    creator: Any,
    status: str = Inspection.Status.NOT_SCHEDULED,
    technician: Any = None,
    order: Any = None,
    branch: Any = None,
    day: Any = None,
    **kw: Any,
) -> Inspection:
    number = f"{customer.code}-T{next(_seq)}"
    if status in (Inspection.Status.COMPLETED,):
        kw.setdefault("result", Inspection.Result.PASSED)
    scheduled = status not in (Inspection.Status.NOT_SCHEDULED, Inspection.Status.PENDING)
    return Inspection.objects.create(
        number=number,
        customer=customer,
        branch=branch or customer.branch,
        order=order,
        status=status,
        technician=technician,
        scheduled_date=(day or timezone.localdate()) if scheduled else None,
        scheduled_time=time(10, 0) if scheduled else None,
        created_by=creator,
        search_text=search_text(number, customer),
        **kw,
    )


def bulk(
    *, customer: Any, creator: Any, count: int, technician: Any = None, status: str = "scheduled", day: Any = None
) -> list[Inspection]:
    """Many inspections (with a timeline row each) in two queries, for size tests."""
    start = next(_seq)
    day = day or timezone.localdate()
    rows = Inspection.objects.bulk_create(
        Inspection(
            number=f"{customer.code}-B{start}-{n}",
            customer=customer,
            branch=customer.branch,
            status=status,
            result="passed" if status == "completed" else "",
            technician=technician,
            scheduled_date=day + timedelta(days=0),
            scheduled_time=time(8 + n % 10, 0),
            created_by=creator,
            search_text=search_text(f"{customer.code}-B{start}-{n}", customer),
        )
        for n in range(count)
    )
    InspectionEvent.objects.bulk_create(
        InspectionEvent(inspection=i, from_status="", to_status=status, user=creator) for i in rows
    )
    return rows


def stored_file(inspection: Inspection, user: Any, kind: str = "pdf") -> InspectionFile:
    f = upload(kind)
    return InspectionFile.objects.create(
        inspection=inspection, file=f, kind=kind, original_name=f"sheet.{kind}", size=f.size or 0, uploaded_by=user
    )
