"""Tables as .xlsx: Chinese headers in bold, frozen header row, sensible column widths.

Every cell the system writes holds a value, never a formula: text that a spreadsheet would
take for one (a name typed as "=HYPERLINK(...)", "+1", "@SUM(...)") is stored as a string and
marked with Excel's quote prefix, so it shows as typed and stays text when the cell is edited.
Every writer appends its rows through `append_values`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _width(value: Any) -> int:
    text = str(value or "")
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


#: A spreadsheet reads text beginning with one of these as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def text_cell(ws: Any, value: Any) -> Any:
    """`value` as a cell to append; text that could be read as a formula kept as text."""
    if not (isinstance(value, str) and value.startswith(FORMULA_STARTS)):
        return value
    # openpyxl types "=..." as a formula ('f'): undo that. Placed at A1 until appended (append
    # moves it): a write-only sheet names a cell by its place while taking it.
    cell = Cell(ws, row=1, column=1, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def append_values(ws: Any, values: Iterable[Any]) -> None:
    """Append a row of values, never a formula."""
    ws.append([text_cell(ws, v) for v in values])


def workbook_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """[(sheet title, headers, rows)] -> .xlsx bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, headers, rows in sheets:
        ws = wb.create_sheet(title=title[:31])
        append_values(ws, headers)
        widths = [_width(h) for h in headers]
        for row in rows:
            values = list(row)
            append_values(ws, values)
            widths = [max(w, _width(v)) for w, v in zip(widths, values, strict=False)]
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="F2F2F2")
            cell.alignment = Alignment(horizontal="center", vertical="center")
        for i, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, 8), 60)
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    """A download response whose Chinese file name survives every browser (RFC 5987)."""
    response = HttpResponse(data, content_type=content_type)
    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def dated(name: str, ext: str, day: dt.date | None = None) -> str:
    return f"{name}-{(day or timezone.localdate()):%Y-%m-%d}.{ext}"
