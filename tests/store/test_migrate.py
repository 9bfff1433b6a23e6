"""Migrations: an empty database reaches head, matches the models, and tolerates parallel starts."""

from concurrent.futures import ThreadPoolExecutor

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from service.store.db import make_engine
from service.store.migrate import alembic_config, upgrade
from service.store.models import Base


def head_revision(engine) -> str:
    """The head revision of the shipped migrations."""
    with engine.connect() as connection:
        return ScriptDirectory.from_config(alembic_config(connection)).get_current_head()


def test_upgrade_from_empty_reaches_head(empty_db_url):
    """upgrade() creates every table and records the head revision."""
    upgrade(empty_db_url)
    engine = make_engine(empty_db_url)
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
        assert current == head_revision(engine)
        tables = set(inspect(engine).get_table_names())
        assert tables >= {"documents", "numbers", "number_counters", "api_keys"}
    finally:
        engine.dispose()


def test_migrations_match_models(empty_db_url):
    """Autogenerate finds nothing to change after upgrading: migrations and models agree."""
    engine = make_engine(empty_db_url)
    try:
        upgrade(engine)
        upgrade(engine)  # a second run is a no-op
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    finally:
        engine.dispose()


def test_parallel_upgrades_do_not_collide(empty_db_url):
    """Several workers starting at once all succeed; the schema is created once."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(upgrade, [empty_db_url] * 4))
    engine = make_engine(empty_db_url)
    try:
        with engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head_revision(engine)
    finally:
        engine.dispose()
