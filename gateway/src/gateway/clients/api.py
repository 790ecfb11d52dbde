"""The integration clients HTTP API: the operator admin's registry, and the token endpoint."""

from __future__ import annotations

from flask.views import MethodView
from tenancy.roles import OPERATORS

from gateway.access import SCOPE
from gateway.clients import oauth, use_cases, views
from gateway.clients.schemas import (
    TOKEN_ANSWER,
    TOKEN_REQUEST,
    ClientSchema,
    ClientWithSecretSchema,
    NewClientSchema,
    RotationSchema,
)
from servicekit.access import ScopedBlueprint
from servicekit.paging import PageArgs, page_schema
from servicekit.web import authenticated_by, current_principal
from servicekit.webapp import read, unit_of_work

blp = ScopedBlueprint("clients", __name__, url_prefix="/api/v1", description="Integration clients (OAuth 2.0)",
                      scope=SCOPE)


def _anyone() -> bool:
    return True  # the client authenticates in the request itself (HTTP Basic or the form)


@blp.route("/oauth/token", methods=["POST"])
@blp.doc(security=[], requestBody={"required": True, "content": {
    "application/x-www-form-urlencoded": {"schema": TOKEN_REQUEST}}}, responses={
    "200": {"description": "An access token (no refresh token: the client asks again)",
            "content": {"application/json": {"schema": TOKEN_ANSWER}}},
    "400": {"description": "A malformed request, a grant other than client_credentials, a scope the client "
                           "may not have (RFC 6749 error in `error`)",
            "content": {"application/json": {"schema": {"type": "object"}}}},
    "401": {"description": "A wrong client id or secret, or a disabled client",
            "content": {"application/json": {"schema": {"type": "object"}}}}})
@authenticated_by(_anyone)
def token():
    """The OAuth 2.0 token endpoint for other company systems: client credentials grant (RFC 6749 4.4)"""
    return oauth.token_response()


@blp.route("/clients")
class Clients(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(ClientSchema))
    @blp.allow(OPERATORS)
    def get(self, args):
        """Every integration client"""
        return read(views.client_list, args)

    @blp.arguments(NewClientSchema)
    @blp.response(201, ClientWithSecretSchema)
    @blp.allow(OPERATORS)
    def post(self, data):
        """Register a client; its secret is in this answer only"""
        return use_cases.register(unit_of_work(), current_principal(), **data)


@blp.route("/clients/<uuid:client_id>")
class Client(MethodView):
    @blp.response(200, ClientSchema)
    @blp.allow(OPERATORS)
    def get(self, client_id):
        """One integration client"""
        return read(views.client, client_id)


@blp.route("/clients/<uuid:client_id>/secrets")
class Secrets(MethodView):
    @blp.arguments(RotationSchema)
    @blp.response(201, ClientWithSecretSchema)
    @blp.allow(OPERATORS)
    def post(self, data, client_id):
        """Rotate: a new secret (in this answer only); the previous ones stay good for keep_previous_seconds"""
        return use_cases.rotate_secret(unit_of_work(), current_principal(), client_id, **data)


@blp.route("/clients/<uuid:client_id>/disable")
class Disable(MethodView):
    @blp.response(200, ClientSchema)
    @blp.allow(OPERATORS)
    def post(self, client_id):
        """Disable a client: no new token (those it has live out their minutes)"""
        return use_cases.set_disabled(unit_of_work(), current_principal(), client_id, True)


@blp.route("/clients/<uuid:client_id>/enable")
class Enable(MethodView):
    @blp.response(200, ClientSchema)
    @blp.allow(OPERATORS)
    def post(self, client_id):
        """Enable a client again"""
        return use_cases.set_disabled(unit_of_work(), current_principal(), client_id, False)
