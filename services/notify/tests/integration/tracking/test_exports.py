"""The recipients of a notice as CSV and XLSX: they open, hold the right rows, headed in the
language asked, with phone numbers masked unless the caller may see them."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

URL = "/api/v1/notices"


def test_the_not_reached_list_as_csv_in_chinese_masked(client, auth, fee_notice) -> None:
    f = fee_notice
    answer = client.get(f"{URL}/{f['notice']}/recipients/export", query_string={"outcome": "not_reached"},
                        headers=auth("service_desk_agent", [f["a"]]))
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["单元", "姓名", "手机", "邮箱", "结果"]
    assert [(r[1], r[2], r[4]) for r in rows[1:]] == [
        ("张", "138****0003", "未送达"), ("赵", "138****0004", "未送达"), ("钱", "138****0005", "发送中")]
    assert rows[1][8] == "isv.MOBILE_NUMBER_ILLEGAL"


def test_xlsx_in_english_by_accept_language_and_revealed(client, auth, fee_notice) -> None:
    f = fee_notice
    headers = {**auth("estate_manager", [f["a"]], ["pii:reveal"]), "Accept-Language": "en-US,en;q=0.9"}
    answer = client.get(f"{URL}/{f['notice']}/recipients/export", query_string={"format": "xlsx"}, headers=headers)
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.data)).active
    assert sheet.title == "Recipients"
    rows = [[c.value for c in row] for row in sheet.iter_rows(max_row=7)]
    assert rows[0][:5] == ["Unit", "Name", "Mobile", "E-mail", "Outcome"]
    li = next(r for r in rows[1:] if r[1] == "李")
    assert (li[2], li[4], li[5], li[6]) == ("13800000002", "Reached", "E-mail", "2026-12-01 09:01:05")
    sun = next(r for r in rows[1:] if r[1] == "孙")
    assert (sun[4], sun[10]) == ("Excluded", "No contact point")
    chinese = client.get(f"{URL}/{f['notice']}/recipients/export", headers=headers,
                         query_string={"format": "csv", "lang": "zh-CN"})
    assert chinese.data.decode("utf-8-sig").startswith("单元,姓名")
