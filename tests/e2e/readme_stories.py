"""README's stories, followed word for word by a newcomer against a running `make run` (issues 15, 18).

Everything goes through the one address `make run` printed (the front door), with tokens got by
signing in there as README says (the demo accounts' passwords `make run` printed); everything else is
taken from what `make run` printed (the demo estate's id, the curl line of the fee notice, the demo
owner's mobile) and from the API's answers. What the newcomer sees at each step is checked, and
where the messages arrive (the stand-ins' JSON endpoints README names).

- **Before anyone acts**, the stand-ins have received nothing: loading months of demo tickets and
  notices messages nobody about the past.
- **A complaint at the desk** ("Calling the API", "The tickets service"): search the people, list the
  tickets, find a unit and its occupant with the desk lookups, open README's complaint; the
  supervisor is told at once by SMS; an illegal step is a 409 naming the allowed ones; the complaint
  is acknowledged and dispatched to someone who handles complaints, with the reason; the stage
  report shows the timeline.
- **The fee notice** ("The notify service"): send it with the printed line; every household's SMS
  arrives; the ones whose number fails are pending in the app, then listed as not reached with the
  reason; "resend by e-mail" sends them e-mails; the recipients export downloads; "did owner X get
  notice Y?" answers for one of them.
- **A number shown whole** ("Calling the API"): the admin grants the desk account ``pii:reveal``; its
  next token reveals a person's mobile.
- **The owner signs in by code** ("The gateway"): the code's SMS at the stand-in, the owner's token,
  their own tickets; someone else's is a 404.
- **The quarterly survey** ("The surveys service"): once `make run` printed the running wave, the
  waves (this quarter's open), its statistics with the trend of the two earlier waves; at night the
  estate's quiet hours turned off as README says; reminders sent (admin), a reminder's SMS at the
  stand-in with the personal link; the answer read, saved and submitted by the link's token without a
  login, counted in the statistics; the follow-up its low `fees` score opened, visited, with a
  rectification action listed open, done and verified; the next quarter's wave, scheduled.

Figures (seconds from the call to the last SMS) are printed, never asserted.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

FAIL_SUFFIX = "397"  # the numbers the SMS stand-in fails (README)


@dataclass
class Newcomer:
    """Someone reading `make run`'s output and README, with curl: everything through the one address
    `make run` printed (the front door), with a token from signing in there."""

    log: Path
    door: str
    sms: str
    smtp_page: str
    tokens: dict[str, str] = field(default_factory=dict)

    def printed(self, pattern: str) -> str:
        found = re.search(pattern, self.log.read_text(), re.M)
        assert found, f"make run did not print {pattern!r}"
        return found.group(1)

    def sign_in(self, login: str) -> str:
        """README's `export TOKEN=$(curl -s -X POST <door>/gateway/api/v1/sign-in ...)` with the login
        and the password `make run` printed for it."""
        password = self.printed(rf"login {re.escape(login)}\s+password (\S+)")
        status, signed = self.call("POST", f"{self.door}/gateway/api/v1/sign-in",
                                   body={"login": login, "password": password}, token=None)
        assert status == 200, signed
        return signed["access_token"]

    @property
    def token(self) -> str:
        """$TOKEN: the desk's, signed in once."""
        if "desk" not in self.tokens:
            self.tokens["desk"] = self.sign_in("desk")
        return self.tokens["desk"]

    def call(self, method: str, url: str, body: Any = None, params: dict[str, str] | None = None,
             raw: bool = False, token: str | None | bool = True) -> tuple[int, Any]:
        """``token``: True for the desk's, None for none, else that token."""
        if params:
            url += "?" + urllib.parse.urlencode(params)
        data = None if body is None else json.dumps(body).encode()
        bearer = self.token if token is True else token
        request = urllib.request.Request(url, data=data, method=method, headers={
            **({"Authorization": f"Bearer {bearer}"} if bearer else {}),
            **({"Content-Type": "application/json"} if data else {})})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                content = answer.read()
                return answer.status, content if raw else json.loads(content or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def sms_received(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.sms}/_standin/messages", timeout=10) as answer:
            return json.loads(answer.read())["messages"]

    def emails_received(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.smtp_page}/messages", timeout=10) as answer:
            found = json.loads(answer.read())
        return found["messages"] if isinstance(found, dict) else found


def items(answer: Any) -> list[dict[str, Any]]:
    """A list answer's rows, paginated (``items``) or not."""
    return answer["items"] if isinstance(answer, dict) else answer


def _mobile(person: dict[str, Any]) -> str:
    """A person's first mobile as owners answers it (a search hit's ``mobiles``, a person's contact
    points; masked unless revealed), or ""."""
    found = list(person.get("mobiles") or []) + [c["value"] for c in person.get("contact_points") or []
                                                  if c["kind"] == "mobile"]
    return found[0] if found else ""


def wait(predicate: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {seconds}s waiting for {what}")


def nothing_sent_before_anyone_acts(you: Newcomer) -> None:
    assert you.sms_received() == [], [(m["number"], m["template_code"], m["params"]) for m in you.sms_received()][:10]
    assert you.emails_received() == []


def complaint_at_the_desk(you: Newcomer) -> None:
    estate_id = you.printed(r"demo estate id\s+(\S+)")
    status, people = you.call("GET", f"{you.door}/owners/api/v1/people", params={"q": "张"})
    assert status == 200 and people["items"], people
    assert all("****" in _mobile(p) for p in people["items"] if _mobile(p))  # numbers come masked
    assert any(_mobile(p) for p in people["items"])
    status, listed = you.call("GET", f"{you.door}/tickets/api/v1/tickets", params={"estate_id": estate_id})
    assert status == 200 and listed["items"], listed
    status, units = you.call("GET", f"{you.door}/tickets/api/v1/units", params={"estate_id": estate_id})
    assert status == 200 and items(units), units
    unit_id, person_id = None, None
    for unit in items(units):
        status, occupants = you.call("GET", f"{you.door}/tickets/api/v1/units/{unit['id']}/people")
        assert status == 200, occupants
        if occupants["people"]:
            unit_id, person_id = unit["id"], occupants["people"][0]["person_id"]
            break
    assert unit_id, "no unit of the demo estate has an occupant in tickets' lookups"

    texts_before = len(you.sms_received())
    started = time.monotonic()
    status, ticket = you.call("POST", f"{you.door}/tickets/api/v1/tickets", body={
        "estate_id": estate_id, "unit_id": unit_id, "person_id": person_id,
        "kind": "complaint", "channel": "desk", "complaint_class": "management",
        "quality_aspect": "attitude", "title": "保安态度差 / the guard was rude"})
    assert status == 201, ticket
    number = ticket["number"]
    # Every complaint is reported to the supervisor at once: an SMS naming the ticket.
    told = wait(lambda: [m for m in you.sms_received()[texts_before:] if number in json.dumps(m, ensure_ascii=False)],
                60, f"the supervisor's SMS about {number}")
    print(f"\n[README story] complaint {number}: the supervisor's SMS {time.monotonic() - started:.2f} s after opening")
    assert told

    base = f"{you.door}/tickets/api/v1/tickets/{ticket['id']}"
    status, refused = you.call("POST", f"{base}/resolve", body={"resolution": "已处理"})
    assert status == 409 and "acknowledge" in json.dumps(refused), refused  # names the steps allowed
    status, acknowledged = you.call("POST", f"{base}/acknowledge", body={})
    assert status == 200 and acknowledged["stage"] == "acknowledged", acknowledged
    status, dispatched = you.call("POST", f"{base}/dispatch", body={})
    assert status == 200 and dispatched["stage"] == "dispatched", dispatched
    reason = dispatched["dispatch"]["reason"]
    assert reason["skill"] == "customer_service" and reason["has_skill"], reason  # a complaint to customer service
    status, report = you.call("GET", f"{base}/report")
    assert status == 200, report
    assert {"opened", "escalation"} <= {s["action"] for s in report["timeline"]}, report["timeline"]
    assert report["stage"] == "dispatched", report


def fee_notice(you: Newcomer) -> None:
    body = json.loads(you.printed(r"/api/v1/notices -d '(.+)'$"))
    if re.search(r"quiet hours [\d:]+-[\d:]+, so its SMS wait until morning", you.log.read_text()):
        body["urgent"] = True  # README: at night, add "urgent": true to see them now
    started, called = time.monotonic(), time.time()
    status, notice = you.call("POST", f"{you.door}/notify/api/v1/notices", body=body)
    created = time.monotonic() - started
    assert status == 201, notice
    base = f"{you.door}/notify/api/v1/notices/{notice['id']}"

    def totals() -> dict[str, Any]:
        return you.call("GET", f"{base}/totals")[1]

    done = wait(lambda: (t := totals())["status"] == "sent" and t, 180, "the fee notice to complete")
    amount = body["variables"]["amount"]
    numbers = {m["number"] for m in you.sms_received() if (m.get("params") or {}).get("amount") == amount}
    last_sms = max(datetime.fromisoformat(m["at"]).timestamp() for m in you.sms_received())
    print(f"[README story] fee notice to {done['recipients']['total']} households: created in {created:.2f} s, "
          f"the last of {len(numbers)} numbers texted {last_sms - called:.2f} s after the call, completed "
          f"{time.monotonic() - started:.1f} s after it; totals {done['recipients']}, {done['reached_by_channel']}")
    assert done["recipients"]["total"] > 1000
    assert done["reached_by_channel"]["sms"] > 1000 and len(numbers) > 1000  # some households share a number

    status, unreached = you.call("GET", f"{base}/recipients", params={"outcome": "not_reached"})
    assert status == 200 and unreached["items"], unreached
    # The households whose SMS failed: their in-app message lies unread, so they are to be called.
    assert {r["outcome"] for r in unreached["items"]} <= {"pending", "unreached"}
    assert all((r["mobile"] or "").endswith(FAIL_SUFFIX) for r in unreached["items"]), unreached["items"]
    assert done["recipients"]["not_reached"] == len(unreached["items"]) == done["unread_in_app"]

    status, resent = you.call("POST", f"{base}/resend", body={"channel": "email"})
    assert status == 201 and resent["queued"] == len(unreached["items"]), resent
    wait(lambda: len(you.emails_received()) >= len(unreached["items"]), 60, "the resent e-mails at the SMTP stand-in")

    status, sheet = you.call("GET", f"{base}/recipients/export", params={"format": "xlsx"}, raw=True)
    assert status == 200 and sheet[:2] == b"PK", sheet[:100]  # an XLSX file
    one = unreached["items"][0]
    status, answer = you.call("GET", f"{base}/recipients/by-person/{one['person_id']}")
    assert status == 200 and answer["in_audience"] is True, answer


def a_number_shown_whole(you: Newcomer) -> None:
    """"Calling the API": an admin grants the desk account pii:reveal; the desk's next token shows a
    person's number whole, the token it held does not."""
    status, people = you.call("GET", f"{you.door}/owners/api/v1/people", params={"q": "张"})
    person = next(p for p in people["items"] if _mobile(p))
    admin = you.sign_in("admin")
    status, accounts = you.call("GET", f"{you.door}/gateway/api/v1/accounts", token=admin)
    assert status == 200, accounts
    desk_id = [a["id"] for a in accounts["items"] if a["login"] == "desk"][0]
    status, _ = you.call("PUT", f"{you.door}/gateway/api/v1/accounts/{desk_id}/permissions/pii:reveal", token=admin)
    assert status == 204
    shown = f"{you.door}/owners/api/v1/people/{person['id']}"
    status, refused = you.call("GET", shown, params={"reveal": "true"})  # $TOKEN was signed before the grant
    assert status == 403 and "pii:reveal" in json.dumps(refused), refused
    status, whole = you.call("GET", shown, params={"reveal": "true"}, token=you.sign_in("desk"))  # $REVEAL_TOKEN
    assert status == 200 and "****" not in _mobile(whole) and _mobile(whole)[-4:] == _mobile(person)[-4:], whole


def the_owner_signs_in_by_code(you: Newcomer) -> None:
    """"Owners and occupants sign in": the demo owner's mobile `make run` printed, a code by SMS (at
    the stand-in), a token, and their own tickets through the door."""
    mobile = you.printed(r"The demo owner signs in with mobile (\d+)")
    status, asked = you.call("POST", f"{you.door}/gateway/api/v1/owner-sign-in/codes", body={"mobile": mobile},
                             token=None)
    assert status == 202, asked

    def code() -> str | None:
        for message in you.sms_received():
            found = re.search(r"\b(\d{6})\b", json.dumps(message.get("params") or {}))
            if message["number"].endswith(mobile) and found:
                return found.group(1)
        return None

    status, signed = you.call("POST", f"{you.door}/gateway/api/v1/owner-sign-in",
                              body={"mobile": mobile, "code": wait(code, 60, "the code's SMS")}, token=None)
    assert status == 200 and signed["person_id"], signed
    owner = signed["access_token"]
    status, own = you.call("GET", f"{you.door}/tickets/api/v1/tickets", token=owner)
    assert status == 200, own
    theirs = {t["unit_id"] for t in items(own)}
    # Someone else's ticket, of a unit they do not live in: not theirs to read (404, not 403).
    status, listed = you.call("GET", f"{you.door}/tickets/api/v1/tickets",
                              params={"estate_id": you.printed(r"demo estate id\s+(\S+)"), "page_size": "100"})
    other = next(t for t in listed["items"] if t["person_id"] not in (None, signed["person_id"])
                 and t["unit_id"] and t["unit_id"] not in theirs)
    status, _ = you.call("GET", f"{you.door}/tickets/api/v1/tickets/{other['id']}", token=owner)
    assert status == 404


def next_quarter(today: date) -> str:
    """README's `NEXT_QUARTER=$(python3 -c ...)`: the quarter after today's."""
    q = (today.month - 1) // 3 + 1
    return f"{today.year + q // 4}-Q{q % 4 + 1}"


def _quiet(settings: dict[str, Any], at: datetime) -> bool:
    """Whether ``at`` falls in the estate's quiet hours (``quiet_start``-``quiet_end``, local, may wrap)."""
    start, end = settings["quiet_start"], settings["quiet_end"]
    local = at.astimezone(ZoneInfo(settings["timezone"])).strftime("%H:%M")
    return start <= local < end if start <= end else (local >= start or local < end)


def the_quarterly_survey(you: Newcomer) -> None:
    """"The surveys service", word for word through the door."""
    estate_id = you.printed(r"demo estate id\s+(\S+)")
    period = wait(lambda: re.search(r"wave (\d{4}-Q\d) \(running\)", you.log.read_text()), 300,
                  "make run to print surveys' running wave").group(1)
    surveys = f"{you.door}/surveys/api/v1"
    status, waves = you.call("GET", f"{surveys}/waves", params={"estate_id": estate_id})
    assert status == 200, waves
    [wave] = [w for w in items(waves) if w["period"] == period]
    assert wave["state"] == "open", wave
    status, stats = you.call("GET", f"{surveys}/waves/{wave['id']}/statistics")
    assert status == 200 and stats["answered"] > 0, stats
    assert len(stats["trend"]) == 2 and all(t["period"] < period and t["elements"] for t in stats["trend"]), stats

    # Reminders are routine SMS: at night the demo estate's quiet hours hold them until morning, so
    # README turns the quiet hours off first (read the settings, put them back with start = end).
    admin = you.sign_in("admin")
    sending = f"{you.door}/notify/api/v1/estates/{estate_id}/sending-settings"
    status, settings = you.call("GET", sending, token=admin)
    assert status == 200, settings
    now = datetime.now(UTC)
    night = re.search(r"quiet hours [\d:]+-[\d:]+, so its SMS wait until morning", you.log.read_text())
    if night or _quiet(settings, now) or _quiet(settings, now + timedelta(minutes=10)):
        status, changed = you.call("PUT", sending, token=admin, body={
            "timezone": settings["timezone"], "quiet_start": "00:00", "quiet_end": "00:00",
            "sms_sign_name": settings["sms_sign_name"]})
        assert status == 200 and changed["quiet_start"] == changed["quiet_end"], changed
        print(f"[README story] the survey's reminders at night: quiet hours {settings['quiet_start']}-"
              f"{settings['quiet_end']} turned off")

    texts_before = len(you.sms_received())
    status, reminded = you.call("POST", f"{surveys}/waves/{wave['id']}/reminders", token=admin)
    assert status == 200 and reminded["reminded"] > 0, reminded

    def a_reminder() -> dict[str, Any] | None:
        return next((m for m in you.sms_received()[texts_before:] if m["template_code"] == "SMS_ED_SURVEY_REMINDER"
                     and "/survey/" in (m.get("params") or {}).get("link", "")), None)

    link = wait(a_reminder, 120, "a survey reminder's SMS with its personal link")["params"]["link"]
    token = link.rsplit("/", 1)[1]
    answer = f"{surveys}/answers/{token}"
    status, page = you.call("GET", answer, token=None)
    assert status == 200 and page["period"] == period and page["questions"], page
    status, saved = you.call("PUT", answer, token=None,
                             body={"items": {"attitude": {"score": 5, "comment": "前台很热情"}}})
    assert status == 200 and saved["state"] == "draft", saved
    scores = {"equipment": 4, "skills": 4, "services": 3, "flexibility": 4, "procedures": 4, "fees": 2, "rules": 4,
              "efficiency": 3, "overall": 4}
    status, submitted = you.call("POST", f"{answer}/submission", token=None,
                                 body={"items": {code: {"score": score} for code, score in scores.items()}})
    assert status == 201 and submitted["state"] == "submitted", submitted
    status, again = you.call("POST", f"{answer}/submission", token=None, body={"items": {}})
    assert status == 409, again  # one answer per link

    status, opened = you.call("GET", f"{surveys}/follow-ups", params={"estate_id": estate_id, "state": "open"})
    assert status == 200, opened
    follow_up = items(opened)[0]  # the latest first: the one the answer opened
    assert follow_up["answer_id"] == submitted["id"], follow_up
    assert any(r.get("code") == "fees" and r["kind"] == "low_score" for r in follow_up["reasons"]), follow_up
    assert follow_up["assignee_id"], follow_up
    status, counted = you.call("GET", f"{surveys}/waves/{wave['id']}/statistics")
    assert status == 200 and counted["answered"] == stats["answered"] + 1, counted
    status, visited = you.call("POST", f"{surveys}/follow-ups/{follow_up['id']}/visit",
                               body={"owner_said": "物业费收支不透明"})
    assert status == 200 and visited["state"] == "visited", visited
    status, action = you.call("POST", f"{surveys}/actions", body={
        "follow_up_id": follow_up["id"], "description": "公示物业费收支明细",
        "responsible_id": follow_up["assignee_id"],
        "due_on": (date.today() + timedelta(days=30)).isoformat()})
    assert status == 201 and action["state"] == "open", action
    status, listed = you.call("GET", f"{surveys}/actions", params={"estate_id": estate_id, "state": "open"})
    assert status == 200 and action["id"] in {a["id"] for a in items(listed)}, listed
    status, done = you.call("POST", f"{surveys}/actions/{action['id']}/done", body={"note": "已在公告栏公示"})
    assert status == 200 and done["state"] == "done", done
    status, verified = you.call("POST", f"{surveys}/actions/{action['id']}/verification", token=admin,
                                body={"note": "回访业主确认"})
    assert status == 200 and verified["state"] == "verified", verified

    status, ahead = you.call("POST", f"{surveys}/waves", token=admin,
                             body={"estate_id": estate_id, "period": next_quarter(date.today())})
    assert status == 201 and ahead["state"] == "scheduled", ahead
    print(f"[README story] the quarterly survey: {reminded['reminded']} reminded, answered by link, follow-up "
          f"{follow_up['id']} visited with an action verified; {ahead['period']} scheduled")
