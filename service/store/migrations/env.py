"""Alembic environment: migrations run on the connection handed over by store.migrate."""

from alembic import context

from service.store.models import Base


def run_migrations() -> None:
    """Run the pending migrations inside the caller's connection and transaction."""
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
