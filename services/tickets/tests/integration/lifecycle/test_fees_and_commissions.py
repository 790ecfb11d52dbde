"""A repair's fee and the commissions it earns (TKT-11): catalogue items with quantities, the owner's
consent, billing's payments counted once (by key and by reference), commissions by the rule that
fits each line, and a technician's statement of November checked against one counted by hand."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, insert, select

from tickets.events import FEE_CONSENTED, FEE_PAID
from tickets.tables import catalogue_items, commission_rules, commissions, fee_payments


@pytest.fixture
def catalogue(db, place):
    """tap_replace 60.00 (plumbing), pipe_clear 150.00 (plumbing), aircon_clean 45.50 (appliance); rules:
    every item 5% (operator), plumbing 10% (estate), tap_replace 8.00 per unit (estate)."""
    estate = uuid.UUID(place["estate"])
    with db.begin() as conn:
        for code, category, price, cost in (("tap_replace", "plumbing", "60.00", "45.00"),
                                            ("pipe_clear", "plumbing", "150.00", "100.00"),
                                            ("aircon_clean", "appliance", "45.50", "30.00")):
            conn.execute(insert(catalogue_items).values(
                id=uuid.uuid4(), estate_id=estate, code=code, kind="paid", category=category, name_zh=code,
                name_en=code, price=price, cost=cost, materials=[], contents=[]))
        for estate_id, item_code, category, percent, per_unit in ((None, None, None, "5", None),
                                                                  (estate, None, "plumbing", "10", None),
                                                                  (estate, "tap_replace", None, None, "8")):
            conn.execute(insert(commission_rules).values(id=uuid.uuid4(), estate_id=estate_id, item_code=item_code,
                                                         category=category, percent=percent, per_unit=per_unit))
    return estate


@pytest.fixture
def repair(client, desk, place):
    """``repair(technician)``: a plumbing repair of the place's unit, dispatched to ``technician``."""

    def make(technician: str | None = None) -> dict:
        ticket = client.post("/api/v1/tickets", headers=desk, json={
            "estate_id": place["estate"], "unit_id": place["unit"], "person_id": place["person"], "kind": "repair",
            "category": "plumbing", "title": "厨房漏水"}).json
        client.post(f"/api/v1/tickets/{ticket['id']}/acknowledge", headers=desk, json={})
        client.post(f"/api/v1/tickets/{ticket['id']}/dispatch", headers=desk,
                    json={"staff_id": technician or place["technician"]})
        return ticket

    return make


def fee_url(ticket, path=""):
    return f"/api/v1/tickets/{ticket['id']}/fee{path}"


def charged(client, desk, ticket, *lines):
    for code, quantity in lines:
        answer = client.post(fee_url(ticket, "/lines"), headers=desk, json={"code": code, "quantity": quantity})
        assert answer.status_code == 200, answer.json
    return client.post(fee_url(ticket, "/consent"), headers=desk, json={"consent": "given", "how": "phone"}).json


def pay(client, headers, ticket, amount, reference, paid_at, key=None):
    return client.post(fee_url(ticket, "/payments"), headers={**headers, **({"Idempotency-Key": key} if key else {})},
                       json={"amount": amount, "reference": reference, "method": "wechat",
                             "paid_at": paid_at.isoformat()})


def test_lines_consent_and_a_payment_counted_once(client, db, auth, desk, catalogue, repair, recorded) -> None:
    ticket, when = repair(), datetime.now(UTC)
    assert client.get(fee_url(ticket), headers=desk).json["version"] == 0
    client.post(fee_url(ticket, "/lines"), headers=desk, json={"code": "tap_replace", "quantity": "2"})
    fee = client.post(fee_url(ticket, "/lines"), headers=desk, json={"code": "pipe_clear"}).json
    assert (fee["total"], fee["consent"], fee["payment_state"], len(fee["lines"])) == ("270.00", "pending", "unpaid", 2)
    billing = auth("integration_client", [str(catalogue)], subject="billing")
    early = pay(client, billing, ticket, "270.00", "WX-1", when)
    assert early.status_code == 409 and early.json["errors"]["consent"] == "pending"
    agreed = client.post(fee_url(ticket, "/consent"), headers=desk, json={"consent": "given", "how": "phone"}).json
    assert agreed["consent"] == "given"
    more = client.post(fee_url(ticket, "/lines"), headers=desk, json={"code": "aircon_clean"}).json
    assert (more["total"], more["consent"]) == ("315.50", "pending")  # the owner is asked again
    gone = client.delete(fee_url(ticket, f"/lines/{more['lines'][-1]['id']}"), headers=desk).json
    assert gone["total"] == "270.00"
    client.post(fee_url(ticket, "/consent"), headers=desk, json={"consent": "given", "how": "signed"})
    assert pay(client, billing, ticket, "270.01", "WX-1", when).status_code == 422
    first = pay(client, billing, ticket, "100.00", "WX-1", when, key="k-1")
    assert (first.status_code, first.json["payment_state"], first.json["outstanding"]) == (201, "partly_paid", "170.00")
    assert pay(client, billing, ticket, "100.00", "WX-1", when, key="k-1").status_code == 200
    assert pay(client, billing, ticket, "100.00", "WX-1", when, key="k-2").status_code == 200
    assert pay(client, billing, ticket, "99.00", "WX-1", when).status_code == 409
    assert pay(client, billing, ticket, "70.00", "WX-9", when, key="k-1").status_code == 422
    assert client.post(fee_url(ticket, "/lines"), headers=desk, json={"code": "pipe_clear"}).status_code == 409
    done = pay(client, billing, ticket, "170.00", "WX-2", when).json
    assert (done["payment_state"], done["paid"], len(done["payments"])) == ("paid", "270.00", 2)
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(fee_payments)).scalar_one() == 2
        earned = {row.commission for row in conn.execute(select(commissions.c.commission))}
    assert earned == {16, 15}  # tap_replace 2 x 8.00; pipe_clear 10% of 150.00
    paid = [e["data"] for e in recorded() if e["type"] == FEE_PAID]
    assert [p["fee"]["payment_state"] for p in paid] == ["partly_paid", "paid"]
    assert sorted(c["commission"] for c in paid[-1]["commissions"]) == ["15.00", "16.00"]
    assert [e["data"]["fee"]["total"] for e in recorded() if e["type"] == FEE_CONSENTED] == ["270.00", "270.00"]


def test_only_a_repair_carries_a_fee(client, desk, opened, catalogue) -> None:
    answer = client.post(fee_url(opened, "/lines"), headers=desk, json={"code": "tap_replace"})
    assert answer.status_code == 409 and answer.json["detail"] == "only a repair or service ticket carries a fee"


@pytest.fixture
def paid_november(client, auth, desk, place, catalogue, repair):
    """Technician a's T1 (tap_replace x 2, pipe_clear) paid 10 November, T2 (aircon_clean x 3) paid in
    full on 30 November at 23:30 Shanghai time, T3 (pipe_clear) paid on 1 December at 00:30, T5 agreed
    and never paid; technician b's T4 (tap_replace) paid 12 November."""
    billing = auth("integration_client", [str(catalogue)], subject="billing")
    a, b = place["technician"], place["technician2"]
    t1 = repair(a)
    fee = charged(client, desk, t1, ("tap_replace", "2"), ("pipe_clear", "1"))  # 120.00 + 150.00
    pay(client, billing, t1, fee["total"], "T1", datetime(2026, 11, 10, 3, tzinfo=UTC))
    t2 = repair(a)
    fee = charged(client, desk, t2, ("aircon_clean", "3"))  # 136.50
    pay(client, billing, t2, "100.00", "T2a", datetime(2026, 11, 20, 3, tzinfo=UTC))
    pay(client, billing, t2, "36.50", "T2b", datetime(2026, 11, 30, 15, 30, tzinfo=UTC))  # 23:30 in Shanghai
    t3 = repair(a)
    fee = charged(client, desk, t3, ("pipe_clear", "1"))
    pay(client, billing, t3, fee["total"], "T3", datetime(2026, 11, 30, 16, 30, tzinfo=UTC))  # 1 December, 00:30
    t4 = repair(b)
    fee = charged(client, desk, t4, ("tap_replace", "1"))
    pay(client, billing, t4, fee["total"], "T4", datetime(2026, 11, 12, 3, tzinfo=UTC))
    t5 = repair(a)
    charged(client, desk, t5, ("tap_replace", "1"))  # agreed, never paid: nothing earned
    return {"a": a, "b": b, "t1": t1, "t2": t2}


def test_a_technicians_november_counted_by_hand(client, auth, desk, place, paid_november) -> None:
    a, b, t1, t2 = paid_november["a"], paid_november["b"], paid_november["t1"], paid_november["t2"]
    own = auth("technician", [place["estate"]], subject=a)
    url = f"/api/v1/commissions/staff/{a}/statement"
    statement = client.get(url, headers=own, query_string={"period": "2026-11"}).json
    # by hand: T1 tap_replace 2 x 8.00 = 16.00, pipe_clear 10% of 150.00 = 15.00; T2 aircon_clean 5% of
    # 136.50 = 6.825, 6.83 half up (paid in full on 30 November, Shanghai time); T3 is December's; T4 is b's
    assert [(line["number"], line["code"], line["amount"], line["commission"]) for line in statement["lines"]] == [
        (t1["number"], "pipe_clear", "150.00", "15.00"), (t1["number"], "tap_replace", "120.00", "16.00"),
        (t2["number"], "aircon_clean", "136.50", "6.83")]
    assert (statement["tickets"], statement["amount"], statement["commission"]) == (2, "406.50", "37.83")
    assert statement["lines"][1]["rule"] == "item tap_replace: 8.00/unit"
    december = client.get(url, headers=own, query_string={"period": "2026-12"}).json
    assert december["commission"] == "15.00"
    exported = client.get(url, headers=desk, query_string={"period": "2026-11", "format": "csv"})
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][-1] == "佣金 Commission" and rows[-1][0] == "合计 Total" and rows[-1][-1] == "37.83"
    workbook = client.get(url, headers=desk, query_string={"period": "2026-11", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(workbook.data)).active
    totals = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "合计 Total")
    assert totals[7] == "37.83"  # the commission column
    other = auth("technician", [place["estate"]], subject=b)
    assert client.get(url, headers=other, query_string={"period": "2026-11"}).status_code == 403


def test_the_revenue_margin_and_commission_summary_of_november_counted_by_hand(client, auth, desk, place,
                                                                               other_place, paid_november) -> None:
    manager, estate = auth("estate_manager", [place["estate"]]), place["estate"]
    report = client.get("/api/v1/reports/paid-services", headers=manager,
                        query_string={"from": "2026-11-01", "to": "2026-11-30", "estate_id": estate})
    assert report.status_code == 200, report.json
    # by hand (price - cost per unit: tap_replace 60.00 - 45.00, pipe_clear 150.00 - 100.00, aircon_clean
    # 45.50 - 30.00), the fees paid in full in November, Shanghai time: T1, T2 (on the 30th, 23:30), T4
    figures = ("tickets", "quantity", "revenue", "cost", "margin", "margin_share", "commission", "net")
    assert [(r["month"], r["code"], *(r[k] for k in figures)) for r in report.json["rows"]] == [
        ("2026-11", "aircon_clean", 1, "3.00", "136.50", "90.00", "46.50", "0.3407", "6.83", "39.67"),
        ("2026-11", "pipe_clear", 1, "1.00", "150.00", "100.00", "50.00", "0.3333", "15.00", "35.00"),
        ("2026-11", "tap_replace", 2, "3.00", "180.00", "135.00", "45.00", "0.2500", "24.00", "21.00")]
    assert {r["estate"] for r in report.json["rows"]} == {"SUN 花园"}
    totals = report.json["totals"]
    assert [totals[k] for k in figures if k != "quantity"] == [3, "466.50", "325.00", "141.50", "0.3033", "45.83",
                                                               "95.67"]
    # T3, paid at 00:30 on 1 December in Shanghai (30 November in UTC), is December's
    both = client.get("/api/v1/reports/paid-services", headers=manager,
                      query_string={"from": "2026-11-01", "to": "2026-12-31"}).json["rows"]
    assert [(r["month"], r["code"], r["revenue"], r["net"]) for r in both][-1] == (
        "2026-12", "pipe_clear", "150.00", "35.00")
    sheet = client.get("/api/v1/reports/paid-services", headers=manager, query_string={
        "from": "2026-11-01", "to": "2026-11-30", "format": "xlsx"})
    totals_row = next(row for row in load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True)
                      if row[0] == "合计 Total")
    assert (totals_row[6], totals_row[11]) == ("466.50", "95.67")
    as_csv = client.get("/api/v1/reports/paid-services", headers=manager, query_string={
        "from": "2026-11-01", "to": "2026-11-30", "format": "csv"}).get_data(as_text=True)
    assert list(csv.reader(io.StringIO(as_csv.lstrip("\ufeff"))))[-1][-1] == "95.67"
    # the estate's commissions of November: a 37.83 on 406.50 (the statement above), b 8.00 on 60.00
    summary = client.get("/api/v1/commissions/summary", headers=manager,
                         query_string={"estate_id": estate, "period": "2026-11"})
    assert summary.status_code == 200, summary.json
    assert [(p["staff_id"], p["tickets"], p["lines"], p["amount"], p["commission"]) for p in summary.json["staff"]] == [
        (paid_november["a"], 2, 3, "406.50", "37.83"), (paid_november["b"], 1, 1, "60.00", "8.00")]
    assert [summary.json[k] for k in ("tickets", "lines", "amount", "commission")] == [3, 4, "466.50", "45.83"]
    exported = client.get("/api/v1/commissions/summary", headers=manager,
                          query_string={"estate_id": estate, "period": "2026-11", "format": "csv"})
    assert list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))[-1] == [
        "合计 Total", "3", "4", "466.50", "45.83"]
    # a technician reads neither; another estate's manager sees nothing of this estate
    technician = auth("technician", [estate], subject=paid_november["a"])
    assert client.get("/api/v1/commissions/summary", headers=technician,
                      query_string={"estate_id": estate, "period": "2026-11"}).status_code == 403
    assert client.get("/api/v1/reports/paid-services", headers=technician).status_code == 403
    outsider = auth("estate_manager", [other_place["estate"]])
    assert client.get("/api/v1/commissions/summary", headers=outsider,
                      query_string={"estate_id": estate, "period": "2026-11"}).status_code == 404
    assert client.get("/api/v1/reports/paid-services", headers=outsider,
                      query_string={"estate_id": estate}).status_code == 404
    assert client.get("/api/v1/reports/paid-services", headers=outsider, query_string={
        "from": "2026-11-01", "to": "2026-12-31"}).json["rows"] == []


def test_another_estates_fee_rules_and_statements_are_404(client, auth, desk, place, other_place, catalogue,
                                                          repair) -> None:
    ticket = repair()
    fee = client.post(fee_url(ticket, "/lines"), headers=desk, json={"code": "tap_replace"}).json
    outsider = auth("estate_manager", [other_place["estate"]])
    assert client.get(fee_url(ticket), headers=outsider).status_code == 404
    assert client.post(fee_url(ticket, "/lines"), headers=outsider, json={"code": "tap_replace"}).status_code == 404
    assert client.delete(fee_url(ticket, f"/lines/{fee['lines'][0]['id']}"), headers=outsider).status_code == 404
    assert client.post(fee_url(ticket, "/consent"), headers=outsider,
                       json={"consent": "given", "how": "phone"}).status_code == 404
    assert pay(client, outsider, ticket, "60.00", "X", datetime.now(UTC)).status_code == 404
    statement = f"/api/v1/commissions/staff/{place['technician']}/statement"
    assert client.get(statement, headers=outsider, query_string={"period": "2026-11"}).status_code == 404
    manager = auth("estate_manager", [place["estate"]])
    rules = client.get("/api/v1/commissions/rules", headers=manager, query_string={"estate_id": place["estate"]}).json
    own_rule = next(r for r in rules if r["estate_id"] == place["estate"])
    assert client.patch(f"/api/v1/commissions/rules/{own_rule['id']}", headers=outsider,
                        json={"percent": "50"}).status_code == 404
    assert len(client.get("/api/v1/commissions/rules", headers=outsider).json) == 1  # the operator's only
    changed = client.patch(f"/api/v1/commissions/rules/{own_rule['id']}", headers=manager, json={"percent": "12.5"})
    assert changed.json["percent"] == "12.50" and changed.json["version"] == 2
