"""Reading an uploaded .xlsx: the file-level checks, the header row, and cell values typed by
their column. Problems come back as Chinese messages tied to a row and column."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from openpyxl import load_workbook

from dangjian.org.excel.columns import (
    BOOL_LABELS,
    DATE_FORMAT,
    MAX_BYTES,
    MAX_ROWS,
    ColType,
    Column,
    SheetSpec,
)
from dangjian.org.excel.safety import DAMAGED, MAX_COLUMNS, MAX_SCAN_ROWS, inflation_problem
from dangjian.org.idcard import id_number_problem

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


class FileProblem(Exception):
    """The file as a whole cannot be imported; nothing was read into the database."""

    def __init__(self, *messages: str) -> None:
        super().__init__("；".join(messages))
        self.messages = list(messages)


@dataclass
class Row:
    number: int  # as Excel shows it
    values: dict[str, Any] = field(default_factory=dict)  # column key -> typed value
    problems: dict[str, str] = field(default_factory=dict)  # column key -> message
    # Outside the importer's scope: reported alone, so nothing else about the row is told.
    scope_problems: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.scope_problems


def _normalise_header(value: Any) -> str:
    text = "" if value is None else str(value)
    return re.sub(r"\s+", "", text).rstrip("*＊")


def _check_file(upload: IO[bytes], size: int) -> bytes:
    """The upload's bytes, if they may be parsed at all (size, kind, what it inflates to);
    FileProblem if not."""
    if size == 0:
        raise FileProblem("文件是空的，请选择填好的导入模板")
    if size > MAX_BYTES:
        raise FileProblem(f"文件过大（{size / 1024 / 1024:.1f} MB），单个文件不能超过"
                          f"{MAX_BYTES // 1024 // 1024} MB，请分批导入")
    data = upload.read(MAX_BYTES + 1)
    if data.startswith(_OLE_MAGIC):
        raise FileProblem("这是旧版Excel（.xls）文件，请在Excel中“另存为”.xlsx格式后再导入")
    if not data.startswith(_ZIP_MAGIC):
        raise FileProblem("文件不是Excel（.xlsx）格式，请使用下载的导入模板填写后上传")
    problem = inflation_problem(data)
    if problem:
        raise FileProblem(problem)
    return data


def bomb_problem(upload: IO[bytes], size: int) -> str:
    """Cheap (nothing is parsed), so the page runs it before it stores the file and queues the
    import: '' unless the file is a zip that would inflate too far. The other file problems
    are told on the job's page, with the rows'."""
    if not 0 < size <= MAX_BYTES:
        return ""
    data = upload.read(MAX_BYTES + 1)
    problem = inflation_problem(data) if data.startswith(_ZIP_MAGIC) else ""
    return "" if problem == DAMAGED else problem


def _open(upload: IO[bytes], size: int) -> Any:
    data = _check_file(upload, size)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign zip
        raise FileProblem("无法读取该文件：文件已损坏或不是Excel（.xlsx）工作簿") from exc


def read_rows(spec: SheetSpec, upload: IO[bytes], size: int,
              progress: Callable[[int], None] | None = None) -> list[Row]:
    """Read the data sheet: check the header, type every cell, keep the sheet's row numbers.
    `progress(rows)` is told every thousand rows read."""
    workbook = _open(upload, size)
    try:
        names = workbook.sheetnames
        sheet = workbook[spec.title] if spec.title in names else workbook.worksheets[0]
        declared = sheet.max_row or 0  # the sheet's own <dimension>, if it has one
        if declared > MAX_SCAN_ROWS:
            raise FileProblem(_too_many_rows(declared))
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        header = next(rows, None)
        if header is None or all(v in (None, "") for v in header):
            raise FileProblem("文件是空的：第1行应为表头（列名），请使用导入模板")
        positions = _check_header(spec, header)
        out: list[Row] = []
        for number, values in enumerate(rows, start=2):
            if number > MAX_SCAN_ROWS:
                raise FileProblem(_too_many_rows(number))
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if len(out) >= MAX_ROWS:
                raise FileProblem(f"数据超过{MAX_ROWS}行，请分批导入")
            out.append(_typed_row(number, positions, values))
            if progress is not None and len(out) % 1000 == 0:
                progress(len(out))
    finally:
        workbook.close()
    if not out:
        raise FileProblem("文件中没有数据行（第2行起填写数据）")
    return out


def _too_many_rows(rows: int) -> str:
    return (f"工作表行数过多（{rows}行以上，含空行），每个文件最多{MAX_ROWS}行数据；"
            "请删除多余的空行后再导入，或分批导入")


def _check_header(spec: SheetSpec, header: tuple[Any, ...]) -> list[tuple[int, Column]]:
    by_header = {c.header: c for c in spec.columns}
    positions: list[tuple[int, Column]] = []
    seen: set[str] = set()
    unknown: list[str] = []
    duplicated: list[str] = []
    for index, raw in enumerate(header):
        name = _normalise_header(raw)
        if not name:
            continue
        column = by_header.get(name)
        if column is None:
            unknown.append(name)
        elif name in seen:
            duplicated.append(name)
        else:
            seen.add(name)
            positions.append((index, column))
    missing = [c.header for c in spec.columns if c.required and c.header not in seen]
    problems = []
    if missing:
        problems.append("缺少必填列：" + "、".join(missing))
    if unknown:
        problems.append("无法识别的列：" + "、".join(unknown))
    if duplicated:
        problems.append("列重复：" + "、".join(duplicated))
    if problems:
        expected = "、".join(c.header for c in spec.import_columns)
        problems.append(f"“{spec.title}”导入文件第1行应为：{expected}（请使用导入模板）")
        raise FileProblem(*problems)
    return positions


def _typed_row(number: int, positions: list[tuple[int, Column]], values: tuple[Any, ...]) -> Row:
    row = Row(number)
    for index, column in positions:
        raw = values[index] if index < len(values) else None
        try:
            row.values[column.key] = parse_cell(column, raw)
        except ValueError as exc:
            row.problems[column.key] = str(exc)
    return row


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    return str(raw).strip()


def parse_cell(column: Column, raw: Any) -> Any:
    """The cell's value as the service wants it; ValueError with a Chinese message if not."""
    if _blank(raw):
        if column.required:
            raise ValueError("必填，不能为空")
        return _empty(column)
    if column.export_only:
        raise ValueError(f"“{column.header}”仅供导出查看，导入时须为空（不能导入已终止的记录）")
    if column.coltype == ColType.DATE:
        return parse_date(raw)
    if column.coltype == ColType.ID_NUMBER:
        return _id_number(raw)
    if column.coltype == ColType.BOOL:
        if isinstance(raw, bool):
            return raw
        text = _text(raw)
        if text not in BOOL_LABELS:
            raise ValueError("应填写“是”或“否”")
        return BOOL_LABELS[text]
    if column.coltype == ColType.INT:
        if isinstance(raw, bool):
            raise ValueError("应为整数")
        text = _text(raw)
        if not re.fullmatch(r"-?\d{1,9}", text):
            raise ValueError("应为整数")
        return int(text)
    text = _text(raw)
    if column.coltype == ColType.CHOICE:
        value = column.by_label().get(text)
        if value is None:
            allowed = "、".join(column.labels())
            raise ValueError(f"“{text}”不是可选值，应为以下之一：{allowed}")
        return value
    if column.max_length and len(text) > column.max_length:
        raise ValueError(f"不能超过{column.max_length}个字（现有{len(text)}个）")
    return text


def _empty(column: Column) -> Any:
    if column.coltype == ColType.BOOL:
        return False
    if column.coltype in (ColType.DATE, ColType.INT, ColType.BODY):
        return None
    return ""


def parse_date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = _text(raw)
    match = _DATE_RE.match(text)
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            raise ValueError(f"“{text}”不是有效日期") from None
    raise ValueError(f"“{text}”不是日期，日期格式应为{DATE_FORMAT}，如2020-01-01")


def _id_number(raw: Any) -> str:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raise ValueError("身份证号被存成了数字（末几位会丢失），请把该列设为文本格式后重新填写")
    text = _text(raw).upper()
    if "*" in text:
        raise ValueError("身份证号已脱敏（含*），请填写完整号码")
    problem = id_number_problem(text)
    if problem:
        raise ValueError(problem)
    return text
