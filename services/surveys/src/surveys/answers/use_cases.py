"""Answering: through an invitation's personal link, without a login (partly saved and resumed
until submitted, once), or entered by staff from a paper questionnaire, a phone call, the suggestion
box or a walk-in (SRV-7), with the channel recorded. A submitted answer with a low score or a
complaint in a comment opens a follow-up visit in the same transaction (surveys.follow_ups).

A link's token is looked up by its hash. An unknown one (never issued, forged, mistyped) is a 404
and counts as a guess of the client's address (servicekit.ratelimit): past ``token_guesses`` of them
the client is answered 429 with Retry-After, even for a guess that would have been right. A link
answered already is a 409, as is one whose wave has closed or that has expired; bad scores are a 422
naming each; in every refusal nothing is stored but the guess.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update

from servicekit.errors import Conflict, Invalid, NotFound, TooMany
from servicekit.ratelimit import draw_all
from servicekit.rows import get_row
from servicekit.unit_of_work import UnitOfWork
from surveys import events
from surveys.domain.answers import AnswerError, check_items, scores
from surveys.follow_ups.use_cases import after_answer
from surveys.invitations.tokens import hash_of
from surveys.questionnaires.views import questions_of
from surveys.tables import answer_scores, answers, invitation_tokens, invitations, rate_budgets, units, waves

MAX_TOKEN = 64


def _guessed(uow: UnitOfWork, client: str, settings: Any, at: datetime) -> None:
    """Count an unknown token against the client, keep the count, and refuse."""
    wait = draw_all(uow.session, rate_budgets, f"guess {client}"[:80], 1, settings.token_guesses,
                    settings.token_guesses / settings.token_guess_seconds, at)
    uow.commit()
    if wait:
        raise TooMany("too many unknown links from this address just now; try again later",
                      "此地址近期尝试的无效链接过多，请稍后再试", retry_after=int(-(-wait // 1)))
    raise NotFound("no such invitation", "没有此邀请")


def _invitation(uow: UnitOfWork, token: str, client: str, settings: Any, at: datetime) -> dict[str, Any]:
    """The invitation of a link, usable now (locked until the transaction ends), or a refusal."""
    found = wave = None
    if 0 < len(token) <= MAX_TOKEN:
        # The wave first, held against its closing until this transaction ends (the closing keeps its
        # figures: an answer is in them or refused), then the invitation: the order the reminders lock in.
        wave = uow.execute(select(waves.c.state, waves.c.closes_at)
                           .join(invitations, invitations.c.wave_id == waves.c.id)
                           .join(invitation_tokens, invitation_tokens.c.invitation_id == invitations.c.id)
                           .where(invitation_tokens.c.token_hash == hash_of(token))
                           .with_for_update(read=True, of=waves)).first()
        found = uow.execute(select(invitations).join(invitation_tokens,
                                                     invitation_tokens.c.invitation_id == invitations.c.id)
                            .where(invitation_tokens.c.token_hash == hash_of(token))
                            .with_for_update(of=invitations)).mappings().first()
    if found is None:
        _guessed(uow, client, settings, at)
    invitation = dict(found)
    if invitation["state"] == "answered":
        raise Conflict("this invitation has been answered already", "此邀请已作答")
    if invitation["state"] == "withdrawn":
        raise Conflict("the ticket has been evaluated already", "该工单已评价")
    if invitation["wave_id"] is not None:
        _still_open(wave, at)
    if at >= invitation["expires_at"]:
        raise Conflict("this invitation has expired", "此邀请已过期")
    return invitation


def _still_open(wave: Any, at: datetime) -> None:  # noqa: ANN401  (a row or a mapping)
    """A wave takes answers while open and before its closing day ends (the timer may not have closed it yet)."""
    state, closes_at = (wave["state"], wave["closes_at"]) if isinstance(wave, dict) else (wave.state, wave.closes_at)
    if state == "scheduled":
        raise Conflict("the survey has not opened yet", "本次调查尚未开始")
    if state != "open" or at >= closes_at:
        raise Conflict("the survey has closed", "本次调查已结束")


def _draft(uow: UnitOfWork, invitation_id: UUID) -> dict[str, Any] | None:
    row = uow.execute(select(answers).where(answers.c.invitation_id == invitation_id)).mappings().first()
    return None if row is None else dict(row)


def _checked(questions: list[dict[str, Any]], items: dict[str, Any], *, complete: bool) -> dict[str, Any]:
    try:
        return check_items(questions, items, complete=complete)
    except AnswerError as wrong:
        raise Invalid("the answer does not fit the questionnaire", "答卷内容与问卷不符",
                      errors={"items": wrong.errors}) from None


def _page(invitation: dict[str, Any], questions: list[dict[str, Any]], draft: dict[str, Any] | None,
          period: str | None) -> dict[str, Any]:
    return {"invitation_id": invitation["id"], "purpose": invitation["purpose"], "period": period,
            "expires_at": invitation["expires_at"], "state": "draft" if draft else "new",
            "questions": questions, "items": draft["items"] if draft else {}}


def _period(uow: UnitOfWork, invitation: dict[str, Any]) -> str | None:
    if invitation["wave_id"] is None:
        return None
    return uow.execute(select(waves.c.period).where(waves.c.id == invitation["wave_id"])).scalar_one()


def open_link(uow: UnitOfWork, token: str, client: str, settings: Any, at: datetime) -> dict[str, Any]:
    """What a personal link shows: the questions, and what was saved of the answer so far."""
    with uow:
        invitation = _invitation(uow, token, client, settings, at)
        questions = questions_of(uow, invitation["questionnaire_version_id"])
        return _page(invitation, questions, _draft(uow, invitation["id"]), _period(uow, invitation))


def _with_items(uow: UnitOfWork, token: str, client: str, settings: Any, at: datetime, items: dict[str, Any], *,
                complete: bool) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any] | None, dict[str, Any]]:
    """A link's invitation, its questions, the answer saved so far, and that with ``items`` added, checked."""
    invitation = _invitation(uow, token, client, settings, at)
    questions = questions_of(uow, invitation["questionnaire_version_id"])
    draft = _draft(uow, invitation["id"])
    return invitation, questions, draft, _checked(questions, {**(draft["items"] if draft else {}), **items},
                                                  complete=complete)


def save(uow: UnitOfWork, token: str, client: str, settings: Any, at: datetime,
         items: dict[str, Any]) -> dict[str, Any]:
    """Save part of the answer (the items given replace those saved); resumable until submitted."""
    with uow:
        invitation, questions, draft, merged = _with_items(uow, token, client, settings, at, items, complete=False)
        if draft is None:
            draft = _new_answer(invitation, merged, "link", None, at)
            uow.execute(insert(answers).values(draft))
            uow.execute(update(invitations).where(invitations.c.id == invitation["id"])
                        .values(state="started", version=invitation["version"] + 1))
        else:
            draft = {**draft, "items": merged}
            uow.execute(update(answers).where(answers.c.id == draft["id"]).values(items=merged))
        page = _page(invitation, questions, draft, _period(uow, invitation))
        uow.commit()
        return page


def submit(uow: UnitOfWork, token: str, client: str, settings: Any, at: datetime,
           items: dict[str, Any]) -> dict[str, Any]:
    """Submit the answer (what was saved, with the items given): once, every required question answered."""
    with uow:
        invitation, questions, draft, merged = _with_items(uow, token, client, settings, at, items, complete=True)
        answer = _new_answer(invitation, merged, "link", None, at) if draft is None else {**draft, "items": merged}
        answer = _submitted(uow, answer, questions, invitation, at, new=draft is None)
        uow.commit()
        return answer


def enter(uow: UnitOfWork, entered_by: str, at: datetime, *, wave_id: UUID, channel: str, items: dict[str, Any],
          unit_id: UUID | None = None) -> dict[str, Any]:
    """An answer staff enter for a wave, submitted at once; a household the wave invited has its
    invitation answered by it (no reminder follows), and one that answered already is refused."""
    with uow:
        # Held against its closing until this transaction ends: an answer is in its kept figures or refused.
        wave = get_row(uow, waves, wave_id, "wave", what_zh="调查", lock=True, share=True)
        _still_open(wave, at)
        building_id = None
        if unit_id is not None:
            unit = uow.execute(select(units).where(units.c.id == unit_id)).mappings().first()
            if unit is None or unit["estate_id"] != wave["estate_id"]:
                raise Invalid("no such unit in the wave's estate", "调查所在小区没有此房屋",
                              errors={"unit_id": ["not in the wave's estate"]})
            building_id = unit["building_id"]
        invitation = None if unit_id is None else uow.execute(
            select(invitations).where(invitations.c.wave_id == wave_id, invitations.c.unit_id == unit_id)
            .with_for_update()).mappings().first()
        if invitation is not None and invitation["state"] == "answered":
            raise Conflict("this household has answered already", "该住户已作答")
        if invitation is not None and _draft(uow, invitation["id"]) is not None:
            raise Conflict("this household has started answering through its link", "该住户已通过链接开始作答")
        questions = questions_of(uow, wave["questionnaire_version_id"])
        answer = {"id": uuid.uuid4(), "invitation_id": invitation and invitation["id"], "estate_id": wave["estate_id"],
                  "wave_id": wave_id, "ticket_id": None, "unit_id": unit_id, "building_id": building_id,
                  "questionnaire_version_id": wave["questionnaire_version_id"], "channel": channel,
                  "items": _checked(questions, items, complete=True), "state": "draft", "entered_by": entered_by,
                  "started_at": at, "submitted_at": None}
        answer = _submitted(uow, answer, questions, invitation and dict(invitation), at, new=True)
        uow.commit()
        return answer


def _new_answer(invitation: dict[str, Any], items: dict[str, Any], channel: str, entered_by: str | None,
                at: datetime) -> dict[str, Any]:
    return {"id": uuid.uuid4(), "invitation_id": invitation["id"], "estate_id": invitation["estate_id"],
            "wave_id": invitation["wave_id"], "ticket_id": invitation["ticket_id"], "unit_id": invitation["unit_id"],
            "building_id": None, "questionnaire_version_id": invitation["questionnaire_version_id"],
            "channel": channel, "items": items, "state": "draft", "entered_by": entered_by, "started_at": at,
            "submitted_at": None}


def _submitted(uow: UnitOfWork, answer: dict[str, Any], questions: list[dict[str, Any]],
               invitation: dict[str, Any] | None, at: datetime, *, new: bool) -> dict[str, Any]:
    """Write the answer as submitted, its scores, the invitation answered, and the event."""
    if answer["building_id"] is None and answer["unit_id"] is not None:
        answer["building_id"] = uow.execute(select(units.c.building_id).where(units.c.id == answer["unit_id"])).scalar()
    answer = {**answer, "state": "submitted", "submitted_at": at}
    if new:
        uow.execute(insert(answers).values(answer))
    else:
        uow.execute(update(answers).where(answers.c.id == answer["id"]).values(
            items=answer["items"], state="submitted", submitted_at=at, building_id=answer["building_id"]))
    scored = scores(questions, answer["items"])
    if scored:
        uow.execute(insert(answer_scores), [
            {"answer_id": answer["id"], "code": code, "element": element, "estate_id": answer["estate_id"],
             "wave_id": answer["wave_id"], "building_id": answer["building_id"], "score": score}
            for code, element, score in scored])
    if invitation is not None:
        uow.execute(update(invitations).where(invitations.c.id == invitation["id"])
                    .values(state="answered", answered_at=at, version=invitation["version"] + 1))
    uow.record(events.ANSWER_SUBMITTED, answer["id"], events.answer_payload(answer, invitation, scored))
    after_answer(uow, answer, questions, invitation, at)  # a low score or a complaint: a follow-up visit
    return answer
