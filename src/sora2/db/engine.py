"""Engine creation: SQLite gets WAL and sane pragmas; PostgreSQL uses asyncpg as is."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from sora2.db.session import SessionFactory


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def create_engine(url: str, pool_size: int = 10) -> AsyncEngine:
    """SQLite: `pool_size` connections kept open, half as many more in a burst (15 by default, the most SQLAlchemy's
    default of 5 + 10 allowed, so nothing that ran before now waits longer). Each aiosqlite connection is a thread
    running CPU-bound queries, so more only contend for the cores; and the default's small pool opened and closed
    connections, threads included, under every burst. PostgreSQL: `pool_size` kept open, twice as many more in a
    burst (its queries wait on the network)."""
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, pool_size=pool_size,
                                     max_overflow=pool_size // 2)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_size=pool_size, max_overflow=2 * pool_size, pool_pre_ping=True)


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    return SessionFactory(async_sessionmaker(engine, expire_on_commit=False))
