"""Owner-only files and folders for everything the server keeps: the database (and its WAL/SHM files), media,
generated secrets, emulator jobs. Whatever the umask a server is started under:
- the data dir is 700 (so nothing inside can be reached by another local user, even files an older version left
  readable), folders made here are 700 and files 600;
- SQLite's database file is created 600 before SQLite opens it: SQLite gives its -wal and -shm files the mode of
  the database file;
- the server commands also tighten the process umask (`private_umask`), so files that libraries create get no
  group or world bits either.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def private_umask() -> None:
    """No group or world bits on anything this process creates from now on (the owner's own bits are kept)."""
    os.umask(os.umask(0o077) | 0o077)


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) owner-only; an existing folder loses its group and world bits."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    _tighten(path, PRIVATE_DIR)
    return path


def _tighten(path: Path, ceiling: int) -> None:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & ~ceiling:
            os.chmod(path, mode & ceiling)
    except FileNotFoundError:
        pass


def sqlite_path(database_url: str) -> Path | None:
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def secure_data_dir(data_dir: Path, database_url: str) -> None:
    """At startup, before the database is opened: the data dir 700, the SQLite files 600 (created so if new)."""
    private_dir(data_dir)
    database = sqlite_path(database_url)
    if database is None:
        return
    database.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    if not database.exists():
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE))  # SQLite takes an empty file as new
    for suffix in SQLITE_COMPANIONS:
        _tighten(database.with_name(database.name + suffix), PRIVATE_FILE)
