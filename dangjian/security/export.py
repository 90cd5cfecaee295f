"""The security log as an .xlsx workbook (the filtered rows, newest first)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook

from dangjian.org.excel.workbook import header_row, to_bytes
from dangjian.security.models import SecurityEvent

EXPORT_MAX_ROWS = 100_000
# A logged username is whatever someone typed: never let the spreadsheet read it as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value
HEADERS = ("时间", "事件", "结果", "用户名", "对象", "来源地址", "请求", "说明")
WIDTHS = (20, 16, 8, 16, 24, 18, 36, 48)


def log_xlsx(qs: QuerySet[SecurityEvent]) -> tuple[bytes, int]:
    workbook = Workbook()
    ws = workbook.active
    ws.title = "安全日志"
    header_row(ws, HEADERS, WIDTHS)
    rows = 0
    for event in qs[:EXPORT_MAX_ROWS].iterator(chunk_size=2000):
        ws.append([
            timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
            event.get_kind_display(), event.get_outcome_display(), _text(event.username),
            _text(event.subject), event.address or "",
            _text(f"{event.method} {event.path}".strip()), _text(event.detail),
        ])
        rows += 1
    return to_bytes(workbook), rows
