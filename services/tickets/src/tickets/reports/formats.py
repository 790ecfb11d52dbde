"""A report answered as asked: JSON, or a CSV or XLSX file (``?format=``, else the Accept header),
the same for every report of the service (tickets figures, the monthly report, call statistics)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from servicekit.spreadsheet import CSV, FORMATS, XLSX
from servicekit.web import asked_format, file_answer
from tickets.reports import exports


def as_asked(args: dict[str, Any], name: str, answer: Any,
             table: Callable[[], tuple[list[exports.Column], list[dict[str, Any]]]],
             sheets: Callable[[], list[exports.Sheet]]) -> Any:
    """The answer as JSON, or the file asked for by ``?format=`` (else by the Accept header)."""
    wanted = asked_format(args.get("format"), FORMATS)
    if wanted == "csv":
        return file_answer(exports.table_csv(*table()), CSV, f"{name}.csv")
    if wanted == "xlsx":
        return file_answer(exports.workbook_xlsx(sheets()), XLSX, f"{name}.xlsx")
    return answer
