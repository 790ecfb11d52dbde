"""The one rule for every CSV or XLSX file a service writes for people to open: no formula runs.

A spreadsheet program reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(and, per OWASP, a leading tab or carriage return can smuggle one in), so a resident's name typed
as ``=HYPERLINK(...)`` would run on the desk's computer when an export is opened. Every text cell
that starts so is written with a leading apostrophe, which spreadsheets show as plain text and do
not evaluate. Numbers stay numbers: ``-3`` as an ``int`` is a floor, not a formula.

Data is kept faithful where it is stored and sent on (the household import stores ``=`` or ``+86``
as typed, and events carry them): the rule belongs where a file is written, so it is here, once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A cell's value as it may be written: text that a spreadsheet would evaluate gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """Every cell of a row through :func:`safe_cell` (for XLSX writers as for CSV)."""
    return [safe_cell(value) for value in values]


def write_csv(out: io.TextIOBase | Any, header: Sequence[str], rows: Iterable[Iterable[Any]]) -> int:
    """Write a CSV export to a text stream, every cell made safe; returns the data rows written."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(safe_row(header))
    count = 0
    for row in rows:
        writer.writerow(safe_row("" if value is None else value for value in row))
        count += 1
    return count


def csv_bytes(header: Sequence[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """A whole CSV export as UTF-8 with a byte-order mark, which Excel needs to read Chinese."""
    out = io.StringIO()
    write_csv(out, header, rows)
    return out.getvalue().encode("utf-8-sig")
