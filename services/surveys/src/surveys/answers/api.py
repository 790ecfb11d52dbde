"""Answers (答卷): the public answer API of a personal link (no login: the link's token is the
credential, and the gateway's answer page calls it), and answers staff enter (SRV-7).

A link is ``/api/v1/answers/<token>``: ``GET`` the questions and what was saved, ``PUT`` part of the
answer (resumable), ``POST .../submission`` to submit it, once. Refusals: 404 an unknown token (a
guess, counted per client address: past the limit 429 with Retry-After), 409 a link answered
already, expired or of a closed wave, 422 scores out of range or required questions left out.
"""

from __future__ import annotations

from typing import Any

from flask import request
from tenancy.roles import DESK, OWNER, STAFF

from servicekit.access import only_their_own
from servicekit.paging import page_schema
from servicekit.rows import now
from servicekit.web import authenticated_by, current_principal
from servicekit.webapp import current_settings, read, unit_of_work
from surveys.access import blueprint
from surveys.answers import use_cases, views
from surveys.answers.schemas import (
    AnswerSchema,
    ItemsSchema,
    LinkPageSchema,
    PersonsAnswersArgs,
    StaffAnswerSchema,
    SubmitSchema,
)

blp = blueprint("answers", __name__, url_prefix="/api/v1/answers",
                description="Answers (答卷): by a personal link without a login, or entered by staff")

REFUSALS = {404: "An unknown token", 409: "Answered already, expired, or its survey closed",
            429: "Too many unknown tokens from this address just now (Retry-After)"}


def _anyone_with_the_link() -> bool:
    """The link's token is the credential: the use case checks it (and counts the guesses)."""
    return True


def _client() -> str:
    return request.remote_addr or "unknown"


def _refusals(view):  # noqa: ANN001, ANN202
    for status, said in REFUSALS.items():
        view = blp.alt_response(status, description=said)(view)
    return view


@blp.route("/<token>", methods=["GET"])
@blp.doc(security=[])
@blp.response(200, LinkPageSchema())
@_refusals
@authenticated_by(_anyone_with_the_link)
def open_link(token: str) -> Any:
    """A personal link: the questions in zh-CN and English, and what was saved of the answer"""
    return use_cases.open_link(unit_of_work(), token, _client(), current_settings(), now())


@blp.route("/<token>", methods=["PUT"])
@blp.doc(security=[])
@blp.arguments(ItemsSchema())
@blp.response(200, LinkPageSchema())
@_refusals
@authenticated_by(_anyone_with_the_link)
def save_answer(data: dict[str, Any], token: str) -> Any:
    """Save part of the answer; come back to the link to go on"""
    return use_cases.save(unit_of_work(), token, _client(), current_settings(), now(), data["items"])


@blp.route("/<token>/submission", methods=["POST"])
@blp.doc(security=[])
@blp.arguments(SubmitSchema())
@blp.response(201, AnswerSchema())
@_refusals
@authenticated_by(_anyone_with_the_link)
def submit_answer(data: dict[str, Any], token: str) -> Any:
    """Submit the answer (what was saved, with these items): once"""
    return use_cases.submit(unit_of_work(), token, _client(), current_settings(), now(), data["items"])


@blp.route("", methods=["GET"])
@blp.arguments(PersonsAnswersArgs, location="query")
@blp.response(200, page_schema(AnswerSchema))
@blp.allow(STAFF | {OWNER}, rows=("person_id",))
def persons_answers(args: dict[str, Any]) -> Any:
    """What a person answered (their invitations' answers), latest first (an owner: their own only;
    another person is 404)"""
    only_their_own(args["person_id"], {OWNER})
    return read(views.persons_answers, current_principal(), args["person_id"], args)


@blp.route("", methods=["POST"])
@blp.arguments(StaffAnswerSchema())
@blp.response(201, AnswerSchema())
@blp.allow(DESK, rows=("wave_id", "unit_id"))
def enter_answer(data: dict[str, Any]) -> Any:
    """An answer staff enter from paper, a phone call, the suggestion box or a walk-in"""
    return use_cases.enter(unit_of_work(), current_principal().subject, now(), **data)
