"""Video shapes: exact "WxH" sizes, or an aspect ratio plus a resolution class ("16:9" at "720p").

Providers that take aspect ratio + resolution do not promise exact pixels, so each combination maps to a nominal
size (720p 16:9 → 1280x720): it names the shape in the seed's `size` field, fits reference images, and keys prices.
"""

from __future__ import annotations

# Names the nominal size of models that list aspect ratios but no resolutions.
NAMING_RESOLUTION = "720p"
# The short side of each resolution class (the long side follows from the aspect ratio).
RESOLUTION_SHORT_SIDE = {
    "360p": 360, "480p": 480, "540p": 540, "720p": 720, "768p": 768, "1080p": 1080,
    "1K": 1080, "1440p": 1440, "2K": 1440, "2160p": 2160, "4K": 2160,
}


def _dimension(text: str) -> int | None:
    """A positive whole number of at most 9 ASCII digits (str.isdigit alone lets '²' and 5,000 digits through)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 and int(text) > 0 else None


def parse_ratio(aspect_ratio: str) -> tuple[int, int] | None:
    width, sep, height = aspect_ratio.partition(":")
    w, h = _dimension(width), _dimension(height)
    return (w, h) if sep and w and h else None


def _even(value: float) -> int:
    return max(2, 2 * round(value / 2))


def nominal_size(aspect_ratio: str, resolution: str) -> str | None:
    """"16:9" at "720p" → "1280x720"; "9:16" → "720x1280"; None for an unknown ratio or resolution."""
    ratio = parse_ratio(aspect_ratio)
    short = RESOLUTION_SHORT_SIDE.get(resolution)
    if ratio is None or short is None:
        return None
    w, h = ratio
    if w >= h:
        return f"{_even(short * w / h)}x{short}"
    return f"{short}x{_even(short * h / w)}"


def size_ratio(size: str) -> float | None:
    width, sep, height = size.lower().partition("x")
    w, h = _dimension(width), _dimension(height)
    return w / h if sep and w and h else None
