"""Excel (.xlsx) import and export of bodies, people and posts (R0.8).

`columns` says what each kind's sheet holds; `reading` parses an upload; `planning` checks rows
against the database and the importer's scope; `importing` writes all rows or none;
`exporting` writes the scoped lists; `workbook` styles sheets and builds the downloads.
"""

from dangjian.org.excel.columns import SPECS, SheetSpec
from dangjian.org.excel.exporting import ExportFilter, export_bytes
from dangjian.org.excel.importing import ImportResult, Problem, import_workbook
from dangjian.org.excel.workbook import problems_bytes, template_bytes, xlsx_response

__all__ = [
    "SPECS",
    "ExportFilter",
    "ImportResult",
    "Problem",
    "SheetSpec",
    "export_bytes",
    "import_workbook",
    "problems_bytes",
    "template_bytes",
    "xlsx_response",
]
