"""A report answered as asked: JSON, or a CSV or XLSX file (``?format=``, else the Accept header),
the same for every report of the service (tickets figures, the monthly report, call statistics)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, request

from servicekit.web import content_disposition
from tickets.reports import exports, schemas


def as_asked(args: dict[str, Any], name: str, answer: Any,
             table: Callable[[], tuple[list[exports.Column], list[dict[str, Any]]]],
             sheets: Callable[[], list[exports.Sheet]]) -> Any:
    """The answer as JSON, or the file asked for by ``?format=`` (else by the Accept header)."""
    best = request.accept_mimetypes.best_match(list(schemas.FORMATS.values()), default="application/json")
    wanted = args.get("format") or next(key for key, mime in schemas.FORMATS.items() if mime == best)
    if wanted == "csv":
        return file_answer(exports.table_csv(*table()), exports.CSV, f"{name}.csv")
    if wanted == "xlsx":
        return file_answer(exports.workbook_xlsx(sheets()), exports.XLSX, f"{name}.xlsx")
    return answer


def file_answer(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": content_disposition(filename), "X-Content-Type-Options": "nosniff"})
