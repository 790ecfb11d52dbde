"""Who a tickets event (or a surveys invitation) names, and how each of them can be reached.

Audiences (the closed list a rule chooses from):

* ``reporter`` — the person who reported the ticket (``ticket.person_id``; a slipped promise's
  ``person_id``, unless its ``tell_owner_again`` is false), or who made the application
  (``application.person_id``);
* ``assignee`` — the staff member handling it (the event's ``to_assignee_id`` or ``assignee_id``,
  else ``ticket.assignee_id``);
* ``escalated_staff`` — the staff member an escalation (a ticket's, or an unsigned handover's) names
  (``staff``); when it names none because the escalation went past every level of the estate
  (``fallback.reached`` is ``operator_admins``), the operator's duty contacts
  (:mod:`notify.duty_contacts`) — with none, an error log line: the escalation reaches nobody, and
  ``notify_configuration_warnings{warning="no_duty_contacts"}`` says so;
* ``named_staff_or_assignee`` — the staff the event names if it names one, else the assignee;
* ``invitee`` — the person a survey invitation or reminder, or a forum invitation, names
  (``person_id``; surveys' events only);
* ``company_contacts`` — the company occupying the unit the event is about (``ticket.unit_id``, else
  ``unit_id``; an office tenant, OWN-11): its first contact, in the company's order, who can be
  reached by SMS or e-mail, else its first contact (in-app). One contact, not every one, for the reason
  :mod:`notify.audiences.companies` gives for notices. A unit no company occupies is nobody (most
  units are households); a company without a contact in the copy is a warning log line.

An event that names no staff member because it went past every level of the estate (tickets'
``fallback.reached`` is ``operator_admins``) reaches the operator's duty contacts whether its rule's
audience is ``escalated_staff`` or ``named_staff_or_assignee`` (an application's overdue step whose
role, supervisors, estate manager and first responsible person are all vacant; a missed callback
without an assignee), with the same error log line when there are none.

Contact points and language come from notify's copy of owners' people and staff. **Not in the copy
yet** (owners' event has not arrived, or the id is from another estate): a person still gets the
in-app message where the rule allows in-app (their inbox is keyed by the person id, and in zh-CN:
the language is unknown); a staff member (no in-app inbox) is skipped with a log line. Staff have
no language in owners: their messages are in zh-CN.

A person's channels: their preferred channel first (owners' ``app`` is ``in_app``; ``phone`` has no
channel here), then the rule's in its order; the message goes over the first of them the person can
take (SMS needs a mobile, e-mail an address; in-app always). Falling back to the next channel after
a failure is the sender's (``fallback_of``).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from notify.domain.channels import EMAIL, IN_APP, SMS
from notify.rules.variables import FORUM_EVENTS, SURVEYS_EVENTS
from notify.tables import companies, duty_contacts, people, staff

log = logging.getLogger(__name__)

REPORTER, ASSIGNEE, ESCALATED_STAFF, NAMED_STAFF_OR_ASSIGNEE, INVITEE, COMPANY_CONTACTS = (
    "reporter", "assignee", "escalated_staff", "named_staff_or_assignee", "invitee", "company_contacts")
AUDIENCES = (REPORTER, ASSIGNEE, ESCALATED_STAFF, NAMED_STAFF_OR_ASSIGNEE, INVITEE, COMPANY_CONTACTS)
# Audiences only some event types name.
ONLY_FOR = {ESCALATED_STAFF: frozenset({"tickets.ticket.escalated.v1", "tickets.handover.unsigned.v1"}),
            INVITEE: frozenset((*SURVEYS_EVENTS, *FORUM_EVENTS))}
_PREFERRED = {"sms": SMS, "email": EMAIL, "app": IN_APP, "in_app": IN_APP}
UNKNOWN_NAME = {"zh-CN": "业主", "en": "resident"}


@dataclass(frozen=True)
class Recipient:
    kind: str  # person | staff | duty_contact
    id: uuid.UUID
    name: str
    language: str = "zh-CN"
    mobile: str | None = None
    email: str | None = None
    preferred: str | None = None
    known: bool = True

    def address(self, channel: str) -> tuple[bool, str | None]:
        """Whether this recipient can take ``channel``, and the address for it (None for in-app)."""
        if channel == SMS:
            return bool(self.mobile), self.mobile
        if channel == EMAIL:
            return bool(self.email), self.email
        if channel == IN_APP:
            return self.kind == "person", None
        return False, None

    def channel(self, channels: Iterable[str]) -> tuple[str, str | None] | None:
        """The first channel of ``channels`` (the preferred one first) this recipient can take."""
        allowed = list(dict.fromkeys(channels))
        preferred = _PREFERRED.get(self.preferred or "")
        order = ([preferred] if preferred in allowed else []) + allowed
        for channel in dict.fromkeys(order):
            ok, address = self.address(channel)
            if ok:
                return channel, address
        return None


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return None if value in (None, "") else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def person(session: Session, estate_id: uuid.UUID, person_id: uuid.UUID) -> Recipient | None:
    """The person from the copy, in ``estate_id``; None when the copy does not have them."""
    row = session.execute(select(people).where(people.c.id == person_id, people.c.estate_id == estate_id)).first()
    if row is None:
        return None
    return Recipient("person", row.id, row.name, row.language or "zh-CN", row.mobile, row.email,
                     row.preferred_channel)


def _person(session: Session, estate_id: uuid.UUID, person_id: uuid.UUID) -> Recipient:
    found = person(session, estate_id, person_id)
    if found is None:
        log.info("person not in notify's copy yet: in-app only", extra={"person_id": str(person_id)})
        return Recipient("person", person_id, UNKNOWN_NAME["zh-CN"], known=False)
    return found


def _staff(session: Session, estate_id: uuid.UUID, staff_id: uuid.UUID) -> Recipient | None:
    row = session.execute(select(staff).where(staff.c.id == staff_id, staff.c.estate_id == estate_id)).first()
    if row is None:
        log.warning("staff member not in notify's copy: no message", extra={"staff_id": str(staff_id)})
        return None
    return Recipient("staff", row.id, row.name, "zh-CN", row.mobile, row.email)


def _assignee_id(data: Mapping[str, Any]) -> uuid.UUID | None:
    ticket = data.get("ticket") or {}
    return _uuid(data.get("to_assignee_id")) or _uuid(data.get("assignee_id")) or _uuid(ticket.get("assignee_id"))


def _named_staff_id(data: Mapping[str, Any]) -> uuid.UUID | None:
    named = data.get("staff")
    return _uuid(named.get("staff_id")) if isinstance(named, Mapping) else None


OPERATOR_ADMINS = "operator_admins"
"""tickets' name for past the top of an estate's chain (``tickets.domain.chain``)."""


def _past_every_level(data: Mapping[str, Any]) -> bool:
    fallback = data.get("fallback")
    return isinstance(fallback, Mapping) and fallback.get("reached") == OPERATOR_ADMINS


def _duty_contacts(session: Session, data: Mapping[str, Any]) -> list[Recipient]:
    rows = session.execute(select(duty_contacts).order_by(duty_contacts.c.created_at, duty_contacts.c.id)).all()
    if not rows:
        ticket, handover = data.get("ticket") or {}, data.get("handover") or {}
        application, callback = data.get("application") or {}, data.get("callback") or {}
        log.error("escalation past every level of the estate reaches nobody: the operator has no duty contacts",
                  extra={"ticket_id": ticket.get("ticket_id"), "handover_id": handover.get("handover_id"),
                         "application_id": application.get("application_id"),
                         "callback_id": callback.get("callback_id"),
                         "estate_id": next((thing.get("estate_id") for thing in (ticket, handover, application,
                                                                                  callback) if thing), None),
                         "trigger": data.get("trigger")})
    return [Recipient("duty_contact", r.id, r.name, "zh-CN", r.mobile, r.email) for r in rows]


def _company_contacts(session: Session, estate_id: uuid.UUID, data: Mapping[str, Any]) -> list[Recipient]:
    ticket = data.get("ticket") or {}
    unit_id = _uuid(ticket.get("unit_id")) or _uuid(data.get("unit_id"))
    if unit_id is None:
        return []
    # unit_ids is a JSON list of ids as text: matched as text, alike on PostgreSQL and SQLite.
    occupying = session.execute(select(companies).where(
        companies.c.estate_id == estate_id, cast(companies.c.unit_ids, String).like(f'%"{unit_id}"%'))
        .order_by(companies.c.name, companies.c.id)).mappings().all()
    found = []
    for company in occupying:
        known = (person(session, estate_id, uuid.UUID(c["person_id"])) for c in company["contacts"])
        contacts = [c for c in known if c is not None]
        if not contacts:
            log.warning("the company occupying the event's unit has no contact: no message",
                        extra={"company_id": str(company["id"]), "unit_id": str(unit_id)})
            continue
        found.append(next((c for c in contacts if c.mobile or c.email), contacts[0]))
    return list({r.id: r for r in found}.values())


def resolve(session: Session, audience: str, estate_id: uuid.UUID, data: Mapping[str, Any]) -> list[Recipient]:
    """The recipients ``audience`` names in an event's ``data`` (none, one, or more)."""
    ticket = data.get("ticket") or data.get("application") or {}  # an application's applicant is its reporter
    if audience == COMPANY_CONTACTS:
        return _company_contacts(session, estate_id, data)
    if audience == INVITEE:
        person_id = _uuid(data.get("person_id"))
        return [] if person_id is None else [_person(session, estate_id, person_id)]
    if audience == REPORTER:
        if data.get("tell_owner_again") is False:
            return []
        person_id = _uuid(data.get("person_id")) if "person_id" in data else _uuid(ticket.get("person_id"))
        return [] if person_id is None else [_person(session, estate_id, person_id)]
    if audience == ASSIGNEE:
        staff_id = _assignee_id(data)
    elif audience == ESCALATED_STAFF:
        staff_id = _named_staff_id(data)
        if staff_id is None and _past_every_level(data):
            return _duty_contacts(session, data)
    elif audience == NAMED_STAFF_OR_ASSIGNEE:
        staff_id = _named_staff_id(data) or _assignee_id(data)
        if staff_id is None and _past_every_level(data):
            return _duty_contacts(session, data)
    else:
        log.warning("unknown audience", extra={"audience": audience})
        return []
    if staff_id is None:
        return []
    found = _staff(session, estate_id, staff_id)
    return [] if found is None else [found]
