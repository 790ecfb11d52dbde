"""``POST /api/v1/receipts/aliyun/<token>``: the delivery receipts Aliyun's SmsReport pushes.

The provider pushes without a bearer token: the secret is the ``receipts_token`` in the URL, and a
wrong one is answered 404 (as a path that does not exist), before the body is read
(:func:`servicekit.web.authenticated_by`); the OpenAPI document says so (``security: []``).
The answer is what Aliyun expects, ``{"code": 0, "msg": "成功"}``; anything else makes it push again.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from typing import Any

from flask import jsonify, request
from flask_smorest import Blueprint

from notify.sms.receipts import ALIYUN, MalformedReceipts, apply_stored, parse_aliyun, record
from servicekit.guards import load_json
from servicekit.web import authenticated_by, problem
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


@blp.route("/aliyun/<token>", methods=["POST"])
@blp.doc(security=[], requestBody={"required": True, "content": {"application/json": {"schema": _SMS_REPORT}}})
@blp.response(200, _ANSWER, description="Stored (a receipt pushed again changes nothing)")
@blp.alt_response(400, description="Not a JSON array of SmsReport receipts")
@blp.alt_response(404, description="A wrong token")
@blp.alt_response(422, description="Text that cannot be stored")
@authenticated_by(_token_is_right)
def aliyun_receipts(token: str) -> Any:
    """Aliyun SmsReport receipts: stored once each and applied to the messages they report"""
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
