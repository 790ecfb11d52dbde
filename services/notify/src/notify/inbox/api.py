"""The in-app inbox of a person (NTF-6): their messages newest first with the unread count, one
message, and the read receipts (open one, mark all read).

The desk and managers read the inboxes of their estates' people; an owner (a resident) reads only
their own: the person id in the path must be their token's ``sub`` (checked once, for every route,
by :class:`PersonalBlueprint`). Read receipts are recorded by the owner opening a message, or by an
integration client (the residents' app) on their behalf, never by the desk looking at an inbox: a
receipt must prove the person read it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from typing import Any
from uuid import UUID

from tenancy.roles import DESK, INTEGRATION_CLIENT, OWNER

from notify.access import SCOPE
from notify.inbox import use_cases, views
from notify.inbox.schemas import InboxArgs, InboxMessageSchema, InboxPageSchema, MarkedSchema
from servicekit.access import ScopedBlueprint, only_their_own
from servicekit.rows import now
from servicekit.webapp import read, unit_of_work

READERS = DESK | {OWNER}
RECEIPT_TAKERS = frozenset({OWNER, INTEGRATION_CLIENT})


class PersonalBlueprint(ScopedBlueprint):
    """A blueprint whose every route names a person (``person_id``): after the role and estate
    checks of :meth:`allow`, an owner is let through to their own person only."""

    def allow(self, roles: Collection[str], **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        checked = super().allow(roles, **kwargs)
        return lambda view: checked(_own_only(view))


def _own_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """An owner's token names the person it is (``sub``): another person's inbox is 404 to them, as a
    person that does not exist (like another estate's), so an owner learns nothing of their neighbours."""
    @functools.wraps(view)
    def own(*args: Any, person_id: UUID, **kwargs: Any) -> Any:
        only_their_own(person_id, {OWNER})
        return view(*args, person_id=person_id, **kwargs)

    return own


blp = PersonalBlueprint("inbox", __name__, scope=SCOPE, url_prefix="/api/v1/people",
                        description="A person's in-app inbox and its read receipts (站内信)")


@blp.route("/<uuid:person_id>/inbox", methods=["GET"])
@blp.arguments(InboxArgs(), location="query")
@blp.response(200, InboxPageSchema)
@blp.allow(READERS)
def person_inbox(args: dict[str, Any], person_id: UUID) -> Any:
    """The person's in-app messages, newest first, and how many are unread"""
    return read(views.inbox, person_id, args)


@blp.route("/<uuid:person_id>/inbox/<uuid:message_id>", methods=["GET"])
@blp.response(200, InboxMessageSchema)
@blp.allow(READERS)
def inbox_message(person_id: UUID, message_id: UUID) -> Any:
    """One message of the inbox (reading it here records no receipt)"""
    return read(views.message, person_id, message_id)


@blp.route("/<uuid:person_id>/inbox/<uuid:message_id>/read", methods=["POST"])
@blp.response(200, InboxMessageSchema)
@blp.allow(RECEIPT_TAKERS)
def open_inbox_message(person_id: UUID, message_id: UUID) -> Any:
    """The person opened the message: read, with read_at and a history row (the read receipt), once"""
    return use_cases.open_message(unit_of_work(), person_id, message_id, now())


@blp.route("/<uuid:person_id>/inbox/read-all", methods=["POST"])
@blp.response(200, MarkedSchema)
@blp.allow(RECEIPT_TAKERS)
def read_all(person_id: UUID) -> Any:
    """Mark every unread message of the inbox read (a receipt for each)"""
    return use_cases.mark_all_read(unit_of_work(), person_id, now())
