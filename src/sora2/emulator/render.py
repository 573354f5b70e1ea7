"""Renders an emulated clip: a real H.264 MP4 of exactly the requested size and length, plus its previews.

Blocking and CPU-bound: run it in a worker thread. `should_abort` is checked every frame so a stopping server
does not wait for a whole clip; an aborted render leaves no file behind.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image

from sora2.emulator.frames import ClipTiming, FrameComposer
from sora2.emulator.previews import (
    encode_sprite_sheet,
    encode_thumbnail,
    small_tile,
    sprite_indices,
    thumbnail_index,
    tile_size,
)
from sora2.emulator.scene import draw_static_layer, palette, plan_layout
from sora2.emulator.store import commit_file, temp_path_for


class RenderAborted(Exception):
    """The render was stopped on request; nothing was written."""


@dataclass(frozen=True)
class RenderSpec:
    width: int
    height: int
    seconds: int
    fps: int
    prompt: str
    caption: str = ""
    reference: bytes | None = None  # image bytes shown as the first frame, fading into the scene
    last_reference: bytes | None = None  # image bytes the scene fades into, shown as the last frame

    @property
    def total_frames(self) -> int:
        return self.seconds * self.fps


@dataclass(frozen=True)
class RenderOutputs:
    video: Path
    thumbnail: Path
    spritesheet: Path


def build_composer(spec: RenderSpec) -> FrameComposer:
    layout = plan_layout(spec.width, spec.height)
    label = f"{spec.seconds // 60:02d}:{spec.seconds % 60:02d}:00"
    static = draw_static_layer(layout, spec.prompt, spec.caption, label)
    reference = Image.open(io.BytesIO(spec.reference)) if spec.reference else None
    last_reference = Image.open(io.BytesIO(spec.last_reference)) if spec.last_reference else None
    return FrameComposer(layout, static, palette(spec.prompt)[2], ClipTiming(spec.fps, spec.total_frames), reference,
                         last_reference)


def _open_encoder(path: Path, spec: RenderSpec) -> tuple[av.container.OutputContainer, av.VideoStream]:
    container = av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"})
    stream = container.add_stream("libx264", rate=spec.fps)
    stream.width, stream.height, stream.pix_fmt = spec.width, spec.height, "yuv420p"
    stream.time_base = Fraction(1, spec.fps)
    stream.options = {"preset": "ultrafast"}
    return container, stream


def _encode_frames(spec: RenderSpec, path: Path, should_abort: Callable[[], bool]) -> tuple[bytes, bytes]:
    """Writes the MP4 to `path`; returns the thumbnail and sprite sheet bytes made on the way."""
    composer = build_composer(spec)
    wanted_tiles, thumb_at = set(sprite_indices(spec.total_frames)), thumbnail_index(spec.total_frames)
    tiles, thumbnail, size = [], b"", tile_size(spec.width, spec.height)
    container, stream = _open_encoder(path, spec)
    frame_time_base = Fraction(1, spec.fps)  # not stream.time_base: the muxer rewrites that on the first packet
    try:
        for index in range(spec.total_frames):
            if should_abort():
                raise RenderAborted
            frame = av.VideoFrame.from_ndarray(composer.compose(index), format="yuv420p")
            frame.pts, frame.time_base = index, frame_time_base
            if index in wanted_tiles:
                tiles.append(small_tile(frame, size))
            if index == thumb_at:
                thumbnail = encode_thumbnail(frame)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    finally:
        container.close()
    return thumbnail, encode_sprite_sheet(tiles)


def render_clip(spec: RenderSpec, outputs: RenderOutputs, should_abort: Callable[[], bool] = lambda: False) -> None:
    """Renders all three files to temp names, then renames them into place (video last)."""
    outputs.video.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temps = [temp_path_for(path) for path in (outputs.thumbnail, outputs.spritesheet, outputs.video)]
    try:
        thumbnail, sprites = _encode_frames(spec, temps[2], should_abort)
        temps[0].write_bytes(thumbnail)
        temps[1].write_bytes(sprites)
        for temp, path in zip(temps, (outputs.thumbnail, outputs.spritesheet, outputs.video), strict=True):
            commit_file(temp, path)
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)
