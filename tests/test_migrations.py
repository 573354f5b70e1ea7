"""The migrations build exactly the schema the models describe, and there is one head; a server starting on an
up-to-date database does not load Alembic."""

from __future__ import annotations

import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from sora2.db.base import Base
from sora2.db.migrate import alembic_config, shipped_heads, upgrade
import sora2.models  # noqa: F401  (registers every table)


def test_single_head():
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, f"migrations have several heads: {heads}"


def test_migrated_schema_matches_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'schema.db'}"
    upgrade(url.replace("sqlite://", "sqlite+aiosqlite://"))
    engine = create_engine(url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_the_heads_read_from_the_files_are_alembics():
    assert shipped_heads() == set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


STARTUP_CHECK = """
import asyncio, sys
from sqlalchemy.ext.asyncio import create_async_engine
from sora2.db.migrate import database_heads, upgrade_if_behind

async def main(url):
    engine = create_async_engine(url)
    await upgrade_if_behind(engine, url)
    print(sorted(await database_heads(engine)), 'alembic' in sys.modules)
    await engine.dispose()

asyncio.run(main(sys.argv[1]))
"""


def startup_check(url: str) -> str:
    return subprocess.run([sys.executable, "-c", STARTUP_CHECK, url], capture_output=True, text=True, check=True,
                          timeout=60).stdout.strip()


def test_a_new_database_is_migrated_and_an_up_to_date_one_needs_no_alembic(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'startup.db'}"
    heads = sorted(shipped_heads())
    assert startup_check(url) == f"{heads} True"  # a new database: Alembic migrates it
    assert startup_check(url) == f"{heads} False"  # at the heads already: Alembic is not even imported
