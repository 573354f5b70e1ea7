"""What a media request is authorised from: a few columns of the video, cached per instance.

A player seeking through one video sends a Range request per seek, each needing the same answer to "whose video is
this, is it complete, what are its file names". The answer is read with a plain select on a pooled connection (no
session, no ORM object) and kept while the owner's library is unchanged: the list cache's versions, bumped by
every committed change's VideoUpdated/LibraryChanged event, decide that, and a suspended list cache (an instance
that cannot hear the others' invalidations) suspends this one too.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from sora2.errors import NotFound
from sora2.media import MediaError
from sora2.media.store.keys import reference_key, video_file_key
from sora2.videos.listcache import ListCache
from sora2.videos.repository import media_columns


@dataclass(frozen=True, slots=True)
class MediaRecord:
    id: str
    user_id: str
    status: str
    file_name: str | None
    thumbnail_name: str | None
    spritesheet_name: str | None
    reference_images: list[str] | None

    def key(self, variant: str) -> str:
        """The store key of one of the video's files; NotFound when it has none (or a name that is no key)."""
        names = {"video": self.file_name, "thumbnail": self.thumbnail_name, "spritesheet": self.spritesheet_name,
                 "reference": (self.reference_images or [None])[0]}
        name = names.get(variant)
        if name is None:
            raise NotFound("File not found")
        try:
            return reference_key(name) if variant == "reference" else video_file_key(name)
        except MediaError:
            raise NotFound("File not found") from None


class MediaRecords:
    def __init__(self, engine: AsyncEngine, versions: ListCache, max_entries: int = 10_000) -> None:
        self._engine = engine
        self._versions = versions
        self._max = max_entries
        self._entries: dict[str, tuple[int, MediaRecord]] = {}

    async def get(self, video_id: str) -> MediaRecord | None:
        """The video's record, or None when there is no such video (misses are not cached: it may be created)."""
        entry = self._entries.get(video_id)
        if entry is not None and self._fresh(*entry):
            return entry[1]
        stamp = self._versions.stamp  # taken before the read: an invalidation during it outdates the entry
        async with self._engine.connect() as connection:
            row = await media_columns(connection, video_id)
        if row is None:
            self._entries.pop(video_id, None)
            return None
        record = MediaRecord(*row)
        if not self._versions.suspended:
            if len(self._entries) >= self._max:
                self._entries.clear()
            self._entries[video_id] = (stamp, record)
        return record

    def _fresh(self, stamp: int, record: MediaRecord) -> bool:
        return not self._versions.suspended and self._versions.version(record.user_id) <= stamp
