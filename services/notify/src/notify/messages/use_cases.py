"""One message now, for integration clients and the desk (``POST /api/v1/messages``): to a person of
the copy, or to a bare address (the gateway's one-time login code), from a template code or a text.

* **Recipient.** ``to.person_id`` (their estate, language, contact points and preferred channel from
  the copy; another estate's person is 404) or ``to.mobile`` (a mainland mobile number by the suite's
  rule, :mod:`tenancy.phones`, kept as its 11 digits) / ``to.email``.
* **Channels.** Each channel named gets one message (the caller chooses; nothing is implied); none
  named: the first channel the recipient can take (a person's preferred one first, then SMS, e-mail,
  in-app). A named channel the recipient cannot take is 422, and nothing is made.
* **Estate.** The person's; else ``estate_id``; else the caller's only estate; else, for a caller who
  sees every estate (the gateway), :data:`NO_ESTATE`, the nil uuid: such messages are read by
  every-estate callers only.
* **Texts.** A template (the estate's of that code, else the operator's, else a built-in one such as
  ``login_code``) whose every variable is given, or a ``text`` (and ``subject``) with ``${var}``s.
* **Idempotency-Key.** The same caller, key and body answer the messages the first call made (nothing
  new); the same key with another body is 422 (:mod:`servicekit.idempotency`).
* Non-essential purposes respect the person's opt-out (422).
* A rendered body longer than its channel carries (:mod:`notify.templates.bounds`) is 422.
* Urgent messages are limited per recipient and per caller (:mod:`notify.messages.limits`): 429 with
  ``Retry-After``; a retried call with its Idempotency-Key is answered without counting again.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from tenancy.phones import NotAMobile, normalize_mobile

from notify.domain.channels import DEFAULT_FALLBACK, EMAIL, IN_APP, SMS
from notify.domain.purposes import ESSENTIAL
from notify.messages import limits
from notify.messages.queueing import draft, queue
from notify.rules.audiences import Recipient, person
from notify.rules.matching import template_by_code
from notify.tables import idempotency_keys, messages, opt_outs, people
from notify.templates.bounds import check_fits
from notify.templates.rendering import variables_in
from servicekit.auth import Principal
from servicekit.errors import Invalid, NotFound
from servicekit.idempotency import KeyedRequest, once
from servicekit.unit_of_work import UnitOfWork

NO_ESTATE = uuid.UUID(int=0)


def _estate(principal: Principal, requested: uuid.UUID | None) -> uuid.UUID:
    if requested is not None:
        if not principal.can_see(requested):
            raise NotFound("no such estate", "没有此小区")
        return requested
    if principal.estates is None:
        return NO_ESTATE
    if len(principal.estates) == 1:
        return uuid.UUID(next(iter(principal.estates)))
    raise Invalid("name the estate", "请指定小区", errors={"estate_id": ["required for a caller of several estates"]})


def _recipient(session: Any, principal: Principal, data: Mapping[str, Any]) -> tuple[Recipient, uuid.UUID]:
    to = data["to"]
    if to.get("person_id") is not None:
        if to.get("mobile") or to.get("email"):
            raise Invalid("a person or an address, not both", "只能指定人员或地址之一",
                          errors={"to": ["person_id, or mobile / email"]})
        estate_row = session.execute(select(people.c.estate_id).where(people.c.id == to["person_id"])).first()
        if estate_row is None or not principal.can_see(estate_row.estate_id):
            raise NotFound("no such person", "没有此人员")
        return person(session, estate_row.estate_id, to["person_id"]), estate_row.estate_id
    if not (to.get("mobile") or to.get("email")):
        raise Invalid("say whom to send to", "请指定接收人", errors={"to": ["person_id, mobile or email"]})
    recipient = Recipient("address", NO_ESTATE, "", data.get("language") or "zh-CN", _mobile(to.get("mobile")),
                          to.get("email"))
    return recipient, _estate(principal, data.get("estate_id"))


def _mobile(given: str | None) -> str | None:
    """The address's number as its 11 digits (tenancy.phones): one number, however it was written,
    for the provider and for the limits on urgent messages to one recipient."""
    if not given:
        return None
    try:
        return normalize_mobile(given)
    except NotAMobile as exc:
        raise Invalid(f"to.mobile: {exc}", f"手机号：{exc.zh}", errors={"to": {"mobile": [str(exc)]}}) from None


def _channels(recipient: Recipient, requested: list[str] | None) -> list[tuple[str, str | None]]:
    if not requested:
        order = DEFAULT_FALLBACK if recipient.kind == "person" else (SMS, EMAIL)
        chosen = recipient.channel(order)
        if chosen is None:
            raise Invalid("the recipient has no contact point", "接收人没有联系方式", errors={"to": ["unreachable"]})
        return [chosen]
    out, unusable = [], []
    for channel in dict.fromkeys(requested):
        ok, address = recipient.address(channel)
        if channel == IN_APP and recipient.kind != "person":
            ok = False
        (out.append((channel, address)) if ok else unusable.append(channel))
    if unusable:
        raise Invalid(f"the recipient cannot be reached by {', '.join(unusable)}", "接收人无法通过所选渠道接收",
                      errors={"channels": [f"no address for {c}" for c in unusable]})
    return out


def _texts(session: Any, estate_id: uuid.UUID, data: Mapping[str, Any], language: str
           ) -> tuple[str, dict[str, str], str | None]:
    if (data.get("template") is None) == (data.get("text") is None):
        raise Invalid("a template or a text, one of them", "请指定模板或文本之一", errors={"template": ["or text"]})
    if data.get("text") is not None:
        texts = {"subject": data.get("subject") or "", "body": data["text"]}
        needed = {*variables_in(texts["subject"]), *variables_in(texts["body"])}
        code = None
    else:
        template = template_by_code(session, None if estate_id == NO_ESTATE else estate_id, data["template"])
        if template is None:
            raise Invalid("no such template", "模板不存在", errors={"template": ["no such template"]})
        language, texts = template.text(language)
        needed = {*template.variables, *variables_in(texts.get("subject", "")), *variables_in(texts.get("body", ""))}
        code = template.sms_template_code
    missing = sorted(needed - set(data.get("variables") or {}))
    if missing:
        raise Invalid(f"variables missing: {', '.join(missing)}", f"缺少变量：{', '.join(missing)}",
                      errors={"variables": [f"missing: {', '.join(missing)}"]})
    return language, texts, code


def _made(session: Any, answer: str) -> list[dict[str, Any]]:
    """The messages an earlier call made, from what its key remembers (their ids)."""
    ids = [uuid.UUID(id_) for id_ in answer.split(",")]
    rows = session.execute(select(messages).where(messages.c.id.in_(ids))
                           .order_by(messages.c.queued_at, messages.c.id)).mappings().all()
    return [dict(r) for r in rows]


def send_message(uow: UnitOfWork, principal: Principal, data: Mapping[str, Any], settings: Any, now: datetime, *,
                 keyed: KeyedRequest | None = None) -> tuple[list[dict[str, Any]], bool]:
    """Queue the message(s); answers them and whether they are new (False: the key answered earlier ones)."""
    def make() -> list[dict[str, Any]]:
        recipient, estate_id = _recipient(uow.session, principal, data)
        purpose = data.get("purpose") or "service"
        if recipient.kind == "person" and purpose not in ESSENTIAL and uow.execute(select(opt_outs.c.person_id).where(
                opt_outs.c.person_id == recipient.id, opt_outs.c.purpose == purpose)).first():
            raise Invalid("the person opted out of this purpose", "该人员已退订此类消息",
                          errors={"purpose": ["opted out"]})
        language, texts, code = _texts(uow.session, estate_id, data, recipient.language)
        drafts = [draft(
            texts=texts, values={k: str(v) for k, v in (data.get("variables") or {}).items()},
            estate_id=estate_id, channel=channel, address=address, language=language,
            urgent=bool(data.get("urgent")), sms_template_code=code,
            person_id=recipient.id if recipient.kind == "person" else None)
            for channel, address in _channels(recipient, data.get("channels"))]
        for made in drafts:
            check_fits({"body": made.body}, [made.channel], "text" if data.get("text") else "template")
        limits.check(uow.session, settings, principal, drafts, now)
        return [queue(uow.session, made, now)[0] for made in drafts]

    return once(uow, idempotency_keys, keyed, make=make, answer_of=lambda made: ",".join(str(m["id"]) for m in made),
                earlier=lambda answer: _made(uow.session, answer))
