"""The Alembic environment every service's migrations run in (see :mod:`servicekit.migrate`)."""
