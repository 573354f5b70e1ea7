"""The static layer of an emulated clip, drawn once with Pillow: gradient, wrapped prompt, caption, empty gauges.

Also the geometry of the moving parts and pre-rendered timecode glyphs, so the per-frame work in `frames.py` is
only numpy slicing on YUV planes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FontType = ImageFont.FreeTypeFont | ImageFont.ImageFont
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/usr/local/share/fonts"), Path("/Library/Fonts"))
TIMECODE_CHARS = "0123456789:"
BOX_RGB = (16, 16, 20)
TEXT_RGB = (245, 245, 245)
TRACK_RGB = (60, 60, 70)


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    w: int
    h: int


@dataclass(frozen=True)
class SceneLayout:
    width: int
    height: int
    track: Rect  # the progress bar: filled left to right as the clip plays
    sweep: Rect  # the lane a block bounces along
    block_w: int
    timecode: Rect  # where the running MM:SS:FF digits go (inside a dark box drawn on the static layer)


def _even(value: float) -> int:
    """Chroma is subsampled 2x2, so moving rectangles start and end on even pixels."""
    return max(2, int(value) // 2 * 2)


def _even_up(value: float) -> int:
    return max(2, (int(np.ceil(value)) + 1) // 2 * 2)


@lru_cache(maxsize=8)
def load_font(size: int, mono: bool = False) -> FontType:
    name = "DejaVuSansMono.ttf" if mono else "DejaVuSans.ttf"
    for directory in FONT_DIRS:
        if (directory / name).exists():
            return ImageFont.truetype(str(directory / name), size)
    return ImageFont.load_default(size=size)


def palette(prompt: str) -> tuple[tuple[int, int, int], tuple[int, int, int], tuple[int, int, int]]:
    """Two gradient colours and an accent, derived from the prompt: the same prompt always looks the same."""
    digest = hashlib.sha256(prompt.encode()).digest()
    top = tuple(40 + digest[i] % 100 for i in range(3))
    bottom = tuple(10 + digest[i + 3] % 60 for i in range(3))
    accent = tuple(150 + digest[i + 6] % 106 for i in range(3))
    return top, bottom, accent  # type: ignore[return-value]


def wrap_text(text: str, font: FontType, max_width: int, max_lines: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in " ".join(text.split()).split(" "):
        candidate = f"{current} {word}".strip()
        if font.getlength(candidate) <= max_width or not current:
            current = candidate
            continue
        lines.append(current)
        current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(" .,") + " …"
    # A single word wider than the frame: cut it rather than draw off-screen.
    return [_clip_line(line, font, max_width) for line in lines]


def _clip_line(line: str, font: FontType, max_width: int) -> str:
    while len(line) > 1 and font.getlength(line) > max_width:
        line = line[:-2] + "…"
    return line


def plan_layout(width: int, height: int) -> SceneLayout:
    unit = min(width, height)
    margin = _even(unit * 0.06)
    track_h = _even(unit * 0.025)
    track = Rect(margin, _even(height - margin - track_h), _even(width - 2 * margin), track_h)
    sweep_h = _even(unit * 0.04)
    sweep = Rect(margin, _even(track.y - sweep_h - unit * 0.03), track.w, sweep_h)
    cell_w, cell_h = glyph_cell(timecode_font(width, height))
    tc_w, tc_h = _even_up(cell_w * 8), _even_up(cell_h)
    timecode = Rect(margin + _even(unit * 0.02), _even(sweep.y - unit * 0.05 - tc_h), tc_w, tc_h)
    return SceneLayout(width, height, track, sweep, _even(unit * 0.08), timecode)


def glyph_cell(font: FontType) -> tuple[int, int]:
    ascent, descent = font.getmetrics() if hasattr(font, "getmetrics") else (font.size, 0)
    width = max(int(np.ceil(font.getlength(char))) for char in TIMECODE_CHARS)
    return width, ascent + descent


def timecode_glyphs(font: FontType, cell_h: int) -> dict[str, np.ndarray]:
    """Each timecode character as an 8-bit coverage mask of one fixed cell (monospaced by construction)."""
    cell_w, _ = glyph_cell(font)
    glyphs = {}
    for char in TIMECODE_CHARS:
        image = Image.new("L", (cell_w, cell_h), 0)
        ImageDraw.Draw(image).text((0, 0), char, font=font, fill=255)
        glyphs[char] = np.asarray(image, dtype=np.uint8)
    return glyphs


def _gradient(width: int, height: int, top: tuple[int, ...], bottom: tuple[int, ...]) -> Image.Image:
    ramp = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    colours = (1 - ramp) * np.array(top, np.float32) + ramp * np.array(bottom, np.float32)
    return Image.fromarray(np.broadcast_to(colours, (height, width, 3)).astype(np.uint8), "RGB")


def timecode_font(width: int, height: int) -> FontType:
    return load_font(max(12, min(width, height) // 22), mono=True)


def draw_static_layer(layout: SceneLayout, prompt: str, caption: str, duration_label: str) -> Image.Image:
    """Everything that does not move, as one RGB image."""
    width, height = layout.width, layout.height
    unit = min(width, height)
    top, bottom, _ = palette(prompt)
    image = _gradient(width, height, top, bottom)
    draw = ImageDraw.Draw(image)
    margin = layout.track.x
    caption_font = load_font(max(10, unit // 30))
    draw.text((margin, margin), caption, font=caption_font, fill=(220, 220, 220))
    prompt_font = load_font(max(12, unit // 16))
    line_h = int(prompt_font.size * 1.3) if hasattr(prompt_font, "size") else 16
    text_top, text_bottom = margin + unit // 10, layout.timecode.y - unit // 20
    lines = wrap_text(prompt, prompt_font, width - 2 * margin, max(1, (text_bottom - text_top) // line_h))
    y = text_top + max(0, (text_bottom - text_top - line_h * len(lines)) // 2)
    for line in lines:
        x = (width - prompt_font.getlength(line)) / 2
        draw.text((x, y), line, font=prompt_font, fill=TEXT_RGB, stroke_width=max(1, unit // 400),
                  stroke_fill=(0, 0, 0))
        y += line_h
    _draw_gauges(draw, layout, duration_label)
    return image


def _draw_gauges(draw: ImageDraw.ImageDraw, layout: SceneLayout, duration_label: str) -> None:
    tc = layout.timecode
    font = timecode_font(layout.width, layout.height)
    label = f" / {duration_label}"
    pad = _even(tc.h * 0.2)
    right = tc.x + tc.w + int(font.getlength(label)) + pad
    draw.rectangle((tc.x - pad, tc.y - pad // 2, right, tc.y + tc.h + pad // 2), fill=BOX_RGB)
    draw.text((tc.x + tc.w, tc.y), label, font=font, fill=(170, 170, 170))
    for rect in (layout.track, layout.sweep):
        draw.rectangle((rect.x, rect.y, rect.x + rect.w - 1, rect.y + rect.h - 1), fill=TRACK_RGB)
