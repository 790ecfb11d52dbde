"""The console's frame: its blueprint (every page under ``/console/``), the session each request
opens, the CSRF check, the language, and what every page is rendered with. The areas (the queue,
a ticket, a person, notices, surveys, the dashboard) add their routes to :data:`blp`.

A page calls the services over HTTP with the staff member's own token (gateway.pages.backends), so
each service checks and scopes the call as if they called it through the front door; a page never
reads a service's database. A service's 401 ends the session (sign in again); its 403 or 404 is this
console's "not found" page, so another estate's record is as absent here as in the API."""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, g, redirect, render_template, request
from tenancy.roles import ESTATE_MANAGER, MANAGERS, OPERATOR_ADMIN, SERVICE_DESK_AGENT, TECHNICIAN
from werkzeug.exceptions import NotFound as PageNotFound
from werkzeug.exceptions import RequestEntityTooLarge

from gateway.console import sessions
from gateway.console.texts import REFUSALS, TEXTS
from gateway.edge.route_table import ROUTES
from gateway.pages import session as cookies
from gateway.pages.backends import CALL_SLOTS, Backends, Refused, Unavailable
from gateway.pages.texts import say
from gateway.sign_in import use_cases as sign_in
from servicekit.errors import DomainError
from servicekit.webapp import current_settings, read, unit_of_work

log = logging.getLogger(__name__)

blp = Blueprint("console", __name__, template_folder="templates", static_folder="static",
                static_url_path="/console/static")

COOKIE = "ed_staff"
HOME = "/console/"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# How long a page waits for a service (an attachment's upload included).
SERVICE_TIMEOUT_SECONDS = 15.0
# The console's pages as their headers are sent: no script, style or frame from elsewhere.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
                                "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


# The console's menu: (path, phrase, the roles it is shown to). A page checks its own roles too (and
# each service checks the token): the menu only leaves out what a role cannot use.
DESK_ROLES = frozenset({OPERATOR_ADMIN, ESTATE_MANAGER, SERVICE_DESK_AGENT})
MENU: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("/console/queue", "menu_queue", DESK_ROLES),
    ("/console/entry", "menu_entry", DESK_ROLES),
    ("/console/my-work", "menu_my_work", frozenset({TECHNICIAN})),
    ("/console/notices", "menu_notices", DESK_ROLES),
    ("/console/surveys", "menu_surveys", DESK_ROLES),
    ("/console/dashboard", "menu_dashboard", DESK_ROLES),
    ("/console/desk", "menu_desk", DESK_ROLES),
    ("/console/register", "menu_register", frozenset(MANAGERS)),
)


# --- the session, the language and the page frame ------------------------------------------------

def _signer() -> Any:
    return cookies.serializer(current_settings().keys_passphrase, purpose="staff console", salt="staff-console")


def _max_age() -> int:
    return int(current_settings().refresh_token_seconds)


@blp.before_request
def _open_session() -> None:
    if request.endpoint == "console.static":
        return
    g.console = cookies.load(request, _signer(), _max_age(), COOKIE)
    g.language = cookies.language(request)
    g.staff = read(sessions.find, g.console.get("sid"), g.console.get("key"))


@blp.after_request
def _keep_session(response: Response) -> Response:
    if request.endpoint != "console.static" and "console" in g:
        cookies.store(response, request, _signer(), g.console, _max_age(), COOKIE, same_site="Strict")
        response.headers.update(SECURITY_HEADERS)
    return response


def t(key: str) -> str:
    """A phrase of the console in the staff member's language."""
    return say(key, g.language, TEXTS)


def refusal(key: str) -> str:
    return say(key, g.language, REFUSALS)


def local(at: str | datetime | None, shown: str = "%m-%d %H:%M") -> str:
    """An ISO time as the estate's clock shows it (12-06 15:04)."""
    if not at:
        return ""
    when = at if isinstance(at, datetime) else datetime.fromisoformat(str(at).replace("Z", "+00:00"))
    return when.astimezone(SHANGHAI).strftime(shown)


def clock_text(seconds: float | None) -> str:
    """``1天 02:03:04`` / ``02:03:04``: an SLA clock's time left or overdue, written as the queue's and
    a ticket's clocks write it in the browser (queue.js, ticket.js) before their scripts tick."""
    if seconds is None:
        return ""
    days, rest = divmod(abs(int(seconds)), 86400)
    shown = f"{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"
    return f"{days}{t('days')} {shown}" if days else shown


def attachment(content: bytes, media: str, name: str) -> Response:
    """A file a service gave (an export, a report), handed to the browser to save as ``name``."""
    return Response(content, mimetype=media.split(";")[0],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """``templates/console/<template>.html`` in the console's frame."""
    staff = g.get("staff")
    menu = [(path, key) for path, key, roles in MENU if staff is not None and staff.role in roles]
    return render_template(f"console/{template}.html", t=t, lang=g.language, csrf=g.console[cookies.CSRF_FIELD],
                           staff=staff, local=local, path=request.full_path.rstrip("?"), menu=menu,
                           **context), status


def backends() -> Backends:
    """The services, called with the signed-in staff member's token and language."""
    settings = current_settings()
    upstreams = settings.upstreams({r.service: r.port for r in ROUTES})
    staff = g.get("staff")
    return Backends(upstreams, SERVICE_TIMEOUT_SECONDS, g.language, staff.access if staff else None,
                    request.remote_addr, current_app.extensions.get(CALL_SLOTS))


def policy() -> sign_in.Policy:
    settings = current_settings()
    return sign_in.Policy(lockout=settings.lockout, refresh_lifetime=timedelta(seconds=settings.refresh_token_seconds))


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a console path, never elsewhere."""
    if not target or not target.startswith(HOME) or "//" in target or "\\" in target:
        return HOME
    return target


def staff_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """A page for a signed-in staff member. Not signed in (or the session ended): a GET goes to the
    sign-in page and comes back; a POST shows the sign-in page holding what the form sent, so a
    half-filled form is not lost when a session runs out (nothing is changed until it is sent again
    after signing in). The access token is refreshed a minute before it runs out."""
    @functools.wraps(view)
    def signed(*args: Any, **kwargs: Any) -> Any:
        opened = g.staff
        if opened is not None and opened.needs_refresh():
            try:
                opened = g.staff = sessions.refreshed(unit_of_work(), policy(), opened, request.remote_addr)
            except DomainError:
                opened = g.staff = None
        if opened is None:
            forget()
            return sign_in_again()
        return view(*args, **kwargs)

    return signed


def require_role(roles: Any) -> None:
    """A page of other roles' is not there for this one (the console's 404 page)."""
    if g.staff is None or g.staff.role not in set(roles):
        raise PageNotFound()


def desk_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """A page of the desk (agents, estate managers, operator admins) for a signed-in staff member; to
    anyone else (a technician, who sees only their own work) it does not exist."""
    @functools.wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        require_role(DESK_ROLES)
        return view(*args, **kwargs)

    return staff_page(checked)


def staff_estates() -> list[dict[str, Any]]:
    """The estates the staff member works for, by name (owners answers only theirs): every page of
    owners' list, up to 1,000 estates."""
    found: list[dict[str, Any]] = []
    for number in range(1, 11):
        answer = backends().get("owners", "/api/v1/estates", page=number, page_size=100)
        found += answer["items"]
        if not answer.get("has_more"):
            break
    return found


def sign_in_again() -> Any:
    if request.method == "GET":
        if request.headers.get("HX-Request"):  # a live part of a page: send the whole page to sign in
            return Response(status=204, headers={"HX-Redirect": f"/console/sign-in?next={request.full_path}"})
        return redirect(f"/console/sign-in?next={request.full_path.rstrip('?')}")
    kept = [(name, value) for name, value in request.form.items(multi=True) if name != cookies.CSRF_FIELD]
    return page("sign_in", 401, errors={}, login="", next=request.path, kept=kept, expired=True)


def checked_post(view: Callable[..., Any]) -> Callable[..., Any]:
    """A POST whose form does not carry the session's CSRF token is refused (400) before anything is
    read or changed."""
    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        sent = request.form.get(cookies.CSRF_FIELD) or request.headers.get("X-CSRF-Token")
        if not cookies.csrf_ok(g.console, sent):
            return page("message", 400, title=t("console"), message=refusal("csrf"))
        return view(*args, **kwargs)

    return guarded


def begin(opened: sessions.Opened) -> None:
    """A new session in the cookie (and a new CSRF token)."""
    g.staff = opened
    g.console = {cookies.CSRF_FIELD: secrets.token_urlsafe(24), "sid": str(opened.id), "key": opened.key}


def forget() -> None:
    g.console = {cookies.CSRF_FIELD: g.console[cookies.CSRF_FIELD]}
    g.staff = None


# --- what every page answers when a service refuses or cannot be reached ---------------------------

@blp.errorhandler(Unavailable)
def _unavailable(_error: Unavailable) -> Any:
    return page("message", 503, title=t("console"), message=t("unavailable"))


@blp.errorhandler(Refused)
def _refused(error: Refused) -> Any:
    if error.status == 401:
        forget()
        return sign_in_again()
    if error.status in (403, 404):
        return page("message", 404, title=t("console"), message=t("not_found"))
    return page("message", error.status, title=t("console"), message=error.message)


@blp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge) -> Any:
    return page("message", 413, title=t("console"), message=refusal("too_large"))


@blp.errorhandler(PageNotFound)
def _not_found(_error: PageNotFound) -> Any:
    return page("message", 404, title=t("console"), message=t("not_found"))
