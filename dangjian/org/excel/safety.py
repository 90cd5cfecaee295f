"""What an uploaded .xlsx may cost to open, checked before openpyxl parses it.

An .xlsx is a zip of XML: 3 MB of upload can inflate to a gigabyte of blank rows or one
enormous shared string, which openpyxl would read for a quarter of an hour or hold in memory
whole. The zip's directory says how big each part is once inflated (and reading stops there:
Python's zipfile never inflates past the declared size), so the file is refused, in Chinese and
before any parsing, when it holds too many parts, inflates too far in all or too steeply in one
part (Apache POI's rule: a part over 1 MB may inflate at most 100 times), or has a string table
larger than any real import needs, or a sheet with more rows (blank ones included) than
MAX_SCAN_ROWS: its rows are counted by scanning the inflated bytes, without parsing, since
openpyxl would parse a whole sheet that declares no size just to find that out. The reader
then reads at most MAX_SCAN_ROWS rows and MAX_COLUMNS columns of the sheet.
"""

from __future__ import annotations

import io
import zipfile

from dangjian.org.excel.columns import MAX_ROWS

MAX_MEMBERS = 500
MAX_INFLATED = 100 * 1024 * 1024  # 20,000 real rows of people: about 25 MB
MAX_RATIO = 100
RATIO_FROM = 1024 * 1024  # small parts (styles, themes) compress steeply and cost nothing
MAX_SHARED_STRINGS = 40 * 1024 * 1024
MAX_SCAN_ROWS = MAX_ROWS + 10_000  # rows read, blank ones included
MAX_COLUMNS = 64
SHARED_STRINGS = "xl/sharedStrings.xml"
SHEETS = "xl/worksheets/"
_ROW_TAGS = (b"<row ", b"<row>", b":row ", b":row>")  # a namespace prefix is allowed

DAMAGED = "无法读取该文件：文件已损坏或不是Excel（.xlsx）工作簿"
_SPLIT = "，请删除多余的空行、空列或无关内容后再导入"


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def _rows_over(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """More <row> elements than MAX_SCAN_ROWS, counted in 1 MB pieces of the inflated part."""
    rows, tail = 0, b""
    with archive.open(member) as part:
        while piece := part.read(1024 * 1024):
            window = tail + piece
            rows += sum(window.count(tag) for tag in _ROW_TAGS)
            tail = window[-5:]
            rows -= sum(tail.count(tag) for tag in _ROW_TAGS)  # counted again next time
            if rows > MAX_SCAN_ROWS:
                return True
    return rows + sum(tail.count(tag) for tag in _ROW_TAGS) > MAX_SCAN_ROWS


def inflation_problem(data: bytes) -> str:
    """'' if the zip may be opened, else why not (Chinese)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return DAMAGED
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            return f"文件结构异常（包含{len(members)}个部件），不是正常的Excel导入文件"
        total = sum(m.file_size for m in members)
        if total > MAX_INFLATED:
            return (f"文件解压后过大（约{_mb(total)}，上限{_mb(MAX_INFLATED)}）{_SPLIT}"
                    "，或分批导入")
        for member in members:
            if member.file_size > RATIO_FROM and (
                    member.file_size > MAX_RATIO * max(member.compress_size, 1)):
                return (f"文件中“{member.filename}”的压缩比异常（解压后约{_mb(member.file_size)}）"
                        f"，疑似大量空行或超长内容{_SPLIT}")
            if member.filename.startswith(SHEETS) and _rows_over(archive, member):
                return (f"工作表行数过多（超过{MAX_SCAN_ROWS}行，含空行），每个文件最多"
                        f"{MAX_ROWS}行数据{_SPLIT}，或分批导入")
            if member.filename == SHARED_STRINGS and member.file_size > MAX_SHARED_STRINGS:
                return (f"文件中的文字内容过多（约{_mb(member.file_size)}，上限"
                        f"{_mb(MAX_SHARED_STRINGS)}）{_SPLIT}")
    return ""
