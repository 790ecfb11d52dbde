"""The embedded default: the demo loader and a search on SQLite, as ``make run`` starts them."""

from __future__ import annotations

import dataclasses

from tenancy.roles import ROLES

from owners.app import create_app
from owners.demo import DEMO
from owners.service import SERVICE
from servicekit.auth import TokenVerifier, issue_token
from servicekit.demo import load_demo
from servicekit.migrate import upgrade
from servicekit.tokens import generate_keypair


def test_the_demo_loads_and_is_searchable_on_sqlite(settings, tmp_path, capsys):
    sqlite = dataclasses.replace(settings, database_url=f"sqlite:///{tmp_path / 'owners.sqlite3'}")
    upgrade(SERVICE, sqlite.database_url)
    assert load_demo(SERVICE, sqlite, DEMO) == 0
    estate_id = capsys.readouterr().out.split()[-1]
    assert load_demo(SERVICE, sqlite, DEMO) == 0 and capsys.readouterr().out.split()[-1] == estate_id

    private, public = generate_keypair()
    verifier = TokenVerifier(public, issuer="sqlite-test", audience="estatedesk", roles=ROLES)
    client = create_app(sqlite, verifier).test_client()
    token = issue_token(private, subject="desk", role="service_desk_agent", estates=[estate_id],
                        issuer="sqlite-test", audience="estatedesk")
    headers = {"Authorization": f"Bearer {token}"}
    for q, check in (("王", lambda hit: hit["name"].startswith("王")),
                     ("15400000001", lambda hit: hit["mobiles"] == ["154****0001"]),
                     ("0001", lambda hit: hit["mobiles"] == ["154****0001"] or hit["units"]),
                     ("3栋2-1202", lambda hit: any(u["unit_number"] == "2-1202" for u in hit["units"]))):
        response = client.get("/api/v1/people", query_string={"q": q, "estate_id": estate_id}, headers=headers)
        assert response.status_code == 200, response.json
        assert response.json["items"] and all(check(hit) for hit in response.json["items"]), q
