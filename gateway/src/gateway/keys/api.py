"""The keys HTTP API: the JWKS (public, as every service fetches it) and the operator's rotation."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, jsonify
from flask.views import MethodView
from tenancy.roles import OPERATORS

from gateway.access import SCOPE
from gateway.keys import use_cases, views
from gateway.keys.schemas import JwksSchema, SigningKeySchema
from servicekit.access import ScopedBlueprint
from servicekit.webapp import current_settings, read, unit_of_work

blp = ScopedBlueprint("keys", __name__, description="The keys that sign the suite's tokens", scope=SCOPE)


def _lifetime() -> timedelta:
    return timedelta(seconds=current_settings().access_token_seconds)


@blp.route("/.well-known/jwks.json")
class Jwks(MethodView):
    @blp.response(200, JwksSchema)
    @blp.doc(security=[])
    def get(self) -> Response:
        """The public keys that verify the suite's tokens (JWKS, RFC 7517); no token needed"""
        response = jsonify(read(views.jwks, _lifetime()))
        # Services keep it themselves (servicekit.keys.JwksKeys); a proxy cache may keep it briefly.
        response.headers["Cache-Control"] = "public, max-age=60"
        return response


@blp.route("/api/v1/keys")
class Keys(MethodView):
    @blp.response(200, SigningKeySchema(many=True))
    @blp.allow(OPERATORS)
    def get(self):
        """Every signing key, oldest first, with what it is doing now"""
        return read(views.key_list, _lifetime())

    @blp.response(201, SigningKeySchema)
    @blp.allow(OPERATORS)
    def post(self):
        """Rotate: a new key, published now, signing once every service can have fetched it"""
        row = use_cases.rotate(unit_of_work(), current_settings())
        return {**row, "state": "next" if row["signs_from"] > row["created_at"] else "signing"}
