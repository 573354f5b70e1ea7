"""Media: on-disk storage, MP4 verification, frames (thumbnail, sprite sheet, last frame, screenshots), image
fitting and HTTP byte ranges. Everything here is synchronous; async callers use asyncio.to_thread."""

from sora2.media.atomic import AtomicWriter, atomic_write_bytes, atomic_writer
from sora2.media.errors import MediaError, RangeNotSatisfiable
from sora2.media.frames import (
    Frame, SpriteInfo, extract_frames, extract_last_frame, make_spritesheet, make_thumbnail, screenshot_times,
)
from sora2.media.images import fit_image, image_size, load_image, sniff_image_mime
from sora2.media.probe import Mp4Info, verify_mp4
from sora2.media.ranges import ByteRange, content_range_header, parse_range, unsatisfied_range_header
from sora2.media.storage import MediaStorage, ReferenceKind

__all__ = [
    "AtomicWriter", "ByteRange", "Frame", "MediaError", "MediaStorage", "Mp4Info", "RangeNotSatisfiable",
    "ReferenceKind", "SpriteInfo", "atomic_write_bytes", "atomic_writer", "content_range_header",
    "extract_frames", "extract_last_frame", "fit_image", "image_size", "load_image", "make_spritesheet",
    "make_thumbnail", "parse_range", "screenshot_times", "sniff_image_mime", "unsatisfied_range_header",
    "verify_mp4",
]
