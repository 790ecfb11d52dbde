"""A report answered as the caller asks: JSON, or a CSV or XLSX file (``?format=``, else the Accept
header). Every report of tickets (ticket figures, the monthly analysis, commission statements) is
answered through :func:`as_asked`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, request

from tickets.attachments.kinds import content_disposition
from tickets.reports import exports
from tickets.reports.schemas import FORMATS


def as_asked(args: dict[str, Any], name: str, answer: Any,
             table: Callable[[], tuple[list[exports.Column], list[dict[str, Any]]]],
             sheets: Callable[[], list[exports.Sheet]]) -> Any:
    """The answer as JSON, or the file asked for by ``?format=`` (else by the Accept header)."""
    best = request.accept_mimetypes.best_match(list(FORMATS.values()), default="application/json")
    wanted = args.get("format") or next(key for key, mime in FORMATS.items() if mime == best)
    if wanted == "csv":
        return _file(exports.table_csv(*table()), exports.CSV, f"{name}.csv")
    if wanted == "xlsx":
        return _file(exports.workbook_xlsx(sheets()), exports.XLSX, f"{name}.xlsx")
    return answer


def _file(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": content_disposition(filename), "X-Content-Type-Options": "nosniff"})
