"""Reports as files people open: CSV, and XLSX with a chart, both written by servicekit.spreadsheet
(so text a spreadsheet would evaluate as a formula, a name typed as ``=HYPERLINK(...)``, stays text).

A report describes its tables by keys (:class:`Sheet`, :class:`Column`, :class:`Chart`); this
module turns them into rows and column numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from servicekit.spreadsheet import XlsxChart, XlsxSheet, csv_bytes, xlsx_bytes


@dataclass(frozen=True)
class Column:
    """A column of an export: the row's key and the bilingual heading."""

    key: str
    title: str


@dataclass(frozen=True)
class Chart:
    """A chart of a sheet: ``kind`` bar or line, categories from one column, series from others (keys)."""

    title: str
    category: str
    series: tuple[str, ...]
    kind: str = "bar"


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Sequence[Mapping[str, Any]]
    chart: Chart | None = None
    notes: Sequence[str] = field(default_factory=tuple)


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)


def _cells(columns: Sequence[Column], rows: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    return [[_value(row.get(c.key)) for c in columns] for row in rows]


def table_csv(columns: Sequence[Column], rows: Sequence[Mapping[str, Any]]) -> bytes:
    """One table as CSV (UTF-8 with a byte-order mark, for Excel)."""
    return csv_bytes([c.title for c in columns], _cells(columns, rows))


def workbook_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of ``sheets``, each with its chart beside its table."""
    return xlsx_bytes(XlsxSheet(s.title, [c.title for c in s.columns], _cells(s.columns, s.rows), _chart(s), s.notes)
                      for s in sheets)


def _chart(sheet: Sheet) -> XlsxChart | None:
    if sheet.chart is None:
        return None
    keys = [c.key for c in sheet.columns]
    return XlsxChart(sheet.chart.title, keys.index(sheet.chart.category),
                     tuple(keys.index(k) for k in sheet.chart.series), sheet.chart.kind)
