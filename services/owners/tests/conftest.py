"""The owners tests' fixtures (databases on PostgreSQL and SQLite, app, client, tokens): servicekit's,
with a larger import limit."""

from owners.service import SERVICE
from servicekit.testing import service_fixtures

globals().update(service_fixtures(SERVICE, max_import_bytes=32 * 1024 * 1024))
