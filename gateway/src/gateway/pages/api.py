"""The owners' pages' routes (GW-3), served at the front door under ``/my/`` and ``/survey/``
(gateway.edge.route_table). Each parses its form, checks the CSRF token of a POST, calls one use case
or view, and renders a page; a refused form is shown again with the refusal beside it, in the
owner's language, and nothing is changed. Another household's ticket or notice is a 404 page, as a
service answers the owner's token."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, Response, current_app, g, redirect, render_template, request
from marshmallow import ValidationError
from werkzeug.exceptions import NotFound as PageNotFound
from werkzeug.exceptions import RequestEntityTooLarge

from gateway.edge.route_table import ROUTES
from gateway.pages import session, use_cases, views
from gateway.pages.backends import CALL_SLOTS, Backends, CallSlots, Refused, Unavailable
from gateway.pages.schemas import (
    COMPLAINT_CLASSES,
    REPAIR_CATEGORIES,
    CodeRequestForm,
    EvaluationForm,
    ReportForm,
    SignInForm,
    cleaned,
)
from gateway.pages.texts import REFUSALS, say
from servicekit.errors import DomainError, TooMany
from servicekit.webapp import current_settings, unit_of_work

blp = Blueprint("pages", __name__, template_folder="templates", static_folder="static",
                static_url_path="/my/static")

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A report's body: the form and a photo of at most 10 MB (the front door's /my/ route takes 11 MiB).
MAX_REPORT_BYTES = 11 * 1024 * 1024
# How long a page waits for a service (a photo upload included) before it says "try again shortly".
SERVICE_TIMEOUT_SECONDS = 15.0


def install(app: Flask, web_threads: int) -> None:
    """The pages on ``app``, whose workers each run ``web_threads`` threads (their call slots)."""
    app.extensions[CALL_SLOTS] = CallSlots(web_threads)
    app.register_blueprint(blp)


# --- the session, the language and the page frame ------------------------------------------------

def _signer() -> Any:
    return session.serializer(current_settings().keys_passphrase)


def _max_age() -> int:
    return int(current_settings().refresh_token_seconds)


@blp.before_request
def _open_session() -> None:
    if request.endpoint != "pages.static":
        g.pages = session.load(request, _signer(), _max_age())
        g.language = session.language(request)


@blp.after_request
def _keep_session(response: Response) -> Response:
    if request.endpoint != "pages.static" and "pages" in g:
        session.store(response, request, _signer(), g.pages, _max_age())
        response.headers["Cache-Control"] = "no-store"
        response.headers["Content-Security-Policy"] = ("default-src 'self'; img-src 'self' data:; "
                                                       "style-src 'self'; frame-ancestors 'none'")
        response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def t(key: str) -> str:
    return say(key, g.language)


def refusal(key: str) -> str:
    return say(key, g.language, REFUSALS)


def _local(at: str | None, with_year: bool = False) -> str:
    """An ISO time as the estate's clock shows it: 12-06 15:04 (2026-12-06 15:04 with the year)."""
    if not at:
        return ""
    shown = "%Y-%m-%d %H:%M" if with_year else "%m-%d %H:%M"
    return datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(SHANGHAI).strftime(shown)


def _duration(minutes: int | None) -> str:
    """A promised time: 30 分钟, 4 小时, 2 天; in English 30 min, 4 h, 1 day."""
    if minutes is None:
        return "—"
    if minutes % 1440 == 0:
        count, unit = minutes // 1440, "days"
    elif minutes % 60 == 0:
        count, unit = minutes // 60, "hours"
    else:
        count, unit = minutes, "minutes"
    if g.language == "en" and unit == "days" and count == 1:
        return "1 day"
    return f"{count} {t(unit)}"


def page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    kept = g.pages
    return render_template(f"{template}.html", t=t, lang=g.language, csrf=kept[session.CSRF_FIELD],
                           signed_in="access" in kept, estate_name=kept.get("estate_name", ""),
                           local=_local, duration=_duration, path=request.path, **context), status


def _backends(signed: bool = True) -> Backends:
    settings = current_settings()
    upstreams = settings.upstreams({r.service: r.port for r in ROUTES})
    return Backends(upstreams, SERVICE_TIMEOUT_SECONDS, g.language,
                    g.pages.get("access") if signed else None, _client(), current_app.extensions[CALL_SLOTS])


def _client() -> str | None:
    return request.remote_addr


def owner_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """A page for a signed-in owner: the sign-in page otherwise; their access token refreshed first
    when it is about to run out (a refresh refused: signed out)."""
    @functools.wraps(view)
    def signed(*args: Any, **kwargs: Any) -> Any:
        kept = g.pages
        if "access" not in kept:
            return redirect("/my/sign-in")
        if use_cases.needs_refresh(kept):
            try:
                kept.update(use_cases.refreshed(unit_of_work(), current_settings(), kept["refresh"], _client()))
            except DomainError:
                _forget()
                return redirect("/my/sign-in")
        return view(*args, **kwargs)

    return signed


def checked_post(view: Callable[..., Any]) -> Callable[..., Any]:
    """A POST whose form does not carry the session's CSRF token is refused (400) before anything is
    read or changed."""
    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not session.csrf_ok(g.pages, request.form.get(session.CSRF_FIELD)):
            return page("message", 400, title=t("app"), message=refusal("csrf"))
        return view(*args, **kwargs)

    return guarded


def _forget() -> None:
    g.pages = {session.CSRF_FIELD: g.pages[session.CSRF_FIELD]}


def _field_errors(error: ValidationError) -> dict[str, str]:
    return {name: refusal(name) for name in error.messages if name in REFUSALS}


@blp.errorhandler(Unavailable)
def _unavailable(_error: Unavailable) -> Any:
    return page("message", 503, title=t("app"), message=t("unavailable"))


@blp.errorhandler(Refused)
def _refused(error: Refused) -> Any:
    if error.status == 401:
        _forget()
        return redirect("/my/sign-in")
    if error.status in (403, 404):
        return page("message", 404, title=t("app"), message=t("not_found"))
    return page("message", error.status, title=t("app"), message=error.message)


@blp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge) -> Any:
    return page("message", 413, title=t("app"), message=refusal("too_large"))


@blp.errorhandler(PageNotFound)
def _not_found(_error: PageNotFound) -> Any:
    return page("message", 404, title=t("app"), message=t("not_found"))


@blp.route("/my/language/<chosen>")
def choose_language(chosen: str) -> Response:
    """Switch the pages' language (zh-CN or en) and go back where the visitor was."""
    back = request.args.get("next", "/my/")
    if not (back.startswith("/my/") or back.startswith("/survey/")) or "//" in back:
        back = "/my/"
    response = redirect(back)
    session.remember_language(response, request, chosen)
    return response


@blp.route("/my/<path:_rest>")
def unknown(_rest: str) -> Any:
    raise PageNotFound()


# --- signing in and out ----------------------------------------------------------------------------

@blp.route("/my/sign-in", methods=["GET"])
def sign_in_page() -> Any:
    if "access" in g.pages:
        return redirect("/my/")
    return page("sign_in", step="mobile", mobile="", errors={})


@blp.route("/my/sign-in/code", methods=["POST"])
@checked_post
def send_code() -> Any:
    try:
        form = CodeRequestForm().load(cleaned(request.form))
    except ValidationError as error:
        return page("sign_in", 422, step="mobile", mobile=request.form.get("mobile", ""),
                    errors=_field_errors(error))
    try:
        use_cases.request_code(unit_of_work(), current_settings(), form["mobile"], _client())
    except DomainError as error:
        return page("sign_in", 429 if isinstance(error, TooMany) else 422, step="mobile", mobile=form["mobile"],
                    errors={"mobile": error.message.in_language(g.language)})
    except use_cases.owner_sign_in.CodeNotSent as error:
        return page("sign_in", 503, step="mobile", mobile=form["mobile"],
                    errors={"mobile": error.en if g.language == "en" else error.zh})
    return page("sign_in", step="code", mobile=form["mobile"], errors={})


@blp.route("/my/sign-in", methods=["POST"])
@checked_post
def sign_in() -> Any:
    try:
        form = SignInForm().load(cleaned(request.form))
    except ValidationError as error:
        return page("sign_in", 422, step="code", mobile=request.form.get("mobile", ""), errors=_field_errors(error))
    try:
        kept = use_cases.signed_in(unit_of_work(), current_settings(), form["mobile"], form["code"], _client())
    except DomainError as error:
        return page("sign_in", 401, step="code", mobile=form["mobile"],
                    errors={"code": error.message.in_language(g.language)})
    g.pages.update(kept)
    g.pages[session.CSRF_FIELD] = uuid.uuid4().hex  # a new session, a new token
    places = views.places(_backends())
    g.pages["estate_name"] = " · ".join(dict.fromkeys(p["estate_name"] for p in places))
    return redirect("/my/")


@blp.route("/my/sign-out", methods=["POST"])
@checked_post
def sign_out() -> Any:
    use_cases.sign_out(unit_of_work(), g.pages.get("refresh"), _client())
    _forget()
    return redirect("/my/sign-in")


# --- tickets ---------------------------------------------------------------------------------------

@blp.route("/my/", methods=["GET"])
@owner_page
def home() -> Any:
    return page("home", tickets=views.my_tickets(_backends()))


def _report_form(status: int = 200, errors: dict[str, str] | None = None, form: dict[str, Any] | None = None,
                 message: str = "") -> Any:
    return page("report", status, places=views.places(_backends()), categories=REPAIR_CATEGORIES,
                classes=COMPLAINT_CLASSES, errors=errors or {}, form=form or {"key": str(uuid.uuid4())},
                message=message)


@blp.route("/my/report", methods=["GET"])
@owner_page
def report_page() -> Any:
    return _report_form()


@blp.route("/my/report", methods=["POST"])
@owner_page
def report() -> Any:
    request.max_content_length = MAX_REPORT_BYTES
    if not session.csrf_ok(g.pages, request.form.get(session.CSRF_FIELD)):
        return page("message", 400, title=t("app"), message=refusal("csrf"))
    sent = cleaned(request.form)
    try:
        form = ReportForm().load(sent)
    except ValidationError as error:
        return _report_form(422, _field_errors(error), dict(request.form))
    needed = "category" if form["kind"] == "repair" else "complaint_class"
    if not form.get(needed):
        return _report_form(422, {needed: refusal(needed)}, dict(request.form))
    place = next((p for p in views.places(_backends()) if str(p["id"]) == str(form["unit"])), None)
    if place is None:
        return _report_form(422, {"unit": refusal("unit")}, dict(request.form))
    upload = request.files.get("photo")
    photo = None
    if upload is not None and upload.filename:
        data = upload.stream.read(use_cases.MAX_PHOTO_BYTES + 1)
        try:
            use_cases.check_photo(data)
        except use_cases.PhotoRefused:
            return _report_form(422, {"photo": refusal("photo")}, dict(request.form))
        photo = (upload.filename, data)
    try:
        ticket_id, photo_kept = use_cases.report(_backends(), place, form, photo)
    except Refused as refused:
        if refused.status in (401, 403, 404):
            raise
        return _report_form(refused.status, {}, dict(request.form), refused.message)
    done = "reported" if photo_kept else "photo"
    return redirect(f"/my/tickets/{ticket_id}?done={done}")


@blp.route("/my/tickets/<uuid:ticket_id>", methods=["GET"])
@owner_page
def ticket_page(ticket_id: UUID) -> Any:
    done = request.args.get("done")
    return page("ticket", found=views.ticket(_backends(), ticket_id), errors={}, form={},
                done=done if done in ("reported", "photo", "evaluated") else None)


@blp.route("/my/tickets/<uuid:ticket_id>/photos/<uuid:attachment_id>", methods=["GET"])
@owner_page
def ticket_photo(ticket_id: UUID, attachment_id: UUID) -> Any:
    data, content_type = views.photo(_backends(), ticket_id, attachment_id)
    return Response(data, content_type=content_type, headers={"Cache-Control": "private, max-age=3600"})


@blp.route("/my/tickets/<uuid:ticket_id>/evaluation", methods=["POST"])
@owner_page
@checked_post
def evaluate(ticket_id: UUID) -> Any:
    try:
        form = EvaluationForm().load(cleaned(request.form))
    except ValidationError as error:
        return page("ticket", 422, found=views.ticket(_backends(), ticket_id), errors=_field_errors(error),
                    form=dict(request.form), done=None)
    try:
        use_cases.evaluate(_backends(), ticket_id, form["score"], form["comment"])
    except Refused as refused:
        if refused.status in (401, 403, 404):
            raise
        return page("ticket", refused.status, found=views.ticket(_backends(), ticket_id),
                    errors={"score": refused.message}, form=dict(request.form), done=None)
    return redirect(f"/my/tickets/{ticket_id}?done=evaluated")


# --- notices and commitments -----------------------------------------------------------------------

@blp.route("/my/notices", methods=["GET"])
@owner_page
def notices() -> Any:
    return page("notices", inbox=views.notices(_backends(), g.pages["person"]))


@blp.route("/my/notices/read", methods=["POST"])
@blp.route("/my/notices/<uuid:message_id>/read", methods=["POST"])
@owner_page
@checked_post
def read_notice(message_id: UUID | None = None) -> Any:
    use_cases.mark_read(_backends(), g.pages["person"], message_id)
    return redirect("/my/notices")


@blp.route("/my/commitments", methods=["GET"])
@owner_page
def commitments() -> Any:
    return page("commitments", estates=views.commitments(_backends(), g.pages.get("estates", [])))


# --- a survey from its link, without signing in ----------------------------------------------------

@blp.route("/survey/<token>", methods=["GET"])
def survey(token: str) -> Any:
    found = views.survey(_backends(signed=False), token)
    return page("survey", found=found, items=found.get("items") or {}, errors={}, message="", token=token)


@blp.route("/survey/<token>", methods=["POST"])
@checked_post
def answer_survey(token: str) -> Any:
    backends = _backends(signed=False)
    found = views.survey(backends, token)
    items = use_cases.answer_items(found["questions"], request.form)
    submitting = request.form.get("action") == "submit"
    try:
        if submitting:
            use_cases.submit_answer(backends, token, items)
        else:
            found = use_cases.save_answer(backends, token, items)
    except Refused as refused:
        if refused.status != 422:
            raise
        named = refused.errors if isinstance(refused.errors, dict) else {}
        named = named.get("items", named) if isinstance(named.get("items", named), dict) else {}
        errors = {code: refusal("question") for code in named}
        return page("survey", 422, found=found, items=_as_items(request.form), errors=errors,
                    message=refusal("answer") if errors else refused.message, token=token)
    if submitting:
        return page("message", title=t("survey"), message=t("thanks"))
    return page("survey", found=found, items=found.get("items") or {}, errors={}, message=t("saved"), token=token)


def _as_items(form: Any) -> dict[str, dict[str, str]]:
    """What was sent, by question, to show again on a refused form."""
    items: dict[str, dict[str, str]] = {}
    for name, value in form.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "q":
            items.setdefault(parts[1], {})[parts[2]] = value
    return items
