"""Many videos as one ZIP, streamed.

The archive is never built in memory or on disk: zipstream-ng writes each stored MP4 into the response as it is
read (entries are STORED, not deflated: H.264 does not compress further, and stored entries let the total size be
known up front, so the browser shows real download progress). A browser cannot attach a bearer token to a
download link, so the caller first asks for a short-lived signed URL naming the videos (like the media URLs).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import anyio.from_thread
from zipstream import ZIP_STORED, ZipStream

from sora2.media import MediaStore
from sora2.media.store.keys import video_key
from sora2.models import Video
from sora2.videos.signing import MediaSigner

VARIANT = "archive"
MAX_ARCHIVE_VIDEOS = 100


def _digest(user_id: str, video_ids: Iterable[str]) -> str:
    return hashlib.sha256(f"{user_id}:{','.join(video_ids)}".encode()).hexdigest()[:40]


def signed_archive_url(signer: MediaSigner, user_id: str, video_ids: list[str]) -> str:
    expires, signature = signer.signature(_digest(user_id, video_ids), VARIANT)
    query = urlencode({"u": user_id, "ids": ",".join(video_ids), "exp": expires, "sig": signature})
    return f"/api/archives/videos.zip?{query}"


def verify_archive(signer: MediaSigner, user_id: str, ids: str, expires: str | None, sig: str | None) -> list[str]:
    """The video ids a valid signature names, or [] when it is invalid or expired."""
    video_ids = [vid for vid in ids.split(",") if vid]
    if not video_ids or not signer.verify(_digest(user_id, video_ids), VARIANT, expires, sig):
        return []
    return video_ids


def _slug(text: str, limit: int = 40) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "video"


def entry_name(video: Video) -> str:
    """Readable and unique inside the archive: the prompt's first words and the id's start."""
    return f"{_slug(video.prompt)}-{video.id[:8]}.mp4"


@dataclass(frozen=True)
class Entry:
    key: str  # the MP4 in the media store
    name: str  # its name inside the archive
    size: int


async def stored_entries(store: MediaStore, videos: Iterable[Video]) -> list[Entry]:
    """The archive's entries: each video's stored MP4 with its size (videos with no stored file are left out)."""
    entries = []
    for video in videos:
        key = video_key(video.id)
        stored = await store.stat(key)
        if stored is not None:
            entries.append(Entry(key, entry_name(video), stored.size))
    return entries


def _chunks(store: MediaStore, entry: Entry) -> Iterator[bytes]:
    """The object's bytes for zipstream, which iterates in a worker thread (see `stream`): each chunk is fetched
    on the event loop, so a bucket streams as well as a folder and never sits whole in memory."""
    chunks = store.read_range(entry.key, 0, entry.size)
    try:
        while True:
            try:
                yield anyio.from_thread.run(chunks.__anext__)
            except StopAsyncIteration:
                return
    finally:
        anyio.from_thread.run(chunks.aclose)


def build_zip(store: MediaStore, entries: list[Entry]) -> ZipStream:
    archive = ZipStream(compress_type=ZIP_STORED, sized=True)
    for entry in entries:
        archive.add(_chunks(store, entry), entry.name, size=entry.size)
    return archive


def stream(archive: ZipStream) -> Iterator[bytes]:
    """The archive's bytes (a sync iterator: Starlette runs it in a worker thread, off the event loop)."""
    yield from archive
