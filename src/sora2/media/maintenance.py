"""Library maintenance across stores: copy a library into another store (resumable, verified) and compare a store
with the records that point into it (missing and orphaned objects). Used by `sora2 storage migrate|check`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sora2.media.errors import MediaError
from sora2.media.store.base import MediaStore, StoredObject
from sora2.media.store.keys import is_valid_key, owner_of

PARALLEL_COPIES = 4
ORPHAN_GRACE_SECONDS = 600  # a write whose record is not committed yet is not an orphan
SETTLED = ("done", "failed", "expired")  # download states after which no more objects arrive


@dataclass
class MigrationReport:
    copied: int = 0
    copied_bytes: int = 0
    already_there: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


async def _same(source: MediaStore, target: MediaStore, obj: StoredObject) -> bool:
    there = await target.stat(obj.key)
    if there is None or there.size != obj.size:
        return False
    theirs = await target.checksum(obj.key)
    return theirs is not None and theirs == await source.checksum(obj.key)


async def _copy_one(source: MediaStore, target: MediaStore, obj: StoredObject, report: MigrationReport) -> None:
    try:
        if await _same(source, target, obj):
            report.already_there += 1  # copied by an earlier, interrupted run
            return
        async with source.local_copy(obj.key) as path:
            await target.put_file(obj.key, path)
        if not await _same(source, target, obj):
            raise MediaError("the copy does not match the original (size or MD5)")
        report.copied += 1
        report.copied_bytes += obj.size
    except MediaError as exc:
        report.failed.append((obj.key, exc.message))


async def migrate(source: MediaStore, target: MediaStore,
                  on_start: Callable[[int, int], None] = lambda count, size: None,
                  on_progress: Callable[[int], None] = lambda size: None) -> MigrationReport:
    """Copy every object of `source` that `target` lacks, several at a time. Each copy is verified (size and
    MD5), so a run that is interrupted and started again skips what already arrived whole."""
    objects = [obj async for obj in source.list()]
    on_start(len(objects), sum(obj.size for obj in objects))
    report, slots = MigrationReport(), asyncio.Semaphore(PARALLEL_COPIES)

    async def copy(obj: StoredObject) -> None:
        async with slots:
            await _copy_one(source, target, obj, report)
            on_progress(obj.size)

    await asyncio.gather(*(copy(obj) for obj in objects))
    return report


@dataclass
class CheckReport:
    objects: int = 0
    videos: int = 0
    missing: list[str] = field(default_factory=list)
    orphaned: list[StoredObject] = field(default_factory=list)
    in_flight: int = 0


def expected_keys(rows: Iterable) -> dict[str, str]:
    """key → video id, for every object the records say exists: a finished download's files and every
    reference image."""
    expected: dict[str, str] = {}
    for row in rows:
        names = [] if row.download_state != "done" else [row.file_name, row.thumbnail_name, row.spritesheet_name]
        keys = [f"videos/{name}" for name in names if name]
        keys += [f"references/{name}" for name in row.reference_images or []]
        expected.update({key: row.id for key in keys if is_valid_key(key)})
    return expected


async def check(store: MediaStore, rows: list, min_age: float = ORPHAN_GRACE_SECONDS) -> CheckReport:
    """Objects records point at that the store lacks (missing), and objects no record points at whose video is
    gone or settled (orphaned). Recent objects and those of videos still being made are left alone."""
    expected, videos = expected_keys(rows), {row.id: row.download_state for row in rows}
    report = CheckReport(videos=len(rows))
    listed: set[str] = set()
    recent = time.time() - min_age
    async for obj in store.list():
        report.objects += 1
        listed.add(obj.key)
        if obj.key in expected:
            continue
        owner = owner_of(obj.key)
        if obj.modified > recent or (owner in videos and videos[owner] not in SETTLED):
            report.in_flight += 1
        else:
            report.orphaned.append(obj)
    report.missing = sorted(expected.keys() - listed)
    return report

