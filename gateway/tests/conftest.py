"""The gateway tests' fixtures (databases on PostgreSQL and SQLite, app, client, tokens): servicekit's.

The tests are a development machine (GATEWAY_ENVIRONMENT): they keep the repository's keys
passphrase; a test of the refusal sets its own."""

import os

from gateway.service import SERVICE
from servicekit.testing import service_fixtures

os.environ.setdefault("GATEWAY_ENVIRONMENT", "development")
globals().update(service_fixtures(SERVICE, key_publish_seconds=60.0))
