"""The owners' pages' own rules, without I/O: what a photo is, how a survey form becomes surveys'
items, the CSRF check, the language, and that every phrase is said in both languages."""

from __future__ import annotations

import pytest
from werkzeug.test import EnvironBuilder

from gateway.pages import session, use_cases
from gateway.pages.backends import Refused, Unavailable
from gateway.pages.texts import REFUSALS, TEXTS, say

HEADS = {
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "webp": b"RIFF\x24\x00\x00\x00WEBPVP8 ",
    "heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00",
}


@pytest.mark.parametrize("kind", sorted(HEADS))
def test_a_photo_is_known_by_its_first_bytes(kind: str) -> None:
    use_cases.check_photo(HEADS[kind] + b"\x00" * 64)


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7\n", b"<?php echo 1; ?>", b"GIF89a", b"RIFF\x00\x00\x00\x00AVI ",
                                  b"\xff\xd8\xff" + b"\x00" * use_cases.MAX_PHOTO_BYTES])
def test_anything_else_or_a_photo_too_large_is_refused(data: bytes) -> None:
    with pytest.raises(use_cases.PhotoRefused):
        use_cases.check_photo(data)


QUESTIONS = [
    {"code": "attitude", "kind": "scale", "min": 1, "max": 5, "comment": True},
    {"code": "satisfied", "kind": "choice", "options": [{"code": "yes"}, {"code": "no"}]},
    {"code": "remarks", "kind": "text"},
    {"code": "overall", "kind": "scale", "min": 1, "max": 5},
]


def test_a_survey_form_becomes_surveys_items_leaving_out_the_unanswered() -> None:
    form = {"q.attitude.score": "4", "q.attitude.comment": " 很热情 ", "q.satisfied.choice": "yes",
            "q.remarks.text": "", "q.overall.score": "", "q.unknown.score": "5", "csrf": "x"}
    assert use_cases.answer_items(QUESTIONS, form) == {
        "attitude": {"score": 4, "comment": "很热情"}, "satisfied": {"choice": "yes"}}


def test_a_score_that_is_not_a_whole_number_is_left_for_surveys_to_refuse() -> None:
    assert use_cases.answer_items(QUESTIONS, {"q.overall.score": "4.5"}) == {"overall": {"score": "4.5"}}


@pytest.mark.parametrize("sent", [None, "", "wrong", "正确的令牌"])
def test_a_post_is_let_through_only_with_the_sessions_own_token(sent: str | None) -> None:
    assert not session.csrf_ok({"csrf": "the-token"}, sent)
    assert session.csrf_ok({"csrf": "the-token"}, "the-token")


def test_a_session_cookie_that_was_altered_is_a_new_empty_session() -> None:
    signer = session.serializer("a passphrase")
    cookie = signer.dumps({"csrf": "abc", "access": "token"})
    request = EnvironBuilder(headers={"Cookie": f"{session.COOKIE}={cookie[:-2]}xx"}).get_request()
    found = session.load(request, signer, 3600)
    assert "access" not in found and found["csrf"] != "abc"
    good = EnvironBuilder(headers={"Cookie": f"{session.COOKIE}={cookie}"}).get_request()
    assert session.load(good, signer, 3600) == {"csrf": "abc", "access": "token"}


@pytest.mark.parametrize(("cookie", "language"), [(None, "zh-CN"), ("en", "en"), ("fr", "zh-CN")])
def test_chinese_first_english_when_chosen(cookie: str | None, language: str) -> None:
    headers = {"Cookie": f"{session.LANGUAGE_COOKIE}={cookie}"} if cookie else {}
    assert session.language(EnvironBuilder(headers=headers).get_request()) == language


def test_every_phrase_and_refusal_is_said_in_chinese_and_english() -> None:
    for table in (TEXTS, REFUSALS):
        for key, (zh, en) in table.items():
            assert any("\u4e00" <= ch <= "\u9fff" for ch in zh) or key in ("switch", "per"), key
            assert en.strip() and say(key, "en", table) == en and say(key, "zh-CN", table) == zh


class _Tickets:
    """The tickets service as the pages' Backends see it: opens the ticket, then fails the photo as told."""

    def __init__(self, photo_fails_with: Exception | None) -> None:
        self.photo_fails_with, self.calls = photo_fails_with, []

    def call(self, service: str, method: str, path: str, **_: object) -> dict:
        self.calls.append((service, method, path))
        if path.endswith("/attachments") and self.photo_fails_with is not None:
            raise self.photo_fails_with
        return {"id": "t-1"}


PLACE = {"estate_id": "e-1", "id": "u-1"}
FORM = {"kind": "repair", "category": "plumbing", "title": "厨房水管漏水"}


@pytest.mark.parametrize("failure", [Unavailable(), Refused(413, "文件过大")])
def test_a_photo_the_tickets_service_did_not_take_is_reported_as_not_kept(failure: Exception) -> None:
    tickets = _Tickets(failure)
    assert use_cases.report(tickets, PLACE, FORM, ("漏水.png", HEADS["png"])) == ("t-1", False)
    assert [path for _, _, path in tickets.calls] == ["/api/v1/tickets", "/api/v1/tickets/t-1/attachments"]


def test_a_report_with_its_photo_kept_or_without_one_says_so() -> None:
    assert use_cases.report(_Tickets(None), PLACE, FORM, ("漏水.png", HEADS["png"])) == ("t-1", True)
    assert use_cases.report(_Tickets(None), PLACE, FORM, None) == ("t-1", True)
