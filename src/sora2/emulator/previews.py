"""Thumbnail (WebP, a middle frame at full size) and sprite sheet (JPEG grid of small frames)."""

from __future__ import annotations

import io
import math

import av
from PIL import Image

SPRITE_MAX_TILES = 25
SPRITE_TILE_LONG_SIDE = 160


def sprite_indices(total_frames: int) -> list[int]:
    """Up to 25 evenly spaced frame indices, first and last included."""
    count = min(SPRITE_MAX_TILES, total_frames)
    if count <= 1:
        return [0]
    return sorted({round(i * (total_frames - 1) / (count - 1)) for i in range(count)})


def thumbnail_index(total_frames: int) -> int:
    return total_frames // 2


def tile_size(width: int, height: int) -> tuple[int, int]:
    scale = SPRITE_TILE_LONG_SIDE / max(width, height)
    return max(2, round(width * scale) // 2 * 2), max(2, round(height * scale) // 2 * 2)


def small_tile(frame: av.VideoFrame, size: tuple[int, int]) -> Image.Image:
    # swscale shrinks and converts in one pass, much cheaper than a full-size RGB image plus a Pillow resize.
    return frame.reformat(width=size[0], height=size[1], format="rgb24").to_image()


def encode_thumbnail(frame: av.VideoFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_image().save(buffer, format="WEBP", quality=80, method=1)
    return buffer.getvalue()


def encode_sprite_sheet(tiles: list[Image.Image]) -> bytes:
    columns = math.ceil(math.sqrt(len(tiles)))
    rows = math.ceil(len(tiles) / columns)
    tile_w, tile_h = tiles[0].size
    sheet = Image.new("RGB", (columns * tile_w, rows * tile_h), (0, 0, 0))
    for position, tile in enumerate(tiles):
        row, column = divmod(position, columns)
        sheet.paste(tile, (column * tile_w, row * tile_h))
    buffer = io.BytesIO()
    sheet.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()
