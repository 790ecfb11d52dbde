"""``POST /api/v1/receipts/aliyun/<token>``: the delivery receipts Aliyun's SmsReport pushes.

The provider pushes without a bearer token: the secret is the ``receipts_token`` in the URL, and a
wrong one is answered 404 (as a path that does not exist). servicekit requires a token for every
path under ``/api/``; this blueprint lets its one endpoint through that check (only with the right
URL token, before the body is read) and says so in the OpenAPI document (``security: []``).
The answer is what Aliyun expects, ``{"code": 0, "msg": "成功"}``; anything else makes it push again.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Response, jsonify, request
from flask.blueprints import BlueprintSetupState
from flask_smorest import Blueprint

from notify.sms.receipts import ALIYUN, MalformedReceipts, apply_stored, parse_aliyun, record
from servicekit.guards import load_json
from servicekit.web import problem
from servicekit.webapp import current_settings, unit_of_work

blp = Blueprint("receipts", __name__, url_prefix="/api/v1/receipts",
                description="Delivery receipts SMS providers push (回执); no bearer token, a secret URL")

_ANSWER = {"type": "object", "properties": {"code": {"type": "integer", "example": 0},
                                            "msg": {"type": "string", "example": "成功"}}}
_SMS_REPORT = {
    "type": "array", "minItems": 1, "description": "Aliyun pushes at most 100 at a time",
    "items": {"type": "object", "required": ["phone_number", "success", "biz_id"], "properties": {
        "phone_number": {"type": "string", "minLength": 1, "maxLength": 32}, "send_time": {"type": "string"},
        "report_time": {"type": "string", "description": "yyyy-MM-dd HH:mm:ss, Beijing time"},
        "success": {"type": "boolean"}, "err_code": {"type": "string", "maxLength": 100},
        "err_msg": {"type": "string", "nullable": True}, "sms_size": {"type": "string"},
        "biz_id": {"type": "string", "minLength": 1, "maxLength": 200},
        "out_id": {"type": "string", "maxLength": 256, "nullable": True},
    }},
}


def _token_is_right() -> bool:
    given = (request.view_args or {}).get("token", "")
    return hmac.compare_digest(str(given).encode(), current_settings().receipts_token.encode())


# Endpoint -> the check that stands in for the bearer token.
PUBLIC: dict[str, Callable[[], bool]] = {"receipts.aliyun_receipts": _token_is_right}


def _not_found() -> Response:
    return problem(404, "Not Found", "The requested URL was not found on the server.")


@blp.record_once
def _let_public_endpoints_through(state: BlueprintSetupState) -> None:
    """Wrap servicekit's authentication hook so the endpoints in :data:`PUBLIC` pass it on their own check."""
    hooks = state.app.before_request_funcs.setdefault(None, [])
    for index, hook in enumerate(hooks):
        if hook.__qualname__ == "install_authentication.<locals>._authenticate":
            hooks[index] = _public_or(hook)
            return
    raise RuntimeError("servicekit's authentication hook was not found: the receipts endpoint cannot be public")


def _public_or(authenticate: Callable[[], Any]) -> Callable[[], Any]:
    @functools.wraps(authenticate)
    def hook() -> Any:
        check = PUBLIC.get(request.endpoint or "")
        if check is None:
            return authenticate()
        return None if check() else _not_found()

    return hook


@blp.route("/aliyun/<token>", methods=["POST"])
@blp.doc(security=[], requestBody={"required": True, "content": {"application/json": {"schema": _SMS_REPORT}}})
@blp.response(200, _ANSWER, description="Stored (a receipt pushed again changes nothing)")
@blp.alt_response(400, description="Not a JSON array of SmsReport receipts")
@blp.alt_response(404, description="A wrong token")
@blp.alt_response(422, description="Text that cannot be stored")
def aliyun_receipts(token: str) -> Any:
    """Aliyun SmsReport receipts: stored once each and applied to the messages they report"""
    if not _token_is_right():
        return _not_found()
    body = load_json(request.get_data(as_text=True) or "null")
    try:
        receipts = parse_aliyun(body)
    except MalformedReceipts as exc:
        return problem(400, "Bad Request", str(exc))
    now = datetime.now(tz=UTC)
    with unit_of_work() as uow:
        outcome = record(uow.session, ALIYUN, receipts, now)
        uow.commit()
    for receipt_id in outcome.unsettled:  # a message being marked that moment, or none found
        with unit_of_work() as uow:
            apply_stored(uow.session, receipt_id, now)
            uow.commit()
    return jsonify(code=0, msg="成功")
