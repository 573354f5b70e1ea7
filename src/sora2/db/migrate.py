"""Apply Alembic migrations shipped inside the package (startup and `sora2 db upgrade`).

A server starting on a database that is already up to date (the usual case: `make run` migrates first, and every
restart after that) does not import Alembic at all: the shipped heads are read from the version files and compared
with the database's `alembic_version`. That keeps Alembic and Mako (≈ 10 MB) out of an idle server's memory.
"""

from __future__ import annotations

import asyncio
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^revision\s*(?::[^=]+)?=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\s*(?::[^=]+)?=\s*(.+)$", re.MULTILINE)


def alembic_config(database_url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url)
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Blocking; env.py runs its own event loop, so call it from a thread when a loop is running."""
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


async def upgrade_async(database_url: str) -> None:
    await asyncio.to_thread(upgrade, database_url)


@cache
def shipped_heads() -> frozenset[str]:
    """The revisions no other shipped migration builds on (what Alembic calls the heads), from the files alone."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        if revision := _REVISION.search(source):
            revisions.add(revision.group(1))
        if down := _DOWN_REVISION.search(source):
            parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return frozenset(revisions - parents)


async def database_heads(engine: AsyncEngine) -> frozenset[str]:
    """The revisions the database is at; empty for a new database."""
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return frozenset(row[0] for row in rows)
    except DBAPIError:
        return frozenset()  # no alembic_version table yet


async def upgrade_if_behind(engine: AsyncEngine, database_url: str) -> None:
    """Migrate unless the database is already at the shipped heads (then Alembic is not even imported)."""
    if await database_heads(engine) != shipped_heads():
        await upgrade_async(database_url)
