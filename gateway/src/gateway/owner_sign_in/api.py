"""The owners' sign-in HTTP API: a one-time code by SMS, then a token (no bearer token needed)."""

from __future__ import annotations

from flask import request

from gateway.access import SCOPE
from gateway.keys.signing import sign_for_request
from gateway.owner_sign_in import use_cases
from gateway.owner_sign_in.notify import sender
from gateway.owner_sign_in.schemas import CodeRequestSchema, CodeSentSchema, CodeSignInSchema, OwnerTokenSchema
from gateway.sign_in.schemas import RefreshSchema
from servicekit.access import ScopedBlueprint
from servicekit.web import authenticated_by, refuse
from servicekit.webapp import current_settings, unit_of_work

blp = ScopedBlueprint("owner_sign_in", __name__, url_prefix="/api/v1/owner-sign-in",
                      description="Owners' and occupants' sign-in by one-time code (业主验证码登录)", scope=SCOPE)


def _anyone() -> bool:
    return True  # the mobile and the code are the credential


def _policy() -> use_cases.CodePolicy:
    return use_cases.CodePolicy.of(current_settings())


@blp.route("/codes", methods=["POST"])
@blp.arguments(CodeRequestSchema)
@blp.response(202, CodeSentSchema)
@blp.alt_response(429, description="Too many codes for this number or from this address; Retry-After says when")
@blp.alt_response(503, description="notify did not take the SMS; try again shortly")
@blp.doc(security=[])
@authenticated_by(_anyone)
def request_code(data):
    """Send a one-time code by SMS to a person's mobile (the same answer for a number nobody has)"""
    send = sender(current_settings())
    try:
        return use_cases.request_code(unit_of_work(), send, _policy(), client_address=request.remote_addr, **data)
    except use_cases.CodeNotSent as exc:
        refuse(503, exc.en, exc.zh)


@blp.route("", methods=["POST"])
@blp.arguments(CodeSignInSchema)
@blp.response(200, OwnerTokenSchema)
@blp.alt_response(401, description="A wrong, used, expired or exhausted code")
@blp.alt_response(409, description="Several people have this mobile: say which with person_id")
@blp.doc(security=[])
@authenticated_by(_anyone)
def sign_in(data):
    """Sign in with the mobile and its one-time code: an owner's token (their person id, their units' estates)"""
    return use_cases.sign_in(unit_of_work(), sign_for_request, _policy(), client_address=request.remote_addr, **data)


@blp.route("/refresh", methods=["POST"])
@blp.arguments(RefreshSchema)
@blp.response(200, OwnerTokenSchema)
@blp.alt_response(401, description="A used, revoked, expired or unknown refresh token (reused: its family revoked)")
@blp.doc(security=[])
@authenticated_by(_anyone)
def refresh(data):
    """A new access token and the next refresh token for an owner's refresh token (used up)"""
    return use_cases.refresh(unit_of_work(), sign_for_request, _policy(), client_address=request.remote_addr, **data)
