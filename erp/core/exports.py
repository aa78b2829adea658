"""Excel exports, streamed from an iterator with openpyxl's write-only mode (constant memory)."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(
    *, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], rtl: bool = True
) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.sheet_view.rightToLeft = rtl
    sheet.append([str(h) for h in headers])
    for row in rows:
        sheet.append([_cell(v) for v in row])
    response = HttpResponse(content_type=XLSX_CONTENT_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    response["Cache-Control"] = "no-store"
    workbook.save(response)
    return response


def _cell(value: Any) -> Any:
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None:
        return ""
    return value if isinstance(value, int | float | str) else str(value)
