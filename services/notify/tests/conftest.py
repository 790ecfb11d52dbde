"""The notify tests' fixtures (databases on PostgreSQL and SQLite, app, client, tokens): servicekit's.

The tests are a development machine (NOTIFY_ENVIRONMENT): a notify web they start from the
environment may keep the repository's receipts secret; a test of the refusal sets its own."""

import os

from notify.service import SERVICE
from servicekit.testing import service_fixtures

os.environ.setdefault("NOTIFY_ENVIRONMENT", "development")
globals().update(service_fixtures(SERVICE))
