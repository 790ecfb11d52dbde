"""The sign-in HTTP API: sign in, refresh, sign out (no bearer token: the body is the credential),
and the audit (operator admins)."""

from __future__ import annotations

from datetime import timedelta

from flask import request
from flask.views import MethodView
from tenancy.roles import OPERATORS

from gateway.access import SCOPE
from gateway.keys.signing import sign_for_request
from gateway.sign_in import use_cases, views
from gateway.sign_in.schemas import AuditArgs, AuditSchema, RefreshSchema, SignInSchema, TokensSchema
from servicekit.access import ScopedBlueprint
from servicekit.paging import page_schema
from servicekit.web import authenticated_by
from servicekit.webapp import current_settings, read, unit_of_work

blp = ScopedBlueprint("sign_in", __name__, url_prefix="/api/v1", description="Staff sign-in and tokens",
                      scope=SCOPE)


def _anyone() -> bool:
    return True  # the password or refresh token in the body is checked by the use case


def _policy() -> use_cases.Policy:
    settings = current_settings()
    return use_cases.Policy(lockout=settings.lockout,
                            refresh_lifetime=timedelta(seconds=settings.refresh_token_seconds))


# The body is the credential: no bearer token (the views are functions, which authenticated_by marks).
@blp.route("/sign-in", methods=["POST"])
@blp.arguments(SignInSchema)
@blp.response(200, TokensSchema)
@blp.alt_response(401, description="A wrong login or password, or a disabled account")
@blp.alt_response(409, description="The password must be replaced: sign in again with new_password")
@blp.alt_response(429, description="Locked after repeated failures; Retry-After says for how long")
@blp.doc(security=[])
@authenticated_by(_anyone)
def sign_in(data):
    """Sign in with a login and password: an access token and a refresh token. After repeated failures
    the account is locked for a while (429 with Retry-After); a first or reset password must be replaced
    (409 until new_password is given)"""
    return use_cases.sign_in(unit_of_work(), sign_for_request, _policy(), client_address=request.remote_addr,
                             **data)


@blp.route("/tokens/refresh", methods=["POST"])
@blp.arguments(RefreshSchema)
@blp.response(200, TokensSchema)
@blp.alt_response(401, description="An unknown, expired, revoked or reused refresh token")
@blp.doc(security=[])
@authenticated_by(_anyone)
def refresh(data):
    """A new access token and the next refresh token for a refresh token, which is then used up; a used one
    coming back revokes its whole family (401)"""
    return use_cases.refresh(unit_of_work(), sign_for_request, _policy(), client_address=request.remote_addr,
                             **data)


@blp.route("/sign-out", methods=["POST"])
@blp.arguments(RefreshSchema)
@blp.response(204)
@blp.doc(security=[])
@authenticated_by(_anyone)
def sign_out(data):
    """Sign out: the refresh token's family is revoked (its access token lives out its few minutes)"""
    use_cases.sign_out(unit_of_work(), client_address=request.remote_addr, **data)


@blp.route("/sign-in-audit")
class Audit(MethodView):
    @blp.arguments(AuditArgs, location="query")
    @blp.response(200, page_schema(AuditSchema))
    @blp.allow(OPERATORS)
    def get(self, args):
        """Every sign-in, refresh, sign-out and failure, and every admin's action on an account, latest first"""
        return read(views.audit_list, args)
