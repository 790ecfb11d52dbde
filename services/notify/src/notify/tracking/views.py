"""The read side of delivery tracking: a notice's live totals, its recipients with their messages,
one recipient's whole history, and "did person X get notice Y" in one answer.

Everything is counted in SQL from the messages of one notice (the ``(notice_id, state)`` index),
so the totals are right while the notice is still sending. The caller's estate scope is checked
before (the notice id is scoped by ``notify.access``); these queries take the notice as given.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, case, func, or_, select, text
from sqlalchemy.orm import Session

from notify.domain import messages as states
from notify.domain.channels import IN_APP
from notify.estate_settings.views import settings_of
from notify.tables import REACHING, message_history, messages, notices, recipients, units
from notify.tracking.outcomes import (
    EXCLUDED,
    OUTCOMES,
    PENDING,
    REACHED,
    UNREACHED,
    outcome_filter,
    outcome_of,
    per_recipient,
    per_recipient_of,
    reaching,
)
from servicekit.auth import Principal, scoped
from servicekit.errors import NotFound
from servicekit.paging import page_of

MESSAGE_COLUMNS = (
    messages.c.id, messages.c.recipient_id, messages.c.channel, messages.c.address, messages.c.state,
    messages.c.attempts, messages.c.provider, messages.c.provider_ref, messages.c.failure_code,
    messages.c.failure_reason, messages.c.fallback_of, messages.c.queued_at, messages.c.sent_at,
    messages.c.delivered_at, messages.c.read_at, messages.c.updated_at,
)
RECIPIENT_COLUMNS = (
    recipients.c.id, recipients.c.notice_id, recipients.c.estate_id, recipients.c.person_id, recipients.c.unit_id,
    recipients.c.name,
    recipients.c.unit_label, recipients.c.language, recipients.c.mobile, recipients.c.email, recipients.c.excluded,
)


def _notice(session: Session, notice_id: UUID) -> dict[str, Any]:
    row = session.execute(select(notices.c.id, notices.c.estate_id, notices.c.title, notices.c.status,
                                 notices.c.started_at, notices.c.finished_at)
                          .where(notices.c.id == notice_id)).mappings().first()
    if row is None:
        raise NotFound("no such notice", "没有此通知")
    return dict(row)


def totals(session: Session, notice_id: UUID) -> dict[str, Any]:
    """Messages by state and by channel and state, recipients by outcome, how many recipients each
    channel reached, and how many are pending only on an unread in-app message, counted now."""
    notice = _notice(session, notice_id)
    by_state = {state: 0 for state in states.STATES}
    by_channel: dict[str, dict[str, int]] = {}
    counted = session.execute(select(messages.c.channel, messages.c.state, func.count())
                              .where(messages.c.notice_id == notice_id)
                              .group_by(messages.c.channel, messages.c.state))
    for channel, state, count in counted:
        by_state[state] = by_state.get(state, 0) + count
        row = by_channel.setdefault(channel, {s: 0 for s in states.STATES})
        row[state] = row.get(state, 0) + count
    for row in by_channel.values():
        row["total"] = sum(row.values())
    counts, unread = _recipient_counts(session, notice_id)
    return {"notice_id": notice["id"], "status": notice["status"], "started_at": notice["started_at"],
            "finished_at": notice["finished_at"], "messages": {**by_state, "total": sum(by_state.values())},
            "by_channel": by_channel, "recipients": counts,
            "reached_by_channel": reached_by_channel(session, notice_id), "unread_in_app": unread}


def reached_by_channel(session: Session, notice_id: UUID) -> dict[str, int]:
    """Reached recipients by the channel that reached them first (an SMS or e-mail delivered, an
    in-app message read), so the counts add up to ``recipients.reached``; every channel of the
    notice's messages is named, with 0 when it reached nobody."""
    reached_at = func.coalesce(case((messages.c.channel == IN_APP, messages.c.read_at),
                                    else_=messages.c.delivered_at), messages.c.updated_at)
    first = (select(messages.c.channel, func.row_number().over(
                 partition_by=messages.c.recipient_id, order_by=(reached_at, messages.c.id)).label("nth"))
             .where(messages.c.notice_id == notice_id, messages.c.recipient_id.is_not(None), reaching())
             .subquery("reaching"))
    channels = session.execute(select(messages.c.channel).where(messages.c.notice_id == notice_id)
                               .distinct()).scalars()
    counts = dict.fromkeys(sorted(channels), 0)
    for channel, count in session.execute(select(first.c.channel, func.count()).where(first.c.nth == 1)
                                          .group_by(first.c.channel)):
        counts[channel] = count
    return counts


def _recipient_counts(session: Session, notice_id: UUID) -> tuple[dict[str, int], int]:
    """Recipients: total, reached, not reached (pending + unreached), excluded (opted out, no
    contact); and how many of the pending have nothing on its way but an in-app message lying
    unread (final for the sender, not reached: the desk calls or resends to them)."""
    agg = per_recipient(notice_id)
    nothing_on_its_way = case((func.coalesce(agg.c.in_transit, 0) == 0, 1), else_=0)
    each = (select(outcome_of(agg).label("outcome"), recipients.c.excluded, nothing_on_its_way.label("idle"))
            .select_from(recipients.outerjoin(agg, agg.c.recipient_id == recipients.c.id))
            .where(recipients.c.notice_id == notice_id).subquery())
    found = session.execute(select(each.c.outcome, each.c.excluded, each.c.idle, func.count())
                            .group_by(each.c.outcome, each.c.excluded, each.c.idle)).all()
    counts = {outcome: 0 for outcome in OUTCOMES}
    excluded = {"opted_out": 0, "no_contact": 0}
    unread = 0
    for outcome, why, idle, count in found:
        counts[outcome] += count
        if why:
            excluded[why] = excluded.get(why, 0) + count
        if outcome == PENDING and idle:
            unread += count
    return ({"total": sum(counts.values()), "reached": counts[REACHED],
             "not_reached": counts[PENDING] + counts[UNREACHED], "pending": counts[PENDING],
             "unreached": counts[UNREACHED], "excluded": counts[EXCLUDED], **excluded}, unread)


def _recipient_query(notice_id: UUID, args: dict[str, Any]) -> Any:
    agg = per_recipient(notice_id)
    statement = (select(*RECIPIENT_COLUMNS, outcome_of(agg).label("outcome"))
                 .select_from(recipients.outerjoin(agg, agg.c.recipient_id == recipients.c.id))
                 .where(recipients.c.notice_id == notice_id))
    if args.get("outcome"):
        statement = statement.where(outcome_filter(agg, args["outcome"]))
    if args.get("state") or args.get("channel"):
        having = select(messages.c.recipient_id).where(messages.c.notice_id == notice_id)
        if args.get("state"):
            having = having.where(messages.c.state == args["state"])
        if args.get("channel"):
            having = having.where(messages.c.channel == args["channel"])
        statement = statement.where(recipients.c.id.in_(having))
    if args.get("building_id"):
        statement = statement.where(recipients.c.unit_id.in_(
            select(units.c.id).where(units.c.building_id == args["building_id"])))
    if args.get("unit_id"):
        statement = statement.where(recipients.c.unit_id == args["unit_id"])
    if args.get("q"):
        pattern = f"%{args['q']}%"
        statement = statement.where(or_(recipients.c.name.ilike(pattern), recipients.c.unit_label.ilike(pattern)))
    return statement.order_by(func.coalesce(recipients.c.unit_label, ""), recipients.c.name, recipients.c.id)


def recipient_page(session: Session, notice_id: UUID, args: dict[str, Any]) -> dict[str, Any]:
    """One page of a notice's recipients, filtered, each with their messages over every channel."""
    _notice(session, notice_id)
    page = page_of(session, _recipient_query(notice_id, args), args)
    _attach_messages(session, notice_id, page["items"])
    return page


def recipient_export(session: Session, notice_id: UUID, args: dict[str, Any]) -> dict[str, Any]:
    """What an export writes: every recipient the filters keep, with their messages; the notice's
    title; and its estate's time zone, the times are shown in."""
    notice = _notice(session, notice_id)
    rows = [dict(r) for r in session.execute(_recipient_query(notice_id, args)).mappings()]
    _attach_messages(session, notice_id, rows)
    return {"rows": rows, "title": notice["title"],
            "zone": ZoneInfo(settings_of(session, notice["estate_id"])["timezone"])}


def _attach_messages(session: Session, notice_id: UUID, items: list[dict[str, Any]], *,
                     history: bool = False) -> None:
    by_recipient: dict[Any, list[dict[str, Any]]] = {item["id"]: [] for item in items}
    for chunk in _chunks(list(by_recipient), 500):
        found = session.execute(select(*MESSAGE_COLUMNS)
                                .where(messages.c.notice_id == notice_id, messages.c.recipient_id.in_(chunk))
                                .order_by(messages.c.queued_at, messages.c.id)).mappings()
        for message in found:
            by_recipient[message["recipient_id"]].append(dict(message))
    if history:
        _attach_history(session, [m for ms in by_recipient.values() for m in ms])
    for item in items:
        item["messages"] = by_recipient[item["id"]]
        item.update(_reach(item["messages"]))


def _attach_history(session: Session, found: list[dict[str, Any]]) -> None:
    rows: dict[Any, list[dict[str, Any]]] = {m["id"]: [] for m in found}
    for chunk in _chunks(list(rows), 500):
        statement = (select(message_history).where(message_history.c.message_id.in_(chunk))
                     .order_by(message_history.c.at, message_history.c.id))
        for entry in session.execute(statement).mappings():
            rows[entry["message_id"]].append(dict(entry))
    for message in found:
        message["history"] = rows[message["id"]]


def _reach(found: list[dict[str, Any]]) -> dict[str, Any]:
    """Over which channel and when a recipient was first reached (None, None when not): an in-app
    message when it was read, any other when it was delivered."""
    def reached_at(m: dict[str, Any]) -> Any:
        return m["read_at"] if m["channel"] == IN_APP else m["delivered_at"] or m["read_at"]

    reached = [m for m in found if states.reaches(m["channel"], m["state"])]
    if not reached:
        return {"reached_over": None, "reached_at": None}
    first = min(reached, key=lambda m: reached_at(m) or m["updated_at"])
    return {"reached_over": first["channel"], "reached_at": reached_at(first)}


def _chunks(values: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _recipients_where(session: Session, notice_id: UUID, *conditions: Any) -> list[dict[str, Any]]:
    agg = per_recipient(notice_id)
    statement = (select(*RECIPIENT_COLUMNS, outcome_of(agg).label("outcome"))
                 .select_from(recipients.outerjoin(agg, agg.c.recipient_id == recipients.c.id))
                 .where(recipients.c.notice_id == notice_id, *conditions)
                 .order_by(func.coalesce(recipients.c.unit_label, ""), recipients.c.id))
    rows = [dict(r) for r in session.execute(statement).mappings()]
    _attach_messages(session, notice_id, rows, history=True)
    return rows


def recipient(session: Session, notice_id: UUID, recipient_id: UUID) -> dict[str, Any]:
    """One recipient of a notice with every message and each message's whole history."""
    _notice(session, notice_id)
    found = _recipients_where(session, notice_id, recipients.c.id == recipient_id)
    if not found:
        raise NotFound("no such recipient of this notice", "该通知没有此收件人")
    return found[0]


def by_person(session: Session, notice_id: UUID, person_id: UUID) -> dict[str, Any]:
    """Did this person get this notice: reached or not, over which channel, when, every attempt.

    A person can be a recipient more than once (one household per unit they live in); they are
    reached when any of their households was. A person not in the audience is answered as such.
    """
    _notice(session, notice_id)
    households = _recipients_where(session, notice_id, recipients.c.person_id == person_id)
    reached = [h for h in households if h["outcome"] == REACHED]
    first = min(reached, key=lambda h: h["reached_at"] or h["messages"][0]["updated_at"]) if reached else None
    if not households:
        outcome = None
    elif reached:
        outcome = REACHED
    elif any(h["outcome"] == PENDING for h in households):
        outcome = PENDING
    elif all(h["outcome"] == EXCLUDED for h in households):
        outcome = EXCLUDED
    else:
        outcome = UNREACHED
    return {"notice_id": notice_id, "person_id": person_id, "in_audience": bool(households),
            "reached": bool(reached), "outcome": outcome,
            "reached_over": first["reached_over"] if first else None,
            "reached_at": first["reached_at"] if first else None, "recipients": households}


def _persons_notices_statement() -> Any:
    """The statement of :func:`persons_notices`, built once: the person is a bound parameter. Built
    per request it was a quarter of notify's CPU for the gateway's picture of a person."""
    person = bindparam("person_id", type_=recipients.c.person_id.type)
    agg = per_recipient_of(select(recipients.c.id).where(recipients.c.person_id == person))
    return (select(recipients.c.id.label("recipient_id"), recipients.c.unit_id, recipients.c.unit_label,
                   notices.c.id.label("notice_id"), notices.c.estate_id, notices.c.title, notices.c.purpose,
                   notices.c.status, notices.c.started_at, notices.c.finished_at, outcome_of(agg).label("outcome"))
            .select_from(recipients.join(notices, notices.c.id == recipients.c.notice_id)
                         .outerjoin(agg, agg.c.recipient_id == recipients.c.id))
            .where(recipients.c.person_id == person, notices.c.started_at.is_not(None))
            .order_by(notices.c.started_at.desc(), recipients.c.id))


_PERSONS_NOTICES = _persons_notices_statement()
_THEIR_MESSAGES = (select(messages.c.recipient_id, messages.c.channel, messages.c.state, messages.c.delivered_at,
                          messages.c.read_at, messages.c.updated_at)
                   .where(messages.c.recipient_id.in_(bindparam("recipient_ids", expanding=True))))


def persons_notices(session: Session, principal: Principal, person_id: UUID, args: dict[str, Any]) -> dict[str, Any]:
    """The notices a person was in the audience of, latest first, each with whether it reached them
    (reached, pending, unreached or excluded) and over which channel: "what have we told them?".

    Two statements, each through the ``recipient_id`` index: the page with each household's outcome
    (aggregated over the person's own messages, never a whole notice's), then the page's messages
    for the channel and time that first reached them."""
    statement = scoped(_PERSONS_NOTICES, notices.c.estate_id, principal).params(person_id=person_id)
    page = page_of(session, statement, args)
    households = {item["recipient_id"]: item for item in page["items"]}
    theirs: dict[Any, list[dict[str, Any]]] = {recipient_id: [] for recipient_id in households}
    if households:
        for message in session.execute(_THEIR_MESSAGES, {"recipient_ids": list(households)}).mappings():
            theirs[message["recipient_id"]].append(dict(message))
    for recipient_id, item in households.items():
        item.update(_reach(theirs[recipient_id]))
    return page


def _estate_reach_statement() -> Any:
    """The statement of :func:`estate_reach`, built once: the estate and the time are bound parameters
    (built per request, with its three subqueries, it was ~0.3 ms of notify's CPU per dashboard)."""
    n = notices.c
    by_notice = recipients.c.notice_id == n.id
    total = func.coalesce(n.kept_recipients, select(func.count()).where(by_notice).scalar_subquery())
    excluded = func.coalesce(n.kept_excluded, select(func.count()).where(
        by_notice, recipients.c.excluded.is_not(None)).scalar_subquery())
    reached = func.coalesce(n.kept_reached, select(func.count(func.distinct(messages.c.recipient_id))).where(
        messages.c.notice_id == n.id, text(REACHING)).scalar_subquery())
    return select(func.count(), func.sum(total), func.sum(excluded), func.sum(reached)).where(
        n.estate_id == bindparam("estate_id", type_=n.estate_id.type),
        n.started_at >= bindparam("since", type_=n.started_at.type))


_ESTATE_REACH = _estate_reach_statement()


def estate_reach(session: Session, estate_id: UUID, since: Any) -> dict[str, Any]:
    """How an estate's notices started since ``since`` did (the estate dashboard's part from notify):
    how many, their recipients (the excluded apart), how many of those were reached, and the rate.
    One statement: a completed notice's counts are those kept on it (notify.tracking.kept_reach),
    whatever its size; only a notice not complete is counted, from an index alone (its recipients
    with the excluded; its reaching messages by recipient), a notice at a time."""
    started, total, excluded, reached = (int(v or 0) for v in session.execute(
        _ESTATE_REACH, {"estate_id": estate_id, "since": since}).one())
    sent_to = total - excluded
    return {"estate_id": estate_id, "since": since, "notices": started,
            "recipients": sent_to, "reached": reached, "excluded": excluded,
            "reach_rate": round(reached / sent_to, 4) if sent_to else None}
