"""Writing workbooks: the styled data sheet (shared by template and export), the import
template with its 说明 sheet, the error report, and the download response."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from dangjian.documents.xlsx import append_values, text_cell
from dangjian.org.excel.columns import DATE_FORMAT, MAX_BYTES, MAX_ROWS, ColType, Column, SheetSpec

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BOLD = Font(bold=True)
_REQUIRED = Font(bold=True, color="C00000")
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
_TEXT_TYPES = {ColType.TEXT, ColType.ID_NUMBER, ColType.BODY}


def header_row(ws: Any, headers: Sequence[str], widths: Sequence[int],
               required: Sequence[bool] | None = None) -> None:
    """Bold header in row 1, set widths, freeze it."""
    append_values(ws, headers)
    for i, width in enumerate(widths, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = _REQUIRED if required and required[i - 1] else _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"


def data_sheet(ws: Any, spec: SheetSpec, columns: Sequence[Column], *, notes: bool) -> None:
    """The sheet people fill in or read: header, formats, dropdowns for choice columns."""
    ws.title = spec.title
    header_row(ws, [c.header for c in columns], [c.width for c in columns],
               [c.required for c in columns])
    last = MAX_ROWS + 1
    for i, column in enumerate(columns, start=1):
        letter = get_column_letter(i)
        dims = ws.column_dimensions[letter]
        if column.coltype == ColType.DATE:
            dims.number_format = "yyyy-mm-dd"
        elif column.coltype in _TEXT_TYPES:
            dims.number_format = "@"  # keeps 18-digit ID numbers from turning into numbers
        if notes:
            ws.cell(row=1, column=i).comment = Comment(describe(column), "县直机关党建工作系统")
        labels = column.labels()
        if labels and not column.export_only:
            validation = DataValidation(
                type="list", formula1='"' + ",".join(labels) + '"',
                allow_blank=not column.required, showErrorMessage=True,
                errorTitle="无效的值", error=f"“{column.header}”请从下拉列表中选择",
            )
            ws.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last}")


def describe(column: Column) -> str:
    parts = ["必填" if column.required else "选填", _format_of(column)]
    if column.labels():
        parts.append("可选值：" + "、".join(column.labels()))
    if column.note:
        parts.append(column.note)
    return "；".join(parts)


def _format_of(column: Column) -> str:
    return {
        ColType.TEXT: f"文本，最多{column.max_length}字" if column.max_length else "文本",
        ColType.DATE: f"日期，格式{DATE_FORMAT}，如2020-01-01",
        ColType.CHOICE: "从下拉列表中选择",
        ColType.BOOL: "填“是”或“否”",
        ColType.INT: "整数",
        ColType.ID_NUMBER: "18位身份证号（文本）",
        ColType.BODY: "组织的名称或机构代码",
    }[column.coltype]


def to_bytes(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_bytes(spec: SheetSpec) -> bytes:
    """The import template: an empty data sheet, then a 说明 sheet with every column's rules
    and a worked example (kept out of the data sheet so it is never imported by mistake)."""
    workbook = Workbook()
    columns = spec.import_columns
    data_sheet(workbook.active, spec, columns, notes=True)
    notes = workbook.create_sheet("说明")
    header_row(notes, ["列名", "是否必填", "格式", "可选值", "说明"], [16, 10, 30, 60, 60])
    for column in columns:
        append_values(notes, [column.header, "必填" if column.required else "选填",
                              _format_of(column), "、".join(column.labels()), column.note])
    append_values(notes, [])
    for line in _general_rules(spec):
        append_values(notes, [line])
    append_values(notes, [])
    title_row = notes.max_row + 1
    append_values(notes, [f"填写示例（仅供参考；请在“{spec.title}”工作表第2行起填写，"
                          "不要保留示例）"])
    notes.cell(row=title_row, column=1).font = _BOLD
    append_values(notes, [c.header for c in columns])
    for cell in notes[notes.max_row]:
        cell.font = _BOLD
    keep = [i for i, c in enumerate(spec.columns) if not c.export_only]
    for example in spec.examples:
        append_values(notes, [example[i] for i in keep])
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return to_bytes(workbook)


def _general_rules(spec: SheetSpec) -> list[str]:
    return [
        "填写规则：",
        f"1. 在“{spec.title}”工作表中填写，第1行为表头（列名），请勿修改；"
        "第2行起每行一条。",
        "2. 红色列名为必填列；选择类的列请从下拉列表中选择，只能填写上表列出的可选值。",
        f"3. 日期一律写成{DATE_FORMAT}（如2020-01-01），或设为Excel日期格式。",
        "4. 身份证号须为18位且校验位正确，请把该列设为文本格式，以免末几位变成0。",
        "5. 组织可用名称或机构代码指定；有同名组织时请填写机构代码。",
        "6. 导入时先检查全部行：只要有一行有问题，整个文件都不导入，并逐行列出问题；"
        "改正后重新上传即可。",
        f"7. 每个文件最多{MAX_ROWS}行、不超过{MAX_BYTES // 1024 // 1024} MB；"
        "只能导入您管理范围内的数据。",
    ]


def rows_bytes(spec: SheetSpec, rows: Iterable[Sequence[Any]]) -> bytes:
    """An export: the data sheet with every column (export-only ones last) and the rows."""
    buffer = io.BytesIO()
    rows_write(spec, rows, buffer)
    return buffer.getvalue()


def rows_write(spec: SheetSpec, rows: Iterable[Sequence[Any]], out: Any) -> int:
    """The export written to `out` (a path or a binary file) as the rows come, in openpyxl's
    write-only mode: memory stays flat however many rows. The sheet is the import template's
    data sheet (styled header, formats, dropdowns), without its notes. Returns the rows."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(spec.title)
    columns = spec.columns
    for i, column in enumerate(columns, start=1):
        dims = ws.column_dimensions[get_column_letter(i)]
        dims.width = column.width
        if column.coltype in _TEXT_TYPES:
            dims.number_format = "@"  # what is typed in later stays text, as in the template
    ws.freeze_panes = "A2"
    last = MAX_ROWS + 1
    for i, column in enumerate(columns, start=1):
        labels = column.labels()
        if labels and not column.export_only:
            letter = get_column_letter(i)
            validation = DataValidation(
                type="list", formula1='"' + ",".join(labels) + '"',
                allow_blank=not column.required, showErrorMessage=True,
                errorTitle="无效的值", error=f"“{column.header}”请从下拉列表中选择",
            )
            validation.add(f"{letter}2:{letter}{last}")
            ws.data_validations.append(validation)
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font = _REQUIRED if column.required else _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        header.append(cell)
    ws.append(header)
    n = 0
    for row in rows:
        ws.append([_data_cell(ws, value) for value in row])
        n += 1
    workbook.save(out)
    return n


def _data_cell(ws: Any, value: Any) -> Any:
    """A value as written: formula-like text kept as text, a date in the template's format
    (a write-only sheet would write it as a bare number); anything else as it is."""
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, str):
        return text_cell(ws, value) if value else None
    return value


def problems_bytes(problems: Iterable[tuple[int | None, str, str]]) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = "导入问题"
    header_row(ws, ["行", "列", "问题"], [8, 16, 80])
    for row, column, message in problems:
        append_values(ws, [row if row is not None else "文件", column, message])
    return to_bytes(workbook)


def xlsx_response(data: bytes, filename: str, ascii_name: str) -> HttpResponse:
    """A download with the Chinese file name (RFC 5987) and an ASCII fallback."""
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
