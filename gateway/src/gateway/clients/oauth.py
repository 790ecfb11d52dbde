"""The OAuth 2.0 token endpoint (RFC 6749, section 4.4: client credentials), served by Authlib.

Authlib authenticates the client (HTTP Basic or the form's client_id and client_secret), checks the
grant type and the scopes asked for; the gateway says who the clients are (:class:`Client`, read
from its database, any secret not yet expired good: a rotation refuses nothing) and makes the token:
an access token signed like every other (role ``integration_client``, the client's estates, the
granted scopes in ``scope``). Refusals keep RFC 6749's ``error`` and ``error_description`` members in
a problem document, said in English and Chinese like every answer of the suite.
"""

from __future__ import annotations

import json
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749.errors import InvalidScopeError
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from flask import Response, current_app, request
from tenancy.roles import INTEGRATION_CLIENT

from gateway.clients import views
from gateway.domain.secrets import same_secret
from gateway.keys.signing import sign_for_request
from gateway.sign_in.audit import audit
from servicekit.errors import Message
from servicekit.rows import now
from servicekit.web import problem
from servicekit.webapp import read_session, unit_of_work

GRANT = "client_credentials"


class Client(ClientMixin):
    """An integration client as Authlib asks about it."""

    def __init__(self, row: dict[str, Any], secret_hashes: list[str]) -> None:
        self.row, self.secret_hashes = row, secret_hashes

    def get_client_id(self) -> str:
        return self.row["client_id"]

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        allowed = self.row["scopes"]
        if not scope:
            return " ".join(allowed)
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return any(same_secret(stored, client_secret) for stored in self.secret_hashes)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in CredentialsGrant.TOKEN_ENDPOINT_AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == GRANT


class CredentialsGrant(ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def validate_requested_scope(self) -> None:
        """A scope the client may not have is refused (invalid_scope), never silently left out."""
        asked = set((self.request.payload.scope or "").split())
        if asked - set(self.request.client.row["scopes"]):
            raise InvalidScopeError()


class TokenServer(AuthorizationServer):
    def query_client(self, client_id: str) -> Client | None:
        with read_session() as session:
            found = views.by_client_id(session, client_id, now())
        if found is None or found[0]["disabled"]:
            return None
        return Client(*found)

    def save_token(self, token: dict[str, Any], oauth_request: Any) -> None:
        uow = unit_of_work()
        with uow:
            audit(uow, oauth_request.client.get_client_id(), "client_token", at=now(),
                  client_address=request.remote_addr)
            uow.commit()


def _token(grant_type: str, client: Client, user: Any = None, scope: str | None = None,
           expires_in: int | None = None, include_refresh_token: bool = False) -> dict[str, Any]:
    scope = client.get_allowed_scope(scope)
    access, lifetime = sign_for_request(subject=f"client:{client.get_client_id()}", role=INTEGRATION_CLIENT,
                                        estates=client.row["estates"],
                                        claims={"scope": scope, "client_id": client.get_client_id()})
    return {"token_type": "Bearer", "access_token": access, "expires_in": lifetime, "scope": scope}


def token_server() -> TokenServer:
    """The app's token server (made once per app)."""
    server = current_app.extensions.get("gateway.token_server")
    if server is None:
        server = TokenServer()
        server.register_token_generator("default", _token)
        server.register_grant(CredentialsGrant)
        server = current_app.extensions.setdefault("gateway.token_server", server)
    return server


REFUSALS = {
    "invalid_client": Message("the client id or secret is wrong, or the client is disabled",
                              "客户端编号或密钥错误，或客户端已停用"),
    "invalid_scope": Message("a scope this client may not ask for", "该客户端无权申请此权限范围"),
    "unsupported_grant_type": Message("only grant_type=client_credentials is served here",
                                      "此处仅支持 client_credentials 授权方式"),
    "unauthorized_client": Message("this client may not use this grant", "该客户端不能使用此授权方式"),
}
MALFORMED = Message("the token request is malformed (RFC 6749: a form with grant_type=client_credentials)",
                    "令牌请求格式错误（RFC 6749：表单须含 grant_type=client_credentials）")


def token_response() -> Response:
    """Authlib's answer; a refusal as a problem document keeping RFC 6749's members."""
    answer = token_server().create_token_response()
    if answer.status_code < 400:
        return answer
    rfc = json.loads(answer.get_data() or b"{}")
    # A client that is not recognised is a 401 however it sent its credentials (RFC 6749 5.2 lets
    # Authlib answer 400 to credentials in the form; one status for one refusal is clearer).
    status = 401 if rfc.get("error") == "invalid_client" else answer.status_code
    headers = {"WWW-Authenticate": 'Basic realm="estatedesk"'} if status == 401 else None
    refused = problem(status, None, REFUSALS.get(rfc.get("error"), MALFORMED), headers=headers)
    body = {**refused.get_json(), **{k: rfc[k] for k in ("error", "error_description") if k in rfc}}
    refused.set_data(json.dumps(body, ensure_ascii=False))
    return refused
