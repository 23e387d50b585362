"""Alembic environment: runs against the engine the application hands over."""

from alembic import context
from sqlmodel import SQLModel

import obligations.store  # noqa: F401  (registers the tables on the metadata)

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
