"""Alembic environment of the owners database (run once before web processes start)."""

from alembic import context
from sqlalchemy import pool

from owners.adapters.tables import metadata
from owners.settings import Settings
from servicekit.db import make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url
engine = make_engine(url, poolclass=pool.NullPool)

with engine.connect() as connection:
    context.configure(
        connection=connection, target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite", compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
