"""What an owner or occupant can do: ask for a one-time code by their mobile, sign in with it.

Asking: the number must be a person's in the gateway's copy of owners (one nobody has is answered
the same 202, and nothing is sent: the answer does not tell which numbers are known); at most
``codes_per_mobile`` per number and ``codes_per_address`` per client address in the window (429 with
``Retry-After``, counted whether the number is known or not). The code is written (as an HMAC),
committed, then sent through notify; if notify does not take it, the code is void and the answer is 503.

Signing in: the newest live code of the number; a wrong one counts a try, and after ``code_tries``
the code is void (ask for another); the right one is used up. The token's ``sub`` is the person's
owners id and its estates those of the units they live in now; a number several people share asks
which (``person_id``, 409 until given). With it comes a refresh token, as a staff member's
(gateway.sign_in.refresh_family): each refresh uses it up and answers the next with a new access
token (the estates of their units then); a reused one revokes its family; a person the gateway's
copy no longer holds is refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import insert, or_, select, update
from tenancy.phones import NotAMobile, normalize_mobile
from tenancy.roles import OWNER

from gateway.domain import codes
from gateway.owner_sign_in.notify import NotSent
from gateway.sign_in import refresh_family
from gateway.sign_in.audit import audit
from gateway.tables import login_codes, occupancies, people
from servicekit.errors import Conflict, Invalid, TooMany, Unauthenticated
from servicekit.rows import now as clock
from servicekit.unit_of_work import UnitOfWork

Send = Callable[[str, str, str], None]  # (mobile, code, key)
Sign = Callable[..., tuple[str, int]]


@dataclass(frozen=True)
class CodePolicy:
    key: str                # the HMAC key of the stored codes
    lifetime: timedelta
    tries: int
    per_mobile: int
    per_address: int
    window: timedelta
    refresh_lifetime: timedelta = timedelta(days=14)

    @classmethod
    def of(cls, settings: Any) -> CodePolicy:
        """The policy the gateway's settings set (gateway.settings: code_*, codes_*, refresh_token_seconds)."""
        return cls(key=settings.keys_passphrase, lifetime=timedelta(seconds=settings.code_seconds),
                   tries=settings.code_tries, per_mobile=settings.codes_per_mobile,
                   per_address=settings.codes_per_address, window=timedelta(seconds=settings.code_window_seconds),
                   refresh_lifetime=timedelta(seconds=settings.refresh_token_seconds))


def _mobile(raw: str) -> str:
    try:
        return normalize_mobile(raw)
    except NotAMobile as exc:
        raise Invalid("not a mainland mobile number", "不是有效的手机号码",
                      errors={"mobile": ["not a mobile"]}) from exc


def request_code(uow: UnitOfWork, send: Send, policy: CodePolicy, *, mobile: str, client_address: str | None,
                 now: datetime | None = None) -> dict:
    now = now or clock()
    mobile = _mobile(mobile)
    with uow:
        since = now - policy.window
        by_mobile = uow.execute(select(login_codes.c.created_at).where(
            login_codes.c.mobile == mobile, login_codes.c.created_at > since)).scalars().all()
        by_address = uow.execute(select(login_codes.c.created_at).where(
            login_codes.c.client_address == client_address, login_codes.c.created_at > since)).scalars().all() \
            if client_address else []
        wait = max(codes.wait_for(by_mobile, policy.per_mobile, policy.window, now),
                   codes.wait_for(by_address, policy.per_address, policy.window, now))
        if wait:
            audit(uow, mobile, "code_limited", at=now, client_address=client_address)
            uow.commit()
            raise TooMany("too many codes asked for just now", "短时间内申请验证码次数过多", retry_after=wait)
        code, code_id = codes.new_code(), uuid.uuid4()
        known = uow.execute(select(people.c.id).where(people.c.mobile == mobile).limit(1)).first() is not None
        # A code row for an unknown number too: the limits count it, and nothing tells the two apart.
        uow.execute(insert(login_codes).values(
            id=code_id, mobile=mobile, code_hash=codes.code_hash(policy.key, mobile, code),
            client_address=client_address and client_address[:64], created_at=now,
            expires_at=now + policy.lifetime if known else now))
        audit(uow, mobile, "code_sent" if known else "code_unknown_mobile", at=now, client_address=client_address)
        uow.commit()
    if known:
        try:
            send(mobile, code, str(code_id))
        except NotSent as exc:
            _void(uow, code_id, now)
            raise CodeNotSent("the code could not be sent just now; try again shortly",
                              "验证码暂时无法发送，请稍后再试") from exc
        except TooMany:
            _void(uow, code_id, now)
            raise
    return {"expires_in": int(policy.lifetime.total_seconds())}


class CodeNotSent(Exception):
    """notify did not take the code: answered 503 by the route."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en, self.zh = en, zh


def _void(uow: UnitOfWork, code_id: UUID, now: datetime) -> None:
    with uow:
        uow.execute(update(login_codes).where(login_codes.c.id == code_id).values(used_at=now))
        uow.commit()


def _wrong() -> Unauthenticated:
    return Unauthenticated("wrong or expired code: ask for a new one if it keeps failing",
                           "验证码错误或已过期；多次失败请重新获取")


def sign_in(uow: UnitOfWork, sign: Sign, policy: CodePolicy, *, mobile: str, code: str,
            person_id: UUID | None = None, client_address: str | None = None, now: datetime | None = None) -> dict:
    now = now or clock()
    mobile = _mobile(mobile)
    with uow:
        live = uow.execute(select(login_codes).where(
            login_codes.c.mobile == mobile, login_codes.c.used_at.is_(None), login_codes.c.expires_at > now,
            login_codes.c.tries < policy.tries).order_by(login_codes.c.created_at.desc()).limit(1)
            .with_for_update()).mappings().first()
        if live is None or not codes.same_code(live["code_hash"], policy.key, mobile, code):
            if live is not None:
                uow.execute(update(login_codes).where(login_codes.c.id == live["id"])
                            .values(tries=login_codes.c.tries + 1))
            audit(uow, mobile, "code_wrong", at=now, client_address=client_address)
            uow.commit()
            raise _wrong()
        candidates = uow.execute(select(people.c.id).where(people.c.mobile == mobile)
                                 .order_by(people.c.id)).scalars().all()
        if person_id is None and len(candidates) > 1:
            raise Conflict("several people have this mobile: say which with person_id",
                           "多人使用此手机号码：请用 person_id 指明是谁",
                           errors={"person_id": [f"one of: {', '.join(map(str, candidates))}"]})
        chosen = person_id or (candidates[0] if candidates else None)
        if chosen not in candidates:
            raise Invalid("person_id is not a person with this mobile", "person_id 不是使用此手机号码的人",
                          errors={"person_id": ["not a person with this mobile"]})
        uow.execute(update(login_codes).where(login_codes.c.id == live["id"]).values(used_at=now))
        family_id = uuid.uuid4()
        answer = _tokens(uow, sign, policy, chosen, mobile, family_id, now)
        audit(uow, mobile, "owner_signed_in", at=now, client_address=client_address, family_id=family_id)
        uow.commit()
    return answer


def _tokens(uow: UnitOfWork, sign: Sign, policy: CodePolicy, person_id: UUID, mobile: str, family_id: UUID,
            now: datetime) -> dict:
    estates = _estates_of(uow, person_id, now.date())
    access, lifetime = sign(subject=str(person_id), role=OWNER, estates=estates)
    refresh = refresh_family.issue(uow, family_id, now, policy.refresh_lifetime, person_id=person_id, mobile=mobile)
    return {"access_token": access, "token_type": "Bearer", "expires_in": lifetime, "person_id": str(person_id),
            "estates": estates, "refresh_token": refresh,
            "refresh_expires_in": int(policy.refresh_lifetime.total_seconds())}


def refresh(uow: UnitOfWork, sign: Sign, policy: CodePolicy, *, refresh_token: str,
            client_address: str | None = None, now: datetime | None = None) -> dict:
    """A new pair for an owner's refresh token (used up); reused: the family revoked; a person no
    longer in the gateway's copy of owners: refused and revoked. Each is in the sign-in audit (its
    login: the mobile)."""
    now = now or clock()
    with uow:
        def refused(outcome: str, token: dict, revoke_family: bool) -> Unauthenticated:
            if revoke_family:
                refresh_family.revoke_family(uow, token["family_id"], now)
            audit(uow, token["mobile"] or "owner", f"owner_{outcome}", at=now, client_address=client_address,
                  family_id=token["family_id"])
            uow.commit()
            return refresh_family.gone()

        token = refresh_family.use(uow, refresh_token, now, owners=True, refused=refused)
        if uow.execute(select(people.c.id).where(people.c.id == token["person_id"])).first() is None:
            raise refused("refresh_refused", token, True)
        answer = _tokens(uow, sign, policy, token["person_id"], token["mobile"], token["family_id"], now)
        audit(uow, token["mobile"] or "owner", "owner_refreshed", at=now, client_address=client_address,
              family_id=token["family_id"])
        uow.commit()
    return answer


def _estates_of(uow: UnitOfWork, person_id: UUID, today: date) -> list[str]:
    """The estates of the units a person lives in (or owns) today."""
    rows = uow.execute(select(occupancies.c.estate_id).where(
        occupancies.c.person_id == person_id,
        or_(occupancies.c.moved_out_on.is_(None), occupancies.c.moved_out_on > today))).scalars().all()
    return sorted({str(e) for e in rows})
