"""The seed case end to end, on PostgreSQL with notify's real processes: an estate of 1,200
households gets the fee-collection notice (物业费缴纳通知) from one API call, each with the amount
billing says it owes; a handful of demo numbers are made to fail at the SMS stand-in.

* SMS only, then resent: every one of the 1,200 numbers gets the SMS at the stand-in exactly once;
  the failed ones are listed by the tracking API as not reached, the totals agree, "did owner X
  get notice Y" answers for a reached and a failed owner, the notice completes with the right
  totals; ``POST notices/{id}/resend`` by e-mail reaches each failed owner exactly once at the SMTP
  stand-in, and the notice completes again with every household reached.
* SMS then e-mail: the failure receipts make the fallback e-mail on their own, once each.

The stand-in pushes its receipts over HTTP to the web app (gunicorn, as deployed); ``notify send``
runs as its process (``seed_world.py`` starts them all on free ports). Waits are bounded by
``wait_for`` only; nothing is timed.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from notify.events import NOTICE_COMPLETED, RECIPIENT_UNREACHED
from notify.service import SERVICE
from notify.tables import outbox
from servicekit.db import make_engine
from servicekit.migrate import upgrade
from servicekit.testing import wait_for

pytestmark = pytest.mark.slow


def _load_world() -> Any:
    path = Path(__file__).with_name("seed_world.py")
    spec = importlib.util.spec_from_file_location("notify_seed_world", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


seed_world = _load_world()
HOUSEHOLDS = 1200
FAILING = (7, 250, 512, 833, 1111)  # the demo numbers the stand-in reports undeliverable (MN:0001 空号)


class Case:
    def __init__(self, suite: Any, estate: Any, engine: Any) -> None:
        self.suite, self.estate, self.engine = suite, estate, engine
        self.headers = suite.headers("service_desk_agent", [estate.estate_id])
        self.failing = [estate.households[n] for n in FAILING]
        self.failing_mobiles = {h.mobile for h in self.failing}

    def get(self, path: str, **params: Any) -> Any:
        answer = self.suite.http.get(f"{self.suite.api}/api/v1/{path}", params=params, headers=self.headers)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def post(self, path: str, body: Any, status: int = 201) -> Any:
        answer = self.suite.http.post(f"{self.suite.api}/api/v1/{path}", json=body, headers=self.headers)
        assert answer.status_code == status, answer.text
        return answer.json()

    def notice_body(self, channels: list[str], audience: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return {"estate_id": str(self.estate.estate_id), "template_id": str(self.estate.templates["fee"]),
                "title": "物业费缴纳通知", "purpose": "fee", "channels": channels, "audience": audience, **extra}

    def completed(self, notice_id: str) -> list[dict[str, Any]]:
        return [e for e in self.events(NOTICE_COMPLETED) if e["notice_id"] == notice_id]

    def events(self, type_: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            bodies = conn.execute(select(outbox.table.c.body).where(outbox.table.c.event_type == type_)
                                  .order_by(outbox.table.c.seq)).scalars()
            return [json.loads(body)["data"] for body in bodies]

    def wait_completed(self, notice_id: str, times: int = 1) -> dict[str, Any]:
        def done() -> bool:
            dead = [p.returncode for p in self.suite.senders if p.poll() is not None]
            assert not dead, f"notify send exited ({dead}) before the notice completed"
            return len(self.completed(notice_id)) >= times

        wait_for(done, f"the notice to complete ({times})")
        return self.completed(notice_id)[times - 1]

    def not_reached(self, notice_id: str) -> list[dict[str, Any]]:
        found, page = [], 1
        while True:
            listed = self.get(f"notices/{notice_id}/recipients", outcome="not_reached", page=page, page_size=100)
            found += listed["items"]
            if not listed["has_more"]:
                return found
            page += 1

    def sms_by_number(self, out_ids: set[str] | None = None) -> Counter[str]:
        return Counter(m["number"] for m in self.suite.sms_messages() if out_ids is None or m["out_id"] in out_ids)


@pytest.fixture(scope="module")
def case(make_database: Any) -> Iterator[Case]:
    url = make_database()
    upgrade(SERVICE, url)
    engine = make_engine(url)
    estate = seed_world.fill_estate(engine, HOUSEHOLDS)
    fail = [estate.households[n].mobile for n in FAILING]
    try:
        with seed_world.suite(url, fail_numbers=fail) as running:
            yield Case(running, estate, engine)
    finally:
        engine.dispose()


def _sms_of_notice(case: Case, notice_id: str) -> Counter[str]:
    """The SMS the stand-in took for this notice (its calls' OutIds are the notice's provider calls)."""
    with case.engine.connect() as conn:
        from notify.tables import messages

        calls = {str(c) for c in conn.execute(select(messages.c.call_id).where(
            messages.c.notice_id == notice_id, messages.c.channel == "sms").distinct()).scalars() if c}
    return case.sms_by_number(calls)


def test_the_fee_notice_reaches_every_household_once_and_the_failed_ones_are_listed_and_resent_by_email(
        case: Case) -> None:
    estate, households = case.estate, case.estate.households
    emails_before = len(case.suite.emails())
    notice = case.post("notices", case.notice_body(["sms"], {"list": seed_world.billing_list(estate)}))
    assert notice["recipients_count"] == HOUSEHOLDS and notice["status"] == "scheduled"
    notice_id = notice["id"]
    completed = case.wait_completed(notice_id)

    # Every one of the 1,200 numbers got the SMS at the stand-in exactly once, with its own amount.
    arrived = _sms_of_notice(case, notice_id)
    assert set(arrived) == {h.mobile for h in households}
    assert max(arrived.values()) == 1
    by_number = {m["number"]: m for m in case.suite.sms_messages() if m["number"] in arrived}
    assert all(by_number[h.mobile]["params"]["amount"] == seed_world.amount_of(h.n) for h in households)
    assert {by_number[h.mobile]["sign_name"] for h in households} == {"阳光物业"}
    assert {n for n, m in by_number.items() if m["send_status"] == 2} == case.failing_mobiles

    # The failed ones are listed as not reached; the totals agree; the notice completed with them.
    listed = case.not_reached(notice_id)
    assert {r["person_id"] for r in listed} == {str(h.person_id) for h in case.failing}
    assert all(r["outcome"] == "unreached" and [m["failure_code"] for m in r["messages"]] == ["MN:0001"]
               for r in listed)
    totals = case.get(f"notices/{notice_id}/totals")
    assert totals["status"] == "sent"
    assert totals["recipients"] | {"total": HOUSEHOLDS, "reached": HOUSEHOLDS - len(FAILING)} == totals["recipients"]
    assert totals["recipients"]["unreached"] == len(FAILING) and totals["recipients"]["pending"] == 0
    assert totals["by_channel"]["sms"]["delivered"] == HOUSEHOLDS - len(FAILING)
    assert totals["by_channel"]["sms"]["failed"] == len(FAILING)
    assert totals["messages"]["total"] == HOUSEHOLDS
    assert completed["totals"]["recipients"] == totals["recipients"]
    assert completed["totals"]["by_channel"] == totals["by_channel"]
    unreached = {e["person_id"] for e in case.events(RECIPIENT_UNREACHED) if e["notice_id"] == notice_id}
    assert unreached == {str(h.person_id) for h in case.failing}

    # Did owner X get notice Y: a reached owner and a failed one.
    reached_owner, failed_owner = households[0], case.failing[0]
    yes = case.get(f"notices/{notice_id}/recipients/by-person/{reached_owner.person_id}")
    assert yes["in_audience"] and yes["reached"] and yes["reached_over"] == "sms" and yes["outcome"] == "reached"
    no = case.get(f"notices/{notice_id}/recipients/by-person/{failed_owner.person_id}")
    assert no["in_audience"] and not no["reached"] and no["outcome"] == "unreached"
    assert [m["state"] for m in no["recipients"][0]["messages"]] == ["failed"]

    # Resent by e-mail: each failed owner gets it once at the SMTP stand-in; the notice completes again.
    resent = case.post(f"notices/{notice_id}/resend", {"channel": "email"})
    assert resent["queued"] == len(FAILING) and resent["skipped"] == []
    again = case.wait_completed(notice_id, times=2)
    mails = case.suite.emails()[emails_before:]
    assert Counter(to for m in mails for to in m["to"]) == Counter({h.email: 1 for h in case.failing})
    assert all(m["subject"] == "物业费缴纳通知" for m in mails)
    totals = case.get(f"notices/{notice_id}/totals")
    assert totals["recipients"]["reached"] == HOUSEHOLDS and totals["recipients"]["not_reached"] == 0
    assert totals["by_channel"]["email"]["delivered"] == len(FAILING)
    assert again["totals"]["recipients"]["reached"] == HOUSEHOLDS
    assert case.not_reached(notice_id) == []
    now_yes = case.get(f"notices/{notice_id}/recipients/by-person/{failed_owner.person_id}")
    assert now_yes["reached"] and now_yes["reached_over"] == "email"
    assert _sms_of_notice(case, notice_id) == arrived  # the resend sent no SMS again


def test_a_failed_sms_falls_back_to_email_on_its_own_once_each(case: Case) -> None:
    households = case.estate.households
    emails_before = len(case.suite.emails())
    notice = case.post("notices", case.notice_body(
        ["sms", "email"], {"estate": True, "role": "owners"}, variables={"amount": "320.00", "due_date": "4月15日"}))
    notice_id = notice["id"]
    completed = case.wait_completed(notice_id)

    arrived = _sms_of_notice(case, notice_id)
    assert set(arrived) == {h.mobile for h in households} and max(arrived.values()) == 1
    mails = case.suite.emails()[emails_before:]
    assert Counter(to for m in mails for to in m["to"]) == Counter({h.email: 1 for h in case.failing})
    totals = case.get(f"notices/{notice_id}/totals")
    assert totals["recipients"]["reached"] == HOUSEHOLDS and totals["recipients"]["not_reached"] == 0
    assert totals["by_channel"]["sms"]["failed"] == len(FAILING)
    assert totals["by_channel"]["email"]["delivered"] == len(FAILING)
    assert completed["totals"]["by_channel"] == totals["by_channel"]
    assert case.not_reached(notice_id) == []
    failed_owner = case.failing[-1]
    answer = case.get(f"notices/{notice_id}/recipients/by-person/{failed_owner.person_id}")
    assert answer["reached"] and answer["reached_over"] == "email"
    assert [(m["channel"], m["state"]) for m in answer["recipients"][0]["messages"]] == [
        ("sms", "failed"), ("email", "delivered")]
    assert not [e for e in case.events(RECIPIENT_UNREACHED) if e["notice_id"] == notice_id]
