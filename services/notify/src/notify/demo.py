"""notify's demo, for the demo estate (阳光花园, code ``DEMO``) of notify's copy of owners.

``notify load-demo`` (run by ``make run`` once the consumer has copied the demo estate) writes the
estate's sending settings, three templates (the fee-collection notice 物业费缴纳通知, a water-cut
emergency notice, a community activity notice; zh-CN and English, variables written ``${name}``)
and two past notices with their recipients, messages and histories, so the tracking pages have
something to show: last month's fee notice (a few numbers failed and were reached by e-mail, one
household not at all) and last week's water cut of building 1. It loads once: a second run finds
the templates and makes nothing. Either way it prints the curl line that sends this month's fee
notice to the whole estate (servicekit.demo is the command's frame).

The SMS stand-in of ``make run`` fails every number ending in :data:`FAIL_SUFFIX` (deploy/Procfile
passes it as ``--fail-suffix``): the demo estate has a few such mobiles, each with an e-mail address
(owners' demo), so a newcomer's first notice shows who was not reached and the resend by e-mail.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from notify.domain import channels, messages, notices, purposes
from notify.tables import (
    buildings,
    duty_contacts,
    estate_settings,
    estates,
    message_history,
    occupancies,
    people,
    recipients,
    templates,
    units,
)
from notify.tables import messages as messages_table
from notify.tables import notices as notices_table
from servicekit.demo import DEMO_DESK, Demo, DemoRun, NotReady

CODE = "DEMO"
SEED = 20261205
CREATED_BY = DEMO_DESK
DUTY_DESK = "集团客服值班 周敏"
FAIL_SUFFIX = "397"
# Ids made from the estate's id, so the same copy always gets the same templates and notices.
NAMESPACE = uuid.UUID("7f0b6c1e-4a57-4d0e-9a43-2b1d6f3c8e90")

FEE, WATER_CUT, ACTIVITY = "fee_notice", "water_cut", "community_activity"
# code: (purpose, provider's template code, variables, {language: {subject, body}})
TEMPLATES: dict[str, tuple[str, str, list[str], dict[str, dict[str, str]]]] = {
    # Each fits one SMS part (UCS-2, 70 characters with the signature) for the demo's names and units.
    FEE: (purposes.FEE, "SMS_DEMO_FEE", ["name", "unit", "amount", "due_date"], {
        "zh-CN": {"subject": "物业费缴纳通知",
                  "body": "${name}您好：${unit}本期物业费${amount}元，请于${due_date}前缴纳。"},
        "en": {"subject": "Property fee notice", "body": "${name}: ${unit} fee ${amount} yuan, due ${due_date}."}}),
    WATER_CUT: (purposes.EMERGENCY, "SMS_DEMO_WATER_CUT", ["name", "unit", "start", "end"], {
        "zh-CN": {"subject": "紧急停水通知",
                  "body": "${name}您好：因管道抢修，${unit}所在楼栋${start}起停水，预计${end}恢复。"},
        "en": {"subject": "Emergency water cut", "body": "${name}: no water at ${unit}, ${start}-${end}."}}),
    ACTIVITY: (purposes.ACTIVITY, "SMS_DEMO_ACTIVITY", ["name", "activity", "date", "place"], {
        "zh-CN": {"subject": "社区活动通知", "body": "${name}您好：${date}在${place}举办${activity}，欢迎参加。"},
        "en": {"subject": "Community activity", "body": "${name}: ${activity} at ${place} on ${date}. All welcome."}}),
}


def _id(estate_id: uuid.UUID, name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{estate_id}/{name}")


def render(text: str, variables: dict[str, Any]) -> str:
    for name, value in variables.items():
        text = text.replace("${" + name + "}", str(value))
    return text


def fee_notice_request(estate_id: uuid.UUID, template_id: uuid.UUID, when: datetime) -> dict[str, Any]:
    """The body of ``POST /api/v1/notices`` that sends this month's fee notice to the whole estate
    (each household's name and unit filled per recipient), README's first step.

    By SMS, and where it fails by the app's inbox: the households whose SMS the stand-in fails then
    have only an unread in-app message, are listed as not reached, and README's next step resends
    to them by e-mail (they have addresses). With e-mail among the channels the fallback would
    reach them on its own, and the resend would have nobody left to take."""
    return {"estate_id": str(estate_id), "template_id": str(template_id), "purpose": purposes.FEE,
            "title": f"{when:%Y年%m月}物业费缴纳通知", "channels": [channels.SMS, channels.IN_APP],
            "audience": {"estate": True, "role": "owners"},
            "variables": {"amount": "1280.00", "due_date": f"{when:%Y-%m}-25"}}


def _demo_estate(run: DemoRun, session: Session) -> uuid.UUID:
    return run.from_copy(session, select(estates.c.id).where(estates.c.code == CODE), what=f"demo estate ({CODE})")


def _loaded(run: DemoRun) -> str | None:
    with run.sessions() as session:
        fee_id = _id(_demo_estate(run, session), FEE)
        there = session.execute(select(templates.c.id).where(templates.c.id == fee_id)).first()
    return f"notify's demo of {CODE} is loaded already" if there else None


def _load(run: DemoRun) -> str:
    with run.sessions() as session:
        estate_id = _demo_estate(run, session)
        households = _households(session, estate_id)
        if not households:
            raise NotReady(f"the notify copy of {CODE} has no occupants yet: let the consumer catch up")
        made = _fill(session, estate_id, households, run.at)
        session.commit()
    return (f"loaded notify's demo of {CODE}: sending settings, {len(TEMPLATES)} templates, {made} past notices, "
            f"the operator's duty contact {DUTY_DESK}")


def _how_to_send(run: DemoRun) -> str:
    """The curl line that sends this month's fee notice to the whole demo estate, and a word on the
    quiet hours when it is night there."""
    with run.sessions() as session:
        estate_id = _demo_estate(run, session)
        local = session.execute(select(estate_settings).where(estate_settings.c.estate_id == estate_id)).first()
    body = json.dumps(fee_notice_request(estate_id, _id(estate_id, FEE), run.at), ensure_ascii=False)
    lines = ["Send this month's fee notice (物业费缴纳通知) to every household of the demo estate:",
             f"  curl -s -X POST -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' "
             f"{run.door}/notify/api/v1/notices -d '{body}'"]
    if local is not None and in_quiet_hours(run.at, local.timezone, local.quiet_start, local.quiet_end):
        lines.append(f"  (it is night in {local.timezone}: quiet hours {local.quiet_start}-{local.quiet_end}, so its "
                     'SMS wait until morning; add "urgent": true to see them arrive now)')
    return "\n".join(lines)


def in_quiet_hours(at: datetime, timezone: str, start: str, end: str) -> bool:
    """Whether ``at`` falls in the local quiet hours ``start``-``end`` ("HH:MM", may wrap midnight)."""
    local = at.astimezone(ZoneInfo(timezone)).strftime("%H:%M")
    return start <= local < end if start <= end else (local >= start or local < end)


def _households(session: Session, estate_id: uuid.UUID) -> list[dict[str, Any]]:
    """The estate's current occupants with a contact point, one per unit (the first by role, then
    name), in a stable order: the recipients of the past notices."""
    rows = session.execute(
        select(people.c.id.label("person_id"), people.c.name, people.c.language, people.c.mobile, people.c.email,
               units.c.id.label("unit_id"), units.c.number, buildings.c.name.label("building"),
               buildings.c.code.label("building_code"))
        .join(occupancies, occupancies.c.person_id == people.c.id)
        .join(units, units.c.id == occupancies.c.unit_id)
        .join(buildings, buildings.c.id == units.c.building_id)
        .where(occupancies.c.estate_id == estate_id, occupancies.c.moved_out_on.is_(None),
               (people.c.mobile.is_not(None)) | (people.c.email.is_not(None)))
        .order_by(buildings.c.code, units.c.number, occupancies.c.role.desc(), people.c.name, people.c.id)
    ).mappings().all()
    first: dict[uuid.UUID, dict[str, Any]] = {}
    for row in rows:
        first.setdefault(row["unit_id"], {**row, "unit_label": f"{row['building']} {row['number']}"})
    return list(first.values())


def _fill(session: Session, estate_id: uuid.UUID, households: list[dict[str, Any]], at: datetime) -> int:
    session.execute(insert(estate_settings).values(estate_id=estate_id, sms_sign_name="阳光花园物业"))
    # The operator's duty desk, told when an escalation finds nobody at any level of an estate.
    session.execute(insert(duty_contacts).values(id=_id(estate_id, "duty-desk"), name=DUTY_DESK,
                                                 mobile="13700001234", email="duty@sunshine-property.example",
                                                 created_at=at - timedelta(days=60)))
    for code, (purpose, sms_code, variables, texts) in TEMPLATES.items():
        session.execute(insert(templates).values(
            id=_id(estate_id, code), estate_id=estate_id, code=code, purpose=purpose, texts=texts,
            variables=variables, sms_template_code=sms_code, created_at=at - timedelta(days=60),
            updated_at=at - timedelta(days=60)))
    rng = random.Random(SEED)
    month = at - timedelta(days=30)
    _past_notice(session, estate_id, "fee-last-month", FEE, households[:40], rng, month.replace(hour=1, minute=0),
                 title=f"{month:%Y年%m月}物业费缴纳通知",
                 shared={"amount": "1280.00", "due_date": f"{month:%Y-%m}-25"})
    building = households[0]["building_code"]
    _past_notice(session, estate_id, "water-cut-last-week", WATER_CUT,
                 [h for h in households if h["building_code"] == building][:12], rng,
                 (at - timedelta(days=7)).replace(hour=0, minute=30), title="1栋紧急停水通知", urgent=True,
                 shared={"start": "今日 09:00", "end": "今日 18:00"})
    return 2


def _past_notice(session: Session, estate_id: uuid.UUID, name: str, template: str,
                 households: Iterable[dict[str, Any]], rng: random.Random, sent_at: datetime, *, title: str,
                 shared: dict[str, str], urgent: bool = False) -> None:
    """A notice sent at ``sent_at``, every message final: most SMS delivered, a few failed (a closed
    number, a wrong one), those resent by e-mail where the person has one."""
    purpose, sms_code, _variables, texts = TEMPLATES[template]
    notice_id = _id(estate_id, name)
    households = list(households)
    finished = sent_at + timedelta(minutes=3)
    for household in households:
        recipient_id = uuid.uuid5(notice_id, str(household["person_id"]))
        variables = {"name": household["name"], "unit": household["unit_label"]}
        language = household["language"] if household["language"] in texts else "zh-CN"
        session.execute(insert(recipients).values(
            id=recipient_id, notice_id=notice_id, estate_id=estate_id, person_id=household["person_id"],
            unit_id=household["unit_id"], name=household["name"], unit_label=household["unit_label"],
            language=language, mobile=household["mobile"], email=household["email"], variables=variables))
        text, params = texts[language], {**shared, **variables}
        failed = household["mobile"] and (household["mobile"].endswith(FAIL_SUFFIX) or rng.random() < 0.05)
        previous, when = None, sent_at
        for channel, address in ((channels.SMS, household["mobile"]), (channels.EMAIL, household["email"])):
            if not address:
                continue
            state = messages.FAILED if channel == channels.SMS and failed else messages.DELIVERED
            previous = _message(session, estate_id, notice_id, recipient_id, household, channel, address, language,
                                text, params, sms_code, state, previous, when, urgent)
            if state == messages.DELIVERED:
                break
            when += timedelta(seconds=1)
    session.execute(insert(notices_table).values(
        id=notice_id, estate_id=estate_id, template_id=_id(estate_id, template), purpose=purpose, urgent=urgent,
        title=title, channels=list(channels.DEFAULT_FALLBACK), audience={"estate": True, "role": "owners"},
        variables=shared,
        status=notices.SENT, send_at=sent_at - timedelta(minutes=1), recipients_count=len(households),
        estimated_segments=2 * len(households), estimated_cost_fen=10 * len(households), created_by=CREATED_BY,
        created_at=sent_at - timedelta(hours=1), started_at=sent_at - timedelta(minutes=1), finished_at=finished))


def _message(session: Session, estate_id: uuid.UUID, notice_id: uuid.UUID, recipient_id: uuid.UUID,
             household: dict[str, Any], channel: str, address: str, language: str, text: dict[str, str],
             params: dict[str, str], sms_code: str, state: str, fallback_of: uuid.UUID | None, at: datetime,
             urgent: bool) -> uuid.UUID:
    message_id = uuid.uuid5(recipient_id, channel)
    sent, done = at + timedelta(seconds=2), at + timedelta(seconds=9)
    failure = ("MN:0001", "空号 (the number does not exist)") if state == messages.FAILED else (None, None)
    ref = f"demo-{message_id.hex[:16]}"
    session.execute(insert(messages_table).values(
        id=message_id, estate_id=estate_id, notice_id=notice_id, recipient_id=recipient_id,
        person_id=household["person_id"], channel=channel, address=address, language=language,
        subject=render(text["subject"], params), body=render(text["body"], params),
        sms_template_code=sms_code if channel == channels.SMS else None, params=params,
        segments=2 if channel == channels.SMS else 0, urgent=urgent, state=state, attempts=1, next_attempt_at=at,
        fallback_of=fallback_of, provider="aliyun" if channel == channels.SMS else "smtp", provider_ref=ref,
        failure_code=failure[0], failure_reason=failure[1], queued_at=at, sent_at=sent,
        delivered_at=done if state == messages.DELIVERED else None, updated_at=done))
    # As the sender writes it: no row for ``sending`` (notify.sending.states).
    steps = [(at, messages.QUEUED, None, None), (sent, messages.SENT, "OK", None),
             (done, state, *(failure if failure[0] else ("DELIVERED", None)))]
    session.execute(insert(message_history), [
        {"message_id": message_id, "at": when, "state": step, "code": code, "detail": detail}
        for when, step, code, detail in steps])
    return message_id


DEMO = Demo(loaded=_loaded, load=_load, then=_how_to_send)
