"""Images that shape a render: frame images fitted to the output size, a previous clip's last frame, and the
frame rate that keeps large renders cheap. Blocking (decoding, encoding): call in a thread."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sora2.emulator.openrouter.validation import FrameImage
from sora2.emulator.openrouter.wire import bad_request
from sora2.media import MediaError, extract_last_frame, fit_image

log = logging.getLogger(__name__)
# Pixels per second of video the renderer is asked for at most: 1080p at 24 fps. A 4K clip is rendered at a
# lower frame rate instead (still exactly its size and duration), so it costs no more than a 1080p clip.
PIXEL_RATE_BUDGET = 1920 * 1080 * 24


@dataclass(frozen=True)
class FittedFrames:
    first: bytes | None = None  # JPEGs of exactly the output size
    last: bytes | None = None


def fit_frames(frames: Sequence[FrameImage], width: int, height: int) -> FittedFrames:
    """Decodes each frame image and fits it to width x height (scaled to cover, centre-cropped)."""
    fitted: dict[str, bytes] = {}
    for frame in frames:
        try:
            fitted[frame.frame_type] = fit_image(frame.data, width, height, mode="crop")
        except MediaError as exc:
            raise bad_request(f"Invalid {frame.field}.image_url.url: {exc}") from None
    return FittedFrames(first=fitted.get("first_frame"), last=fitted.get("last_frame"))


def continuation_frame(previous_video: Path) -> bytes | None:
    """The last frame of the clip being continued, or None once its output is gone."""
    if not previous_video.exists():
        return None
    try:
        return extract_last_frame(previous_video)
    except (MediaError, OSError) as exc:
        log.warning("openrouter emulator: cannot read the last frame of %s (%s)", previous_video, exc)
        return None


def render_fps(configured: int, width: int, height: int) -> int:
    return max(1, min(configured, PIXEL_RATE_BUDGET // (width * height)))
