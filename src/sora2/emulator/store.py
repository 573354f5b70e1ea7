"""On-disk state: one JSON file per job under `jobs/`, media under `media/<id>/`. Blocking: call in a thread.

Every write is atomic (temp file in the same folder, fsync, rename), so a crash leaves the old or the new file,
never half of one; leftover temp files are swept at load.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import shutil
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from sora2.emulator.jobs import Job

log = logging.getLogger(__name__)

TEMP_PREFIX = ".tmp-"
MEDIA_FILES = {"video": "video.mp4", "thumbnail": "thumbnail.webp", "spritesheet": "spritesheet.jpg"}
MEDIA_TYPES = {"video": "video/mp4", "thumbnail": "image/webp", "spritesheet": "image/jpeg"}
REFERENCE_FILE = "reference.img"


def file_key(job_id: str) -> str:
    """A file name for a job id: the id itself, or its digest when it is too long for one (gateway-style ids)."""
    return job_id if len(job_id) <= 100 else hashlib.sha256(job_id.encode()).hexdigest()


def temp_path_for(path: Path) -> Path:
    """A sibling temp name: same filesystem (so rename is atomic) and recognisable for the sweep."""
    return path.with_name(f"{TEMP_PREFIX}{secrets.token_hex(6)}-{path.name}")


def commit_file(temp: Path, path: Path) -> None:
    """fsync `temp`, then rename it over `path`."""
    with open(temp, "rb+") as handle:
        os.fchmod(handle.fileno(), 0o600)  # prompts and videos are private, whatever the umask
        os.fsync(handle.fileno())
    os.replace(temp, path)


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temp = temp_path_for(path)
    try:
        temp.write_bytes(data)
        commit_file(temp, path)
    finally:
        temp.unlink(missing_ok=True)


class StoredJob(Protocol):
    """What the store needs of a job record: an id, a creation order and a JSON round trip."""

    id: str
    seq: int

    def to_json(self) -> dict[str, Any]: ...


J = TypeVar("J", bound=StoredJob)


class JobStore(Generic[J]):
    """Job records of one emulated provider; `job_type` is its record class (`from_json` builds one)."""

    def __init__(self, jobs_dir: Path, media_dir: Path, job_type: Any = Job) -> None:
        self.jobs_dir = jobs_dir
        self.media_dir = media_dir
        self.job_type = job_type

    def ensure_dirs(self) -> None:
        self.jobs_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.media_dir.mkdir(mode=0o700, parents=True, exist_ok=True)

    def save(self, job: J) -> None:
        write_atomic(self.jobs_dir / f"{file_key(job.id)}.json", json.dumps(job.to_json(), sort_keys=True).encode())

    def load_all(self) -> list[J]:
        """Every stored job (tombstones of deleted ones included), oldest first; unreadable files are skipped."""
        jobs: list[J] = []
        for path in self.jobs_dir.glob("*.json"):
            if path.name.startswith(TEMP_PREFIX):
                continue
            try:
                jobs.append(self.job_type.from_json(json.loads(path.read_text())))
            except (OSError, ValueError, TypeError) as exc:
                log.warning("emulator: skipping unreadable job file %s (%s)", path.name, exc)
        self._sweep_temp_files()
        return sorted(jobs, key=lambda job: job.seq)

    def _sweep_temp_files(self) -> None:
        for pattern in (f"{TEMP_PREFIX}*", f"*/{TEMP_PREFIX}*"):
            for directory in (self.jobs_dir, self.media_dir):
                for temp in directory.glob(pattern):
                    temp.unlink(missing_ok=True)

    def media_folder(self, job_id: str) -> Path:
        return self.media_dir / file_key(job_id)

    def media_path(self, job_id: str, variant: str) -> Path:
        return self.media_folder(job_id) / MEDIA_FILES[variant]

    def save_reference(self, job_id: str, data: bytes) -> None:
        write_atomic(self.media_folder(job_id) / REFERENCE_FILE, data)

    def load_reference(self, job_id: str) -> bytes | None:
        path = self.media_folder(job_id) / REFERENCE_FILE
        return path.read_bytes() if path.exists() else None

    def remove_rendered_media(self, job_id: str) -> None:
        """Drops the downloadable files (expiry) but keeps the reference, which is not downloadable anyway."""
        for name in MEDIA_FILES.values():
            (self.media_folder(job_id) / name).unlink(missing_ok=True)

    def remove_all_media(self, job_id: str) -> None:
        shutil.rmtree(self.media_folder(job_id), ignore_errors=True)
