"""Schema migrations: Alembic configured in code, run at app start and in tests."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine

from service.store.db import WRITE_OPTION, make_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
PG_MIGRATION_LOCK = 0x646F6367  # "docg": one migrator at a time across processes


def alembic_config(connection: Connection) -> Config:
    """Build the Alembic Config for our migrations, bound to `connection` (no alembic.ini)."""
    from alembic.config import Config  # Alembic is slow to import; only migrating needs it

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine_or_url: Engine | str) -> None:
    """Bring the schema to the latest revision; safe when several processes start at once."""
    from alembic import command  # Alembic is slow to import; only migrating needs it

    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    try:
        with engine.connect().execution_options(**{WRITE_OPTION: True}) as connection:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_MIGRATION_LOCK})")
                command.upgrade(alembic_config(connection), "head")
    finally:
        if engine is not engine_or_url:
            engine.dispose()
