"""CSV and XLSX exports never carry a cell a spreadsheet would evaluate (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

import pytest

from servicekit.spreadsheet import csv_bytes, safe_cell, safe_row


@pytest.mark.parametrize("text", ["=1+1", "+86 138 1234 5678", "-2+3", "@SUM(A1:A9)", "\t=cmd", "\r=cmd",
                                  '=HYPERLINK("http://x","y")'])
def test_text_a_spreadsheet_would_evaluate_is_written_as_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["张伟", "2-1202", "li@example.com", "", -3, 89.5, None, "a=b"])
def test_other_values_are_written_as_they_are(value):
    assert safe_cell(value) == value


def test_a_csv_export_keeps_every_value_readable_and_none_evaluated():
    data = csv_bytes(["name", "mobile", "floor"], [["=1+1", "+8613812345678", -3], ["张伟", None, 12]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["name", "mobile", "floor"], ["'=1+1", "'+8613812345678", "-3"], ["张伟", "", "12"]]
    assert all(not cell.startswith(("=", "+", "@", "\t", "\r")) for row in rows for cell in row)


def test_safe_row_serves_xlsx_writers_too():
    assert safe_row(["@x", 1, "ok"]) == ["'@x", 1, "ok"]


def test_an_xlsx_workbook_keeps_values_neutralises_formulas_and_draws_its_chart():
    from openpyxl import load_workbook

    from servicekit.spreadsheet import XlsxChart, XlsxSheet, xlsx_bytes

    data = xlsx_bytes([
        XlsxSheet("By building", ["building", "tickets"], [["=1+1", 3], ["1栋", -2]],
                  XlsxChart("Tickets", categories=0, series=(1,)), notes=["@note"]),
        XlsxSheet("Trend, a title longer than Excel's thirty-one characters", ["month", "n"], [["2026-11", 1]],
                  XlsxChart("Trend", categories=0, series=(1,), kind="line")),
        XlsxSheet("Empty", ["x"], [], XlsxChart("none", categories=0, series=(0,))),
    ])
    book = load_workbook(io.BytesIO(data))
    first = book["By building"]
    assert list(first.iter_rows(values_only=True))[:3] == [("building", "tickets"), ("'=1+1", 3), ("1栋", -2)]
    assert first.cell(row=5, column=1).value == "'@note"
    assert [type(c).__name__ for c in first._charts] == ["BarChart"]
    assert book.sheetnames[1] == "Trend, a title longer than Exce"
    assert [type(c).__name__ for c in book.worksheets[1]._charts] == ["LineChart"]
    assert book["Empty"]._charts == []


def test_a_control_character_xml_cannot_hold_is_written_as_a_replacement_not_an_error() -> None:
    from openpyxl import load_workbook

    from servicekit.spreadsheet import XlsxSheet, xlsx_bytes

    book = load_workbook(io.BytesIO(xlsx_bytes([XlsxSheet("a", ["h\x00"], [["x\x19y", "=1\x01"]], notes=["n\x02"])])))
    rows = list(book["a"].iter_rows(values_only=True))
    assert rows[:2] == [("h\ufffd", None), ("x\ufffdy", "'=1\ufffd")] and rows[3][0] == "n\ufffd"
