"""Per-frame composition straight in YUV 4:2:0, so the encoder never waits for an RGB conversion.

The static layer is converted once; each frame is a copy of it plus a few rectangle fills (progress bar, a
bouncing block), eight pre-rendered timecode glyphs and, at the start, a cross-fade from the reference image.
"""

from __future__ import annotations

from dataclasses import dataclass

import av
import numpy as np
from PIL import Image

from sora2.emulator.scene import (
    BOX_RGB,
    TEXT_RGB,
    Rect,
    SceneLayout,
    glyph_cell,
    timecode_font,
    timecode_glyphs,
)

SWEEP_PERIOD_SECONDS = 2.0
FADE_SECONDS = 1.0


def rgb_to_yuv420(image: Image.Image) -> np.ndarray:
    """(H*3/2, W) uint8: Y rows, then U and V planes packed row-wise, as PyAV's yuv420p ndarray layout."""
    frame = av.VideoFrame.from_image(image.convert("RGB")).reformat(format="yuv420p")
    return np.ascontiguousarray(frame.to_ndarray())


def split_planes(yuv: np.ndarray, width: int, height: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Views on the Y, U and V planes of a packed (C-contiguous) yuv420p array.

    The chroma planes follow the Y rows back to back, so they are cut from the flat tail rather than by rows:
    that also holds when height % 4 != 0 (854-pixel-tall portrait frames), where a plane ends mid-row.
    """
    y = yuv[:height]
    chroma = yuv[height:].reshape(-1)  # a view: the rows after Y are contiguous
    plane = (height // 2) * (width // 2)
    u = chroma[:plane].reshape(height // 2, width // 2)
    v = chroma[plane:2 * plane].reshape(height // 2, width // 2)
    return y, u, v


def yuv_colour(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """An RGB colour through the same conversion the frames get, so fills match the static layer."""
    yuv = rgb_to_yuv420(Image.new("RGB", (16, 16), rgb))
    y, u, v = split_planes(yuv, 16, 16)
    return int(y[0, 0]), int(u[0, 0]), int(v[0, 0])


@dataclass
class ClipTiming:
    fps: int
    total_frames: int

    def timecode(self, index: int) -> str:
        seconds, frame = divmod(index, self.fps)
        minutes, seconds = divmod(seconds, 60)
        return f"{minutes:02d}:{seconds:02d}:{frame % 100:02d}"


class FrameComposer:
    def __init__(self, layout: SceneLayout, static_layer: Image.Image, accent: tuple[int, int, int],
                 timing: ClipTiming, reference: Image.Image | None = None,
                 last_reference: Image.Image | None = None) -> None:
        self.layout = layout
        self.timing = timing
        self.base = rgb_to_yuv420(static_layer)
        self.accent = yuv_colour(accent)
        self.stamps = self._glyph_stamps()
        self.cell_w = glyph_cell(timecode_font(layout.width, layout.height))[0]
        self.reference = self._fitted(reference)
        self.last_reference = self._fitted(last_reference)
        self.fade_frames = min(int(FADE_SECONDS * timing.fps), timing.total_frames // 4)

    def _fitted(self, image: Image.Image | None) -> np.ndarray | None:
        if image is None:
            return None
        return rgb_to_yuv420(image.convert("RGB").resize((self.layout.width, self.layout.height)))

    def _glyph_stamps(self) -> dict[str, np.ndarray]:
        """Glyphs as final Y values over the timecode box (whose chroma is neutral, so only Y changes)."""
        tc = self.layout.timecode
        box_y, text_y = yuv_colour(BOX_RGB)[0], yuv_colour(TEXT_RGB)[0]
        stamps = {}
        for char, mask in timecode_glyphs(timecode_font(self.layout.width, self.layout.height), tc.h).items():
            coverage = mask.astype(np.uint16)
            stamps[char] = (box_y + (coverage * (text_y - box_y)) // 255).astype(np.uint8)
        return stamps

    def compose(self, index: int) -> np.ndarray:
        frame = self.base.copy()
        planes = split_planes(frame, self.layout.width, self.layout.height)
        self._paint(planes, self._progress_rect(index))
        self._paint(planes, self._block_rect(index))
        self._stamp_timecode(planes[0], self.timing.timecode(index))
        if index < self.fade_frames and self.reference is not None:
            # frame 0 is the reference image, exactly
            frame = _blend(self.reference, frame, (256 * index) // self.fade_frames)
        from_end = self.timing.total_frames - 1 - index
        if from_end < self.fade_frames and self.last_reference is not None:
            # and the last frame is the last-frame image, exactly
            frame = _blend(self.last_reference, frame, (256 * from_end) // self.fade_frames)
        return frame

    def _progress_rect(self, index: int) -> Rect:
        track = self.layout.track
        filled = int(track.w * (index + 1) / self.timing.total_frames) // 2 * 2
        return Rect(track.x, track.y, filled, track.h)

    def _block_rect(self, index: int) -> Rect:
        sweep, block_w = self.layout.sweep, self.layout.block_w
        phase = (index / self.timing.fps % SWEEP_PERIOD_SECONDS) / SWEEP_PERIOD_SECONDS
        position = 1.0 - abs(2.0 * phase - 1.0)  # 0 → 1 → 0: bounces along the lane
        x = sweep.x + int((sweep.w - block_w) * position) // 2 * 2
        return Rect(x, sweep.y, block_w, sweep.h)

    def _paint(self, planes: tuple[np.ndarray, np.ndarray, np.ndarray], rect: Rect) -> None:
        if rect.w <= 0:
            return
        y, u, v = planes
        colour_y, colour_u, colour_v = self.accent
        y[rect.y:rect.y + rect.h, rect.x:rect.x + rect.w] = colour_y
        half = (slice(rect.y // 2, (rect.y + rect.h) // 2), slice(rect.x // 2, (rect.x + rect.w) // 2))
        u[half] = colour_u
        v[half] = colour_v

    def _stamp_timecode(self, y: np.ndarray, text: str) -> None:
        tc = self.layout.timecode
        for position, char in enumerate(text):
            left = tc.x + position * self.cell_w
            stamp = self.stamps[char]
            y[tc.y:tc.y + stamp.shape[0], left:left + stamp.shape[1]] = stamp


def _blend(image: np.ndarray, frame: np.ndarray, weight: int) -> np.ndarray:
    """`image` over `frame`: weight 0 is all image, 256 all frame."""
    mixed = image.astype(np.uint16) * (256 - weight) + frame.astype(np.uint16) * weight
    return (mixed >> 8).astype(np.uint8)
