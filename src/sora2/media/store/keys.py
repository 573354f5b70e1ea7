"""The media library's layout: one key per stored object, the same in every backend.

    videos/<id>.mp4  videos/<id>_thumb.webp  videos/<id>_sprite.jpg
    references/<id>_first.jpg  references/<id>_last.jpg  references/<id>_styleref<i>.jpg

A key is a folder and a file name; records keep the file name only (`file_name`, `thumbnail_name`,
`reference_images`). The names are part of the contract: the original frontend restores the image mode of a
template from the substrings `_first`, `_last` and `_styleref` in reference names.
"""

from __future__ import annotations

import re
from typing import Literal

from sora2.media.errors import MediaError

ReferenceKind = Literal["first", "last", "styleref"]
REFERENCE_KINDS: tuple[ReferenceKind, ...] = ("first", "last", "styleref")
VIDEOS, REFERENCES = "videos", "references"
FOLDERS = (VIDEOS, REFERENCES)
# Ids become file names: no separators, no dots, so no id can reach outside its folder.
_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
_SAFE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}")
# Which video an object belongs to, from its key alone (`storage check` uses it to find orphans).
_OWNED = re.compile(r"(?:videos/(?P<video>[A-Za-z0-9_-]+?)(?:\.mp4|_thumb\.webp|_sprite\.jpg)"
                    r"|references/(?P<ref>[A-Za-z0-9_-]+?)_(?:first|last|styleref\d+)\.jpg)")


def checked_id(video_id: str) -> str:
    if not _SAFE_ID.fullmatch(video_id):
        raise MediaError(f"Invalid video id {video_id!r}")
    return video_id


def checked_key(key: str) -> str:
    """`folder/name` with a known folder and a plain file name: nothing can point outside the library."""
    folder, _, name = key.partition("/")
    if folder not in FOLDERS or not _SAFE_NAME.fullmatch(name) or ".." in name:
        raise MediaError(f"Invalid media key {key!r}")
    return key


def is_valid_key(key: str) -> bool:
    try:
        checked_key(key)
    except MediaError:
        return False
    return True


def video_key(video_id: str) -> str:
    return f"{VIDEOS}/{checked_id(video_id)}.mp4"


def thumbnail_key(video_id: str) -> str:
    return f"{VIDEOS}/{checked_id(video_id)}_thumb.webp"


def spritesheet_key(video_id: str) -> str:
    return f"{VIDEOS}/{checked_id(video_id)}_sprite.jpg"


def reference_name(video_id: str, kind: ReferenceKind, index: int = 0) -> str:
    if kind not in REFERENCE_KINDS:
        raise MediaError(f"Unknown reference image kind {kind!r} (expected first, last or styleref)")
    if index < 0:
        raise MediaError(f"Reference image index must not be negative (got {index})")
    suffix = f"styleref{index}" if kind == "styleref" else kind
    return f"{checked_id(video_id)}_{suffix}.jpg"


def reference_key(name: str) -> str:
    """The key of a reference image by the name a record keeps."""
    return checked_key(f"{REFERENCES}/{name}")


def video_file_key(name: str) -> str:
    """The key of a video, thumbnail or sprite sheet by the name a record keeps."""
    return checked_key(f"{VIDEOS}/{name}")


def name_of(key: str) -> str:
    """The file name a record keeps for `key`."""
    return key.split("/", 1)[1]


def owner_of(key: str) -> str | None:
    """The id of the video whose object this is, or None for a key outside the layout."""
    match = _OWNED.fullmatch(key)
    return None if match is None else (match["video"] or match["ref"])


def video_sort_key(key: str) -> tuple:
    """The video first, then its previews, then references with style references in index order."""
    order = {".mp4": 0, "_thumb.webp": 1, "_sprite.jpg": 2, "_first.jpg": 3, "_last.jpg": 4}
    for suffix, rank in order.items():
        if key.endswith(suffix):
            return (rank, 0)
    styleref = re.search(r"_styleref(\d+)\.jpg$", key)
    return (5, int(styleref[1]) if styleref else 0)
