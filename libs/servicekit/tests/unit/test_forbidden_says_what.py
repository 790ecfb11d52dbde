"""A 403 says which role or permission was missing (issue 15): a newcomer with the wrong token learns
which token to ask for, in English and in Chinese."""

from __future__ import annotations

from flask import Flask

from servicekit.access import ScopedBlueprint, require_permission
from servicekit.auth import TokenVerifier, issue_token
from servicekit.tokens import generate_keypair
from servicekit.web import ProblemDetailsApi, current_principal, install_authentication

PRIVATE, PUBLIC = generate_keypair()
ROLES = frozenset({"operator_admin", "service_desk_agent", "technician"})


def _client():
    app = Flask("forbidden")
    app.config.update(API_TITLE="f", API_VERSION="1", OPENAPI_VERSION="3.0.3")
    install_authentication(app, TokenVerifier(PUBLIC, issuer="gw", audience="estatedesk", roles=ROLES))
    blp = ScopedBlueprint("things", __name__, url_prefix="/api/v1/things", scope={})

    @blp.route("", methods=["GET"])
    @blp.allow({"operator_admin", "service_desk_agent"})
    def things():
        require_permission(current_principal(), "pii:reveal", "showing full phone numbers", "显示完整手机号")
        return {"ok": True}

    ProblemDetailsApi(app).register_blueprint(blp)
    return app.test_client()


def _headers(role: str, perms: tuple[str, ...] = (), language: str = "en") -> dict[str, str]:
    token = issue_token(PRIVATE, subject="x", role=role, estates=["*"], issuer="gw", audience="estatedesk",
                        permissions=perms)
    return {"Authorization": f"Bearer {token}", "Accept-Language": language}


def test_a_403_for_a_role_names_the_roles_that_may():
    client = _client()
    answer = client.get("/api/v1/things", headers=_headers("technician"))
    assert answer.status_code == 403
    assert "operator_admin, service_desk_agent" in answer.json["detail"]
    assert answer.json["errors"] == {"role": ["one of: operator_admin, service_desk_agent"]}
    chinese = client.get("/api/v1/things", headers=_headers("technician", language="zh-CN"))
    assert "需要以下角色之一" in chinese.json["detail"]


def test_a_403_for_a_permission_names_it_and_how_a_token_gets_it():
    client = _client()
    answer = client.get("/api/v1/things", headers=_headers("service_desk_agent"))
    assert answer.status_code == 403
    assert answer.json["detail"] == "showing full phone numbers needs the pii:reveal permission"
    [said] = answer.json["errors"]["permission"]
    assert said == ("missing: pii:reveal (an operator admin grants it: PUT /gateway/api/v1/accounts/<id>/"
                    "permissions/pii:reveal, then sign in again; a development token: servicekit-token issue ... "
                    "--perm pii:reveal)")
    assert client.get("/api/v1/things", headers=_headers("service_desk_agent", ("pii:reveal",))).json == {"ok": True}
