"""The gateway's demo (what `make run` prints): one account per role on the demo estate's staff, from
the gateway's copy of owners' demo estate (built by replay), each signing in with its printed
password; a staff member's token carries the demo estate by their territory; a second load finds
the accounts; and a demo owner with a mobile to sign in with."""

from __future__ import annotations

from sqlalchemy.orm import sessionmaker

from gateway.app import create_app
from gateway.demo import ACCOUNTS, DEMO, PASSWORD
from gateway.keys.use_cases import ensure_key
from gateway.keys.verifying import own_verifier
from gateway.service import SERVICE as GATEWAY
from owners.demo import load_demo_estate
from owners.replay import state_events
from owners.service import SERVICE as OWNERS
from servicekit.demo import load_demo
from servicekit.testing import replayed_copy


def test_the_demo_accounts_sign_in_and_carry_the_demo_estate(make_database, capsys):
    with replayed_copy(make_database, OWNERS, load_demo_estate, state_events, GATEWAY) as (url, engine):
        settings = GATEWAY.settings(database_url=url, amqp_url="amqp://unused", port=0, log_level="WARNING",
                                    max_body_bytes=64 * 1024, environment="development")
        ensure_key(GATEWAY.unit_of_work(sessionmaker(engine, expire_on_commit=False)), settings)
        assert load_demo(GATEWAY, settings, DEMO, door_port=8123) == 0
        printed = capsys.readouterr().out
        assert "made 4 demo accounts" in printed and "http://localhost:8123/gateway/api/v1/sign-in" in printed
        assert "owner-sign-in/codes" in printed  # the demo owner's mobile and how to ask for a code
        assert load_demo(GATEWAY, settings, DEMO) == 0
        assert "are there" in capsys.readouterr().out
        client = create_app(settings).test_client()
        verifier = own_verifier(settings)
        for login, _name, role, _staff_role in ACCOUNTS:
            answer = client.post("/api/v1/sign-in", json={"login": login, "password": PASSWORD.format(login=login)})
            assert answer.status_code == 200, answer.json
            principal = verifier.verify(answer.json["access_token"])
            assert principal.role == role
            if role != "operator_admin":
                assert len(principal.estates) == 1  # the demo estate, by the member's territory
        engine.dispose()
