"""The surveys tests' fixtures (databases on PostgreSQL and SQLite, app, client, tokens): servicekit's."""

from servicekit.testing import service_fixtures
from surveys.service import SERVICE

globals().update(service_fixtures(SERVICE))
