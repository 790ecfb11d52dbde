"""The gateway tests' fixtures (databases on PostgreSQL and SQLite, app, client, tokens): servicekit's.

The tests are a development machine (GATEWAY_ENVIRONMENT): they keep the repository's keys
passphrase; a test of the refusal sets its own."""

import os

import pytest

from gateway.app import create_app
from gateway.service import SERVICE
from servicekit.auth import TokenVerifier
from servicekit.testing import TEST_AUDIENCE, TEST_ISSUER, service_fixtures

os.environ.setdefault("GATEWAY_ENVIRONMENT", "development")
globals().update(service_fixtures(SERVICE, key_publish_seconds=60.0))


@pytest.fixture(scope="session")
def app(settings, keys):
    """The gateway's whole web app (its API, the owners' pages and the staff console)."""
    return create_app(settings, TokenVerifier(keys[1], issuer=TEST_ISSUER, audience=TEST_AUDIENCE,
                                              roles=SERVICE.roles))


@pytest.fixture(autouse=True)
def _signer_forgets_the_emptied_keys(request):
    """Each test empties the database, its keys too, which no deployment does: the app's signer
    (gateway.keys.signing, kept per app) forgets the keys' lives it kept, as a new process would."""
    if "app" in request.fixturenames:
        from gateway.keys.signing import _SIGNER

        request.getfixturevalue("app").extensions.pop(_SIGNER, None)
