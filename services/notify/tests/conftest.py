"""The notify tests' fixtures (databases on PostgreSQL and SQLite, app, client, tokens): servicekit's."""

from notify.service import SERVICE
from servicekit.testing import service_fixtures

globals().update(service_fixtures(SERVICE))
