"""Staff accounts and their sign-in: what a token carries, lockout with backoff, refresh rotation with
reuse detection, a disabled account, a reset password, sign-out, and the append-only audit of it all."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from gateway.keys.verifying import own_verifier
from gateway.service import SERVICE
from gateway.sign_in import use_cases
from gateway.tables import accounts, sign_in_audit
from servicekit.errors import TooMany, Unauthenticated
from servicekit.rows import now
from servicekit.testing import check_append_only

from ..conftest import PASSWORD


def _claims(token: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))


def _outcomes(db, login: str) -> list[str]:
    with db.connect() as conn:
        return list(conn.execute(select(sign_in_audit.c.outcome).where(sign_in_audit.c.login == login)
                                 .order_by(sign_in_audit.c.at, sign_in_audit.c.outcome)).scalars())


def test_a_technicians_token_names_their_staff_record_and_the_estates_of_their_territories_and_grants(
        client, auth, make_account, technician, settings):
    granted = uuid.uuid4()
    account = make_account("technician", technician["staff_id"], estates=[granted])
    tokens = account["tokens"]
    claims = own_verifier(settings).verify(tokens["access_token"])
    assert claims.subject == str(technician["staff_id"]) and claims.role == "technician"
    assert claims.estates == {str(technician["territory_estate"]), str(granted)}  # not the home estate
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == settings.access_token_seconds
    assert _claims(tokens["access_token"])["exp"] - _claims(tokens["access_token"])["iat"] == tokens["expires_in"]


def test_an_operator_admin_sees_every_estate(make_account, settings):
    tokens = make_account("operator_admin")["tokens"]
    assert own_verifier(settings).verify(tokens["access_token"]).estates is None


def test_a_released_territory_leaves_the_next_token_and_an_inactive_staff_member_signs_in_no_more(
        client, make_account, technician, owners):
    account = make_account("technician", technician["staff_id"])
    owners("owners.territory.released.v1", {"territory_id": str(technician["territory_id"]),
                                            "estate_id": str(technician["territory_estate"]),
                                            "staff_id": str(technician["staff_id"]), "building_id": None,
                                            "version": 2})
    again = client.post("/api/v1/sign-in", json={"login": account["login"], "password": PASSWORD})
    assert again.status_code == 200 and again.json["estates"] == []
    owners("owners.staff.updated.v1", {"staff_id": str(technician["staff_id"]), "estate_id": str(technician["home"]),
                                       "name": "李师傅", "role": "technician", "skills": [], "active": False,
                                       "version": 2})
    assert client.post("/api/v1/sign-in", json={"login": account["login"], "password": PASSWORD}).status_code == 401


@pytest.mark.parametrize("body, status", [
    ({"role": "owner"}, 422),
    ({"role": "technician"}, 422),                       # a technician needs their staff record
    ({"role": "technician", "staff_id": str(uuid.uuid4())}, 422),  # unknown to the copy
])
def test_an_account_that_cannot_be_made_is_refused_and_nothing_is_written(client, auth, db, key, body, status):
    answer = client.post("/api/v1/accounts", headers=auth(), json={"login": "x.y", "name": "X", **body})
    assert answer.status_code == status, answer.json
    with db.connect() as conn:
        assert conn.execute(select(accounts)).first() is None


def test_a_second_account_with_a_login_or_staff_record_is_a_conflict(client, auth, make_account, technician):
    first = make_account("technician", technician["staff_id"], login="li.shifu")
    for body in ({"login": "LI.SHIFU", "role": "operator_admin"},
                 {"login": "other", "role": "technician", "staff_id": str(technician["staff_id"])}):
        assert client.post("/api/v1/accounts", headers=auth(), json={"name": "X", **body}).status_code == 409
    assert first["login"] == "li.shifu"


def test_only_an_operator_admin_manages_accounts(client, auth, key):
    for role in ("estate_manager", "service_desk_agent", "technician", "owner", "integration_client"):
        assert client.get("/api/v1/accounts", headers=auth(role)).status_code == 403
        assert client.post("/api/v1/accounts", headers=auth(role), json={"login": "a.b", "name": "A",
                                                                        "role": "operator_admin"}).status_code == 403


def test_the_first_password_must_be_replaced_and_the_new_one_must_be_a_real_one(client, auth, key):
    made = client.post("/api/v1/accounts", headers=auth(), json={"login": "desk.1", "name": "前台",
                                                                 "role": "operator_admin"}).json
    first = client.post("/api/v1/sign-in", json={"login": "desk.1", "password": made["password"]})
    assert first.status_code == 409 and first.json["errors"] == {"new_password": ["is required"]}
    short = client.post("/api/v1/sign-in", json={"login": "desk.1", "password": made["password"],
                                                 "new_password": "short"})
    assert short.status_code == 422
    done = client.post("/api/v1/sign-in", json={"login": "desk.1", "password": made["password"],
                                                "new_password": PASSWORD})
    assert done.status_code == 200
    assert client.post("/api/v1/sign-in", json={"login": "desk.1", "password": made["password"]}).status_code == 401


def test_lockout_after_repeated_failures_with_retry_after_even_for_the_right_password(client, make_account, db,
                                                                                    settings):
    login = make_account("operator_admin")["login"]
    wrong = {"login": login, "password": "not-the-password"}
    answers = [client.post("/api/v1/sign-in", json=wrong) for _ in range(settings.lockout_after)]
    assert [a.status_code for a in answers] == [401] * settings.lockout_after
    locked = client.post("/api/v1/sign-in", json={"login": login, "password": PASSWORD})
    assert locked.status_code == 429 and 1 <= int(locked.headers["Retry-After"]) <= settings.lockout_first_seconds
    assert _outcomes(db, login).count("wrong_password") == settings.lockout_after
    assert _outcomes(db, login)[-1] == "locked"
    # An unknown login is answered the same words as a wrong password.
    unknown = client.post("/api/v1/sign-in", json={"login": "nobody-here", "password": "x"})
    assert unknown.status_code == 401 and unknown.json["detail"] == answers[0].json["detail"]
    assert _outcomes(db, "nobody-here") == ["unknown_login"]


def test_each_failure_past_the_lock_doubles_it_and_a_good_sign_in_starts_again(make_account, db, settings):
    login = make_account("operator_admin")["login"]
    uow = lambda: SERVICE.unit_of_work(sessionmaker(db, expire_on_commit=False))  # noqa: E731
    policy = use_cases.Policy(settings.lockout, timedelta(days=1))
    sign = lambda **claims: ("token", 60)  # noqa: E731  (no token is looked at here)
    t = now()
    locks = []
    for _ in range(settings.lockout_after + 2):
        with pytest.raises(Unauthenticated):
            use_cases.sign_in(uow(), sign, policy, login=login, password="wrong", now=t)
        with db.connect() as conn:
            until = conn.execute(select(accounts.c.locked_until).where(accounts.c.login == login)).scalar()
        if until is not None:
            locks.append(round((until - t).total_seconds()))
            with pytest.raises(TooMany):
                use_cases.sign_in(uow(), sign, policy, login=login, password=PASSWORD, now=t)
            t = until  # the lock is over
    first = settings.lockout_first_seconds
    assert locks == [first, 2 * first, 4 * first]
    use_cases.sign_in(uow(), sign, policy, login=login, password=PASSWORD, now=t)
    with db.connect() as conn:
        assert conn.execute(select(accounts.c.failures).where(accounts.c.login == login)).scalar() == 0


def test_a_refresh_rotates_and_a_reused_refresh_token_revokes_its_family(client, make_account, db, settings):
    account = make_account("service_desk_agent", estates=[uuid.uuid4()])
    first = account["tokens"]["refresh_token"]
    second = client.post("/api/v1/tokens/refresh", json={"refresh_token": first})
    assert second.status_code == 200 and second.json["refresh_token"] != first
    assert own_verifier(settings).verify(second.json["access_token"]).role == "service_desk_agent"
    reused = client.post("/api/v1/tokens/refresh", json={"refresh_token": first})
    assert reused.status_code == 401
    # The thief (or the owner) holding the newer token is out too: the family is revoked.
    newer = second.json["refresh_token"]
    assert client.post("/api/v1/tokens/refresh", json={"refresh_token": newer}).status_code == 401
    assert _outcomes(db, account["login"])[-3:] == ["refreshed", "refresh_reused", "refresh_refused"]
    # Signing in again starts a new family.
    fresh = client.post("/api/v1/sign-in", json={"login": account["login"], "password": PASSWORD})
    assert client.post("/api/v1/tokens/refresh", json={"refresh_token": fresh.json["refresh_token"]}).status_code == 200


def test_a_disabled_account_neither_signs_in_nor_refreshes_until_enabled(client, auth, make_account, db):
    account = make_account("estate_manager")
    refresh = account["tokens"]["refresh_token"]
    assert client.post(f"/api/v1/accounts/{account['id']}/disable", headers=auth()).json["disabled"] is True
    assert client.post("/api/v1/sign-in", json={"login": account["login"], "password": PASSWORD}).status_code == 401
    assert client.post("/api/v1/tokens/refresh", json={"refresh_token": refresh}).status_code == 401
    assert client.post(f"/api/v1/accounts/{account['id']}/enable", headers=auth()).json["disabled"] is False
    assert client.post("/api/v1/sign-in", json={"login": account["login"], "password": PASSWORD}).status_code == 200
    assert {"disabled_by_admin", "disabled", "refresh_refused", "enabled"} <= set(_outcomes(db, account["login"]))


def test_a_reset_password_is_shown_once_revokes_the_sessions_and_must_be_replaced(client, auth, make_account):
    account = make_account("operator_admin")
    reset = client.post(f"/api/v1/accounts/{account['id']}/password-reset", headers=auth())
    assert reset.status_code == 200 and reset.json["password"] and reset.json["must_change_password"]
    assert "password" not in client.get(f"/api/v1/accounts/{account['id']}", headers=auth()).json
    assert client.post("/api/v1/tokens/refresh",
                       json={"refresh_token": account["tokens"]["refresh_token"]}).status_code == 401
    assert client.post("/api/v1/sign-in", json={"login": account["login"], "password": PASSWORD}).status_code == 401
    assert client.post("/api/v1/sign-in", json={"login": account["login"],
                                                "password": reset.json["password"]}).status_code == 409


def test_sign_out_revokes_the_session(client, make_account, db):
    account = make_account("operator_admin")
    refresh = account["tokens"]["refresh_token"]
    assert client.post("/api/v1/sign-out", json={"refresh_token": refresh}).status_code == 204
    assert client.post("/api/v1/tokens/refresh", json={"refresh_token": refresh}).status_code == 401
    assert client.post("/api/v1/sign-out", json={"refresh_token": "unknown"}).status_code == 204
    assert "signed_out" in _outcomes(db, account["login"])


def test_grants_change_the_next_token_and_the_account_says_what_its_token_carries(client, auth, make_account):
    account = make_account("service_desk_agent")
    estate = uuid.uuid4()
    assert client.put(f"/api/v1/accounts/{account['id']}/estates/{estate}", headers=auth()).status_code == 204
    shown = client.get(f"/api/v1/accounts/{account['id']}", headers=auth()).json
    assert shown["estates"] == [str(estate)] == shown["granted_estates"]
    signed = client.post("/api/v1/sign-in", json={"login": account["login"], "password": PASSWORD}).json
    assert signed["estates"] == [str(estate)]
    assert client.delete(f"/api/v1/accounts/{account['id']}/estates/{estate}", headers=auth()).status_code == 204
    assert client.get(f"/api/v1/accounts/{account['id']}", headers=auth()).json["estates"] == []


def test_a_granted_permission_is_in_the_next_token_audited_and_withdrawn(client, auth, make_account, db):
    account = make_account("service_desk_agent")
    assert _claims(account["tokens"]["access_token"])["perms"] == []
    base = f"/api/v1/accounts/{account['id']}/permissions"
    assert client.put(f"{base}/pii:reveal", headers=auth("estate_manager", ["*"])).status_code == 403
    unknown = client.put(f"{base}/pii:everything", headers=auth())
    assert unknown.status_code == 422 and "pii:reveal" in unknown.json["detail"]
    assert client.put(f"{base}/pii:reveal", headers=auth()).status_code == 204
    assert client.get(f"/api/v1/accounts/{account['id']}", headers=auth()).json["permissions"] == ["pii:reveal"]
    signed = client.post("/api/v1/sign-in", json={"login": account["login"], "password": PASSWORD}).json
    assert signed["permissions"] == ["pii:reveal"] == _claims(signed["access_token"])["perms"]
    refreshed = client.post("/api/v1/tokens/refresh", json={"refresh_token": signed["refresh_token"]}).json
    assert _claims(refreshed["access_token"])["perms"] == ["pii:reveal"]
    assert client.delete(f"{base}/pii:reveal", headers=auth()).status_code == 204
    again = client.post("/api/v1/tokens/refresh", json={"refresh_token": refreshed["refresh_token"]}).json
    assert _claims(again["access_token"])["perms"] == []
    outcomes = _outcomes(db, account["login"])
    assert outcomes.count("permission_granted:pii:reveal") == 1
    assert outcomes.count("permission_withdrawn:pii:reveal") == 1


def test_the_audit_is_listed_for_the_operator(client, auth, make_account):
    account = make_account("operator_admin")
    listed = client.get(f"/api/v1/sign-in-audit?account_id={account['id']}", headers=auth()).json["items"]
    assert {e["outcome"] for e in listed} >= {"created", "password_changed", "signed_in"}
    assert client.get("/api/v1/sign-in-audit", headers=auth("estate_manager", ["*"])).status_code == 403


def test_the_audit_is_append_only(db):
    check_append_only(db, sign_in_audit, {"id": uuid.uuid4(), "at": now(), "login": "someone", "outcome": "x"},
                      "outcome")


def test_the_password_is_stored_as_an_argon2id_hash(make_account, db):
    account = make_account("operator_admin")
    with db.connect() as conn:
        stored = conn.execute(select(accounts.c.password_hash)
                              .where(accounts.c.id == uuid.UUID(account["id"]))).scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
