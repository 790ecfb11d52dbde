"""A database outage is answered 503 with Retry-After by every service, by one mechanism
(servicekit.webapp.install_database_outage): a provider pushing receipts, or a client, tries again
later instead of reading a 500 as a fault of its request; once the database is back, the same
request is answered as usual."""

from __future__ import annotations

import pytest

from notify.service import SERVICE as NOTIFY
from owners.service import SERVICE as OWNERS
from servicekit.auth import TokenVerifier
from servicekit.testing import TEST_AUDIENCE, TEST_ISSUER, database_down, migrated_database, token_headers
from servicekit.tokens import generate_keypair
from servicekit.webapp import OUTAGE_RETRY_AFTER_SECONDS, create_service_app
from tickets.service import SERVICE as TICKETS

# A list of each service that reads its database.
READS = {OWNERS: "/api/v1/estates", TICKETS: "/api/v1/categories", NOTIFY: "/api/v1/templates"}


@pytest.mark.parametrize("service", list(READS), ids=lambda service: service.name)
def test_a_database_outage_is_a_503_problem_with_retry_after_and_then_answers_again(
        service, make_database, tmp_path_factory) -> None:  # noqa: ANN001
    url = migrated_database(service, "postgresql", make_database, tmp_path_factory)
    private, public = generate_keypair()
    settings = service.settings(database_url=url, amqp_url="amqp://unused", port=0, log_level="WARNING",
                                max_body_bytes=64 * 1024)
    app = create_service_app(service, settings, TokenVerifier(public, issuer=TEST_ISSUER,
                                                              audience=TEST_AUDIENCE, roles=service.roles))
    client, headers = app.test_client(), token_headers(private)()
    path = READS[service]
    assert client.get(path, headers=headers).status_code == 200  # a pooled connection, cut below

    with database_down(url):
        for language, says in (("en", "database cannot be reached"), ("zh-CN", "暂时无法连接数据库")):
            answer = client.get(path, headers={**headers, "Accept-Language": language})
            assert answer.status_code == 503, answer.get_data(as_text=True)
            assert answer.mimetype == "application/problem+json"
            assert answer.headers["Retry-After"] == str(OUTAGE_RETRY_AFTER_SECONDS)
            assert says in answer.json["detail"] and answer.json["status"] == 503
        assert client.get("/readyz").status_code == 503

    assert client.get(path, headers=headers).status_code == 200
