"""The quarterly bulletin (SRV-6): published once per wave with its author, read as a printable HTML
page (text/html, every value escaped) or an XLSX with the author's sheet and the statistics."""

from __future__ import annotations

import io
import json

from openpyxl import load_workbook
from sqlalchemy import select

from servicekit.testing import count_rows
from surveys.domain.questionnaires import ELEMENT_CODES
from surveys.tables import bulletins, outbox


def test_a_waves_bulletin_is_published_once_and_read_as_a_page_or_a_workbook(client, auth, db, seeded) -> None:
    estate = seeded(buildings=2, units_each=10)
    manager = auth("estate_manager", [str(estate.id)])
    wave = client.post("/api/v1/waves", json={"estate_id": str(estate.id), "period": "2026-Q4",
                                              "opens_on": "2026-10-08"}, headers=manager).json
    with db.connect() as conn:
        sent = [json.loads(r.body)["data"] for r in conn.execute(select(outbox.table))
                if json.loads(r.body)["type"] == "surveys.invitation.sent.v1"]
    items = {**{code: {"score": 4} for code in ELEMENT_CODES}, "overall": {"score": 4}, "fees": {"score": 2}}
    assert client.post(f"/api/v1/answers/{sent[0]['link'].rsplit('/', 1)[1]}/submission",
                       json={"items": items}).status_code == 201

    missing = client.get(f"/api/v1/waves/{wave['id']}/bulletin", headers={**manager, "Accept-Language": "zh-CN"})
    assert missing.status_code == 404 and missing.json["detail"] == "本次调查尚未发布公告"
    made = client.post(f"/api/v1/waves/{wave['id']}/bulletin", headers=manager,
                       json={"author": "阳光花园客服中心 <王经理>",
                             "summary": "本季度收费合理性得分偏低。\n下季度公示收支明细。"})
    assert made.status_code == 201 and made.json["author"] == "阳光花园客服中心 <王经理>"
    again = client.post(f"/api/v1/waves/{wave['id']}/bulletin", headers=manager, json={"author": "x", "summary": "y"})
    assert again.status_code == 409 and count_rows(db, bulletins) == 1
    desk = auth("service_desk_agent", [str(estate.id)])
    assert client.post(f"/api/v1/waves/{wave['id']}/bulletin", headers=desk,
                       json={"author": "x", "summary": "y"}).status_code == 403

    page = client.get(f"/api/v1/waves/{wave['id']}/bulletin", headers=desk)
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "2026-Q4 业户满意度调查公告" in html and "&lt;王经理&gt;" in html and "<王经理>" not in html
    assert "下季度公示收支明细。" in html and "<td>合理 fees</td>" in html and "1 / 4" in html

    book = client.get(f"/api/v1/waves/{wave['id']}/bulletin?format=xlsx", headers=desk)
    assert book.status_code == 200 and book.mimetype.endswith("spreadsheetml.sheet")
    sheets = load_workbook(io.BytesIO(book.data))
    assert sheets.sheetnames[0] == "公告 Bulletin" and len(sheets.sheetnames) == 4
    cover = [[c.value for c in row] for row in sheets["公告 Bulletin"].iter_rows()]
    assert ["作者 Author", "阳光花园客服中心 <王经理>"] in cover and ["说明 Summary", "下季度公示收支明细。"] in cover
