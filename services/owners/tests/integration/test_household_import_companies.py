"""The household import accepts companies (OWN-11): a row's `company` (公司) occupies the row's unit and
the row's person is its contact (in row order, with `company_title` 职务); every bad row is reported by
its line, and a company the estate has already is a bad row (it is changed through its API)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from owners.tables import metadata, outbox

HEADER = "楼栋,房号,身份,姓名,手机,公司,职务\n"


def _post(client, headers, estate, body: str, **params):
    return client.post(f"/api/v1/estates/{estate}/household-imports", data=body.encode(), content_type="text/csv",
                       query_string=params, headers=headers)


def _counts(db) -> dict[str, int]:
    with db.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in metadata.sorted_tables}


def test_rows_naming_a_company_make_it_occupy_their_units_with_their_people_as_contacts(client, auth, db):
    estate = client.post("/api/v1/estates", json={"code": "OFF", "name": "示例大厦"}, headers=auth()).json["id"]
    body = (HEADER
            + "A,1801,tenant,赵经理,15400001801,深圳示例科技有限公司,行政经理\n"
            + "A,1802,tenant,钱前台,15400001802,深圳示例科技有限公司,前台\n"
            + "A,1802,tenant,赵经理,15400001801,深圳示例科技有限公司,行政经理\n"
            + "A,1901,tenant,孙总,15400001901,示例贸易有限公司,\n"
            + "A,2001,owner,李业主,15400002001,,\n")
    answer = _post(client, auth(), estate, body)
    assert answer.status_code == 201, answer.json
    assert answer.json["companies_added"] == 2
    found = client.get("/api/v1/companies", query_string={"estate_id": estate, "q": "深圳示例"}, headers=auth()).json
    [tech] = found["items"]
    assert [u["number"] for u in tech["units"]] == ["1801", "1802"]
    assert [(c["name"], c["title"]) for c in tech["contacts"]] == [("赵经理", "行政经理"), ("钱前台", "前台")]
    with db.connect() as conn:
        types = Counter(conn.execute(select(outbox.table.c.event_type)).scalars())
    assert types["owners.company.added.v1"] == 2


def test_every_bad_company_row_is_reported_by_its_line_and_nothing_is_imported(client, auth, db):
    estate = client.post("/api/v1/estates", json={"code": "OFF", "name": "示例大厦"}, headers=auth()).json["id"]
    client.post("/api/v1/companies", json={"estate_id": estate, "name": "已有公司"}, headers=auth())
    before = _counts(db)
    body = (HEADER
            + "A,1801,tenant,赵经理,15400001801,深圳示例科技有限公司,行政经理\n"
            + "A,1802,tenant,钱前台,15400001802,,前台\n"                      # line 3: a title without a company
            + "A,1803,tenant,孙总,15400001803,已有公司,\n"                     # line 4: the estate has it
            + f"A,1804,tenant,周总,15400001804,{'长' * 201},\n")              # line 5: too long
    answer = _post(client, {**auth(), "Accept-Language": "zh-CN"}, estate, body)
    assert answer.status_code == 422, answer.json
    assert [(r["line"], sorted(r["errors"])) for r in answer.json["errors"]["rows"]] == [
        (3, ["company_title"]), (5, ["company"])]  # the file's own checks first: nothing was read into the estate
    assert _counts(db) == before
    fixed = body.replace(",,前台\n", ",深圳示例科技有限公司,前台\n").replace("长" * 201, "周氏有限公司")
    answer = _post(client, auth(), estate, fixed)
    assert answer.status_code == 422
    assert [(r["line"], sorted(r["errors"])) for r in answer.json["errors"]["rows"]] == [(4, ["company"])]
    assert _counts(db) == before
    skipped = _post(client, auth(), estate, fixed, skip_bad_rows="true")
    assert skipped.status_code == 201 and skipped.json["companies_added"] == 2
    assert [r["line"] for r in skipped.json["bad_rows"]] == [4]
