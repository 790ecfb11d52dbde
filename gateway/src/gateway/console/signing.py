"""Signing in to the console and out, the language switch, and the console's first page. The
sign-in is the gateway's staff sign-in (lockout after repeated failures, the audit, a first password
replaced); its refusals are shown in the staff member's language and never say which of the login
or the password was wrong."""

from __future__ import annotations

from typing import Any

from flask import Response, g, redirect, request
from tenancy.roles import TECHNICIAN
from werkzeug.exceptions import NotFound as PageNotFound

from gateway.console import sessions
from gateway.console.frame import (
    DESK_ROLES,
    begin,
    blp,
    checked_post,
    forget,
    page,
    policy,
    refusal,
    safe_next,
    staff_page,
)
from gateway.pages import session as cookies
from servicekit.errors import Conflict, DomainError, Invalid, TooMany
from servicekit.webapp import unit_of_work


@blp.route("/console/language/<chosen>")
def choose_language(chosen: str) -> Response:
    """Switch the console's language (zh-CN or en) and go back where the staff member was."""
    response = redirect(safe_next(request.args.get("next")))
    cookies.remember_language(response, request, chosen)
    return response


@blp.route("/console/sign-in", methods=["GET"])
def sign_in_page() -> Any:
    if g.staff is not None:
        return redirect(safe_next(request.args.get("next")))
    return page("sign_in", errors={}, login="", next=safe_next(request.args.get("next")), kept=[], expired=False)


@blp.route("/console/sign-in", methods=["POST"])
@checked_post
def sign_in() -> Any:
    form = request.form
    login, password = (form.get("login") or "").strip(), form.get("password") or ""
    target = safe_next(form.get("next"))
    kept = [(name[len("kept."):], value) for name, value in form.items(multi=True) if name.startswith("kept.")]
    errors = {name: refusal(name) for name, value in (("login", login), ("password", password)) if not value}
    if errors:
        return page("sign_in", 422, errors=errors, login=login, next=target, kept=kept, expired=bool(kept))
    try:
        opened = sessions.open_session(unit_of_work(), policy(), login=login, password=password,
                                       new_password=form.get("new_password") or None,
                                       client_address=request.remote_addr)
    except DomainError as error:
        status = 429 if isinstance(error, TooMany) else 409 if isinstance(error, Conflict) else (
            422 if isinstance(error, Invalid) else 401)
        field = "new_password" if status in (409, 422) else "password"
        return page("sign_in", status, errors={field: error.message.in_language(g.language)}, login=login,
                    next=target, kept=kept, expired=bool(kept), new_password=status in (409, 422))
    begin(opened)
    if kept:
        return page("resume", action=target, kept=kept)
    return redirect(target)


@blp.route("/console/sign-out", methods=["POST"])
@staff_page
@checked_post
def sign_out() -> Any:
    sessions.close(unit_of_work(), g.staff, request.remote_addr)
    forget()
    return redirect("/console/sign-in")


@blp.route("/console/", methods=["GET"])
@staff_page
def home() -> Any:
    """The console's first page is the staff member's work: the desk's queue for a desk role, their
    own work for a technician; any other role is greeted."""
    if g.staff.role in DESK_ROLES:
        return redirect("/console/queue")
    if g.staff.role == TECHNICIAN:
        return redirect("/console/my-work")
    return page("home")


@blp.route("/console/<path:_rest>")
def unknown(_rest: str) -> Any:
    raise PageNotFound()
