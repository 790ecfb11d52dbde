"""What an owner does through the pages. Signing in and out are the gateway's own use cases (the
owners' sign-in by SMS code); everything else is one or two calls to the services with the owner's
token (gateway.pages.backends). Each checks what it can before it calls, so a refused form changes
nothing: a photo that is not one is refused before the ticket is opened."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any
from uuid import UUID

from gateway.keys.signing import sign_for_request
from gateway.owner_sign_in import use_cases as owner_sign_in
from gateway.owner_sign_in.notify import sender
from gateway.pages.backends import Backends, Refused, Unavailable
from gateway.sign_in import use_cases as sign_in
from servicekit.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

MAX_PHOTO_BYTES = 10 * 1024 * 1024
# What a photo's first bytes are: JPEG, PNG, WebP (RIFF....WEBP), HEIC (....ftypheic / mif1 / heix).
_PHOTO_STARTS = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
_HEIF_BRANDS = (b"heic", b"heix", b"mif1", b"msf1", b"hevc")
# Refresh the access token this long before it runs out.
REFRESH_AHEAD_SECONDS = 60


class PhotoRefused(ValueError):
    """Not a photo the tickets service takes, or larger than it takes."""


def check_photo(data: bytes) -> None:
    if not data or len(data) > MAX_PHOTO_BYTES:
        raise PhotoRefused()
    heif = data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS
    webp = data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    if not (data.startswith(_PHOTO_STARTS) or heif or webp):
        raise PhotoRefused()


def request_code(uow: UnitOfWork, settings: Any, mobile: str, client_address: str | None) -> None:
    """Send a one-time code to the mobile (the same for a number nobody has)."""
    owner_sign_in.request_code(uow, sender(settings), owner_sign_in.CodePolicy.of(settings), mobile=mobile,
                               client_address=client_address)


def signed_in(uow: UnitOfWork, settings: Any, mobile: str, code: str, client_address: str | None) -> dict[str, Any]:
    """Sign in with the code: what the session keeps (the tokens, the person, their estates)."""
    answer = owner_sign_in.sign_in(uow, sign_for_request, owner_sign_in.CodePolicy.of(settings), mobile=mobile,
                                   code=code, client_address=client_address)
    return _kept(answer)


def refreshed(uow: UnitOfWork, settings: Any, refresh_token: str, client_address: str | None) -> dict[str, Any]:
    answer = owner_sign_in.refresh(uow, sign_for_request, owner_sign_in.CodePolicy.of(settings),
                                   refresh_token=refresh_token, client_address=client_address)
    return _kept(answer)


def _kept(answer: dict[str, Any]) -> dict[str, Any]:
    return {"access": answer["access_token"], "refresh": answer["refresh_token"], "person": answer["person_id"],
            "estates": answer["estates"], "until": int(time.time()) + int(answer["expires_in"])}


def needs_refresh(kept: dict[str, Any]) -> bool:
    return int(kept.get("until", 0)) - time.time() < REFRESH_AHEAD_SECONDS


def sign_out(uow: UnitOfWork, refresh_token: str | None, client_address: str | None) -> None:
    """End the session: its refresh token's family revoked (the access token lives out its minutes)."""
    if refresh_token:
        sign_in.sign_out(uow, refresh_token=refresh_token, client_address=client_address)


def report(backends: Backends, place: dict[str, Any], form: dict[str, Any],
           photo: tuple[str, bytes] | None) -> tuple[str, bool]:
    """Open the ticket as the owner (once per form: its key), then attach the photo. The ticket's id,
    and whether the photo was kept: a photo the tickets service refused or could not take (down, 5xx)
    is not, and the ticket stays opened (the page says so; it never says "nothing was saved")."""
    body = {"estate_id": place["estate_id"], "unit_id": str(place["id"]), "kind": form["kind"],
            "title": form["title"], "description": form.get("description") or ""}
    if form["kind"] == "repair":
        body["category"] = form["category"]
    else:
        body["complaint_class"] = form["complaint_class"]
    key = form.get("key") or str(uuid.uuid4())
    ticket = backends.call("tickets", "POST", "/api/v1/tickets", json=body, headers={"Idempotency-Key": key})
    if photo is None:
        return ticket["id"], True
    filename, data = photo
    try:
        backends.call("tickets", "POST", f"/api/v1/tickets/{ticket['id']}/attachments",
                      files={"file": (filename or "photo", data)})
    except (Refused, Unavailable) as exc:
        log.warning("ticket %s opened from the owners' pages without its photo: %s", ticket["id"],
                    getattr(exc, "message", None) or type(exc).__name__)
        return ticket["id"], False
    return ticket["id"], True


def evaluate(backends: Backends, ticket_id: UUID, score: int, comment: str) -> None:
    """The owner's own rating of their resolved ticket (channel ``owner``)."""
    backends.call("tickets", "POST", f"/api/v1/tickets/{ticket_id}/evaluate", json={"score": score, "comment": comment})


def mark_read(backends: Backends, person_id: str, message_id: UUID | None) -> None:
    """A read receipt for one message of their inbox, or for every unread one."""
    path = f"/api/v1/people/{person_id}/inbox/" + (f"{message_id}/read" if message_id else "read-all")
    backends.call("notify", "POST", path)


def answer_items(questions: list[dict[str, Any]], form: dict[str, str]) -> dict[str, Any]:
    """A survey form's fields as surveys' items: ``q.<code>.score|choice|text|comment``. Whatever is
    not a whole number stays as it was sent, for surveys to refuse in its own words."""
    items: dict[str, Any] = {}
    for question in questions:
        code, kind = question["code"], question["kind"]
        field = {"scale": "score", "choice": "choice"}.get(kind, "text")
        value = (form.get(f"q.{code}.{field}") or "").strip()
        if not value:
            continue
        item: dict[str, Any] = {field: int(value) if field == "score" and value.isdigit() else value}
        comment = (form.get(f"q.{code}.comment") or "").strip()
        if kind == "scale" and comment:
            item["comment"] = comment
        items[code] = item
    return items


def save_answer(backends: Backends, token: str, items: dict[str, Any]) -> dict[str, Any]:
    return backends.call("surveys", "PUT", f"/api/v1/answers/{token}", json={"items": items})


def submit_answer(backends: Backends, token: str, items: dict[str, Any]) -> dict[str, Any]:
    return backends.call("surveys", "POST", f"/api/v1/answers/{token}/submission", json={"items": items})
