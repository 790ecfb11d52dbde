"""The household import accepts companies (OWN-11): a row's `company` (公司) occupies the row's unit and
the row's person is its contact (in row order, with `company_title` 职务); every bad row is reported by
its line; a company the estate has already takes the rows' units and people it lacks (an import adds,
never takes away), with its next version and event."""

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
    assert answer.status_code == 201, answer.json
    assert (answer.json["companies_added"], answer.json["companies_changed"]) == (2, 1)  # 已有公司 took its unit


def test_importing_again_adds_units_and_contacts_to_a_company_the_estate_has(client, auth, db, outbox_events):
    estate = client.post("/api/v1/estates", json={"code": "OFF", "name": "示例大厦"}, headers=auth()).json["id"]
    first = HEADER + "A,1801,tenant,赵经理,15400001801,深圳示例科技有限公司,行政经理\n"
    assert _post(client, auth(), estate, first).json["companies_added"] == 1
    again = _post(client, auth(), estate, first)
    assert (again.status_code, again.json["companies_added"], again.json["companies_changed"]) == (201, 0, 0)
    more = (first + "A,1802,tenant,钱前台,15400001802,深圳示例科技有限公司,前台\n"
            + "A,1803,tenant,赵经理,15400001801,深圳示例科技有限公司,行政经理\n")
    grown = _post(client, auth(), estate, more)
    assert grown.status_code == 201, grown.json
    assert (grown.json["companies_added"], grown.json["companies_changed"]) == (0, 1)
    [tech] = client.get("/api/v1/companies", query_string={"estate_id": estate}, headers=auth()).json["items"]
    assert [u["number"] for u in tech["units"]] == ["1801", "1802", "1803"]
    assert [c["name"] for c in tech["contacts"]] == ["赵经理", "钱前台"]  # the one it had first, then the new one
    updated = [e["data"] for e in outbox_events() if e["type"] == "owners.company.updated.v1"]
    assert [(len(d["unit_ids"]), len(d["contacts"]), d["version"]) for d in updated] == [(3, 2, 2)]
