"""``POST /api/v1/receipts/aliyun/<token>``: the delivery receipts Aliyun's SmsReport pushes.

The provider pushes without a bearer token: the secret is the ``receipts_token`` in the URL, and a
wrong one is answered 404 (as a path that does not exist), before the body is read
(:func:`servicekit.web.authenticated_by`); the OpenAPI document says so (``security: []``).
The answer is what Aliyun expects, ``{"code": 0, "msg": "成功"}``; anything else makes it push again.
The batch is stored in one statement and answered at once; the sender applies it to the messages
(:mod:`notify.receipts.use_cases`). A database outage is answered 503 (servicekit): pushed again later.
"""

from __future__ import annotations

import hmac
from typing import Any

from flask import jsonify, request
from flask_smorest import Blueprint

from notify.receipts.schemas import ANSWER, SMS_REPORT
from notify.receipts.sms_report import ALIYUN, MalformedReceipts, parse_aliyun
from notify.receipts.use_cases import store
from servicekit.guards import json_body
from servicekit.rows import now
from servicekit.web import authenticated_by, problem
from servicekit.webapp import current_settings, unit_of_work

blp = Blueprint("receipts", __name__, url_prefix="/api/v1/receipts",
                description="Delivery receipts SMS providers push (回执); no bearer token, a secret URL")


def _token_is_right() -> bool:
    given = (request.view_args or {}).get("token", "")
    return hmac.compare_digest(str(given).encode(), current_settings().receipts_token.encode())


@blp.route("/aliyun/<token>", methods=["POST"])
@blp.doc(security=[], requestBody={"required": True, "content": {"application/json": {"schema": SMS_REPORT}}})
@blp.response(200, ANSWER, description="Stored, to be applied by the sender (a receipt pushed again changes nothing)")
@blp.alt_response(400, description="Not a JSON array of SmsReport receipts")
@blp.alt_response(404, description="A wrong token")
@blp.alt_response(422, description="Text that cannot be stored")
@authenticated_by(_token_is_right)
def aliyun_receipts(token: str) -> Any:
    """Aliyun SmsReport receipts: stored once each; the sender applies them to the messages they report"""
    body = json_body()
    try:
        receipts = parse_aliyun(body)
    except MalformedReceipts as exc:
        return problem(400, None, exc.message)
    store(unit_of_work(), ALIYUN, receipts, now())
    return jsonify(code=0, msg="成功")
