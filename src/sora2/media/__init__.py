"""Media: the store (local folder or S3-compatible bucket), MP4 verification, frames (thumbnail, sprite sheet,
last frame, screenshots), image fitting and HTTP byte ranges. Decoding is synchronous (asyncio.to_thread);
the store is async.

Decoding and imaging load PyAV, Pillow and numpy (≈ 45 MB resident): their names are resolved on first use
(PEP 562), so a server that only serves the library never loads them. Callers that need them import them in the
function that uses them, not at the top of a module that loads at start.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from sora2.media.atomic import AtomicWriter, atomic_write_bytes, atomic_writer
from sora2.media.errors import MediaError, RangeNotSatisfiable
from sora2.media.ranges import ByteRange, content_range_header, parse_range, unsatisfied_range_header
from sora2.media.sniff import sniff_image_mime
from sora2.media.store import (
    Location, MediaNotFound, MediaStore, StoredObject, StoreUnavailable, open_store,
)
from sora2.media.store.keys import ReferenceKind

if TYPE_CHECKING:
    from sora2.media.frames import (
        Frame, SpriteInfo, extract_frames, extract_last_frame, make_spritesheet, make_thumbnail, screenshot_times,
        spritesheet_bytes, thumbnail_bytes,
    )
    from sora2.media.images import fit_image, image_size, load_image
    from sora2.media.probe import Mp4Info, verify_mp4

_LAZY = {
    **dict.fromkeys(("Frame", "SpriteInfo", "extract_frames", "extract_last_frame", "make_spritesheet",
                     "make_thumbnail", "screenshot_times", "spritesheet_bytes", "thumbnail_bytes"), "frames"),
    **dict.fromkeys(("fit_image", "image_size", "load_image"), "images"),
    **dict.fromkeys(("Mp4Info", "verify_mp4"), "probe"),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sora2.media' has no attribute {name!r}")
    value = getattr(import_module(f"sora2.media.{module}"), name)
    globals()[name] = value  # resolved once
    return value


__all__ = [
    "AtomicWriter", "ByteRange", "Frame", "Location", "MediaError", "MediaNotFound", "MediaStore", "Mp4Info",
    "RangeNotSatisfiable", "ReferenceKind", "SpriteInfo", "StoreUnavailable", "StoredObject",
    "atomic_write_bytes", "atomic_writer", "content_range_header", "extract_frames", "extract_last_frame",
    "fit_image", "image_size", "load_image", "make_spritesheet", "make_thumbnail", "open_store", "parse_range",
    "screenshot_times", "sniff_image_mime", "spritesheet_bytes", "thumbnail_bytes", "unsatisfied_range_header",
    "verify_mp4",
]
