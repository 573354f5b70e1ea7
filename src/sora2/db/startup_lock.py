"""One instance at a time runs migrations and first-run setup (secrets, the first admin), however many start at
once: a PostgreSQL advisory lock across machines, and a file lock in the data dir (and beside a SQLite file) for
instances sharing a disk."""

from __future__ import annotations

import asyncio
import fcntl
import os
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

ADVISORY_LOCK_KEY = 0x50A2_0001  # any constant shared by every instance of this application


@asynccontextmanager
async def _file_lock(path: Path) -> AsyncIterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)  # waits for the instance holding it
        yield
    finally:
        os.close(fd)  # closing releases the lock


@asynccontextmanager
async def _advisory_lock(database_url: str) -> AsyncIterator[None]:
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
            await connection.commit()
            try:
                yield
            finally:
                await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
                await connection.commit()
    finally:
        await engine.dispose()


@asynccontextmanager
async def startup_lock(data_dir: Path, database_url: str) -> AsyncIterator[None]:
    url = make_url(database_url)
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(_file_lock(data_dir / ".startup.lock"))
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            await stack.enter_async_context(_file_lock(Path(f"{url.database}.startup.lock")))
        elif url.get_backend_name() == "postgresql":
            await stack.enter_async_context(_advisory_lock(database_url))
        yield
