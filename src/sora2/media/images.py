"""Validating uploaded images and fitting them to a video's exact frame size.

The type is decided by the bytes, never by the declared MIME type or file name, and Pillow is only allowed the
decoder the magic bytes announced, so a file cannot claim JPEG and be parsed as something else.
"""

from __future__ import annotations

import io
from typing import Literal

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from sora2.media.errors import MediaError
from sora2.media.sniff import sniff_image_mime

MAX_MEGAPIXELS = 50  # larger is a decompression bomb, or far beyond any video frame anyway
MAX_PIXELS = MAX_MEGAPIXELS * 1_000_000
JPEG_QUALITY = 95        # what the original wrote (sharp, q95)
NOT_AN_IMAGE = "The uploaded file is not an image (expected JPEG, PNG or WebP)"
FitMode = Literal["pad", "crop"]

_PILLOW_FORMAT = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
# EXIF orientations 5-8 turn the picture a quarter turn, so width and height swap on screen.
_QUARTER_TURN_ORIENTATIONS = {5, 6, 7, 8}
_EXIF_ORIENTATION_TAG = 0x0112


def _open_checked(data: bytes) -> Image.Image:
    """Open lazily (header only) and refuse anything but a sane-sized JPEG, PNG or WebP."""
    mime = sniff_image_mime(data)
    if mime is None:
        raise MediaError(NOT_AN_IMAGE)
    try:
        image = Image.open(io.BytesIO(data), formats=[_PILLOW_FORMAT[mime]])
    except Image.DecompressionBombError:
        raise MediaError(f"The image is too large (the limit is {MAX_MEGAPIXELS} megapixels)") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise MediaError("The image could not be read (it may be truncated or corrupt)") from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise MediaError(f"The image is too large ({width}x{height}; "
                         f"the limit is {MAX_MEGAPIXELS} megapixels)")
    return image


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(_EXIF_ORIENTATION_TAG, 1))
    except (OSError, SyntaxError, ValueError, TypeError):
        return 1  # unreadable EXIF: show the pixels as stored


def image_size(data: bytes) -> tuple[int, int]:
    """(width, height) as the image is displayed, i.e. after its EXIF orientation; reads the header only."""
    image = _open_checked(data)
    width, height = image.size
    return (height, width) if _orientation(image) in _QUARTER_TURN_ORIENTATIONS else (width, height)


def load_image(data: bytes) -> Image.Image:
    """Decode a JPEG, PNG or WebP upload, upright (EXIF orientation applied). Raises MediaError otherwise."""
    image = _open_checked(data)
    try:
        image.load()
        upright = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError):
        raise MediaError("The image could not be read (it may be truncated or corrupt)") from None
    return upright if upright is not None else image


def _flatten_on_black(image: Image.Image) -> Image.Image:
    """RGB with any transparency composited on black, matching the black bars of `pad`."""
    if image.mode in ("I", "I;16", "I;16B", "I;16L"):
        # 16-bit greyscale PNGs: keep the top 8 bits (a plain convert would saturate everything to white).
        image = Image.fromarray((np.asarray(image, dtype=np.uint32) >> 8).astype(np.uint8), mode="L")
    if image.mode == "P" or image.mode == "PA":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "La", "RGBa"):
        rgba = image.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, (0, 0, 0, 255))
        return Image.alpha_composite(canvas, rgba).convert("RGB")
    return image.convert("RGB")


def fit_image(data: bytes, width: int, height: int, mode: FitMode = "pad") -> bytes:
    """JPEG (q95) of exactly width x height.

    pad: scale to fit inside and centre on black (what the original did); crop: scale to cover, centre-crop.
    """
    if width < 1 or height < 1:
        raise MediaError(f"Invalid target size {width}x{height}")
    if mode not in ("pad", "crop"):
        raise MediaError(f"Unknown fit mode {mode!r} (expected pad or crop)")
    image = _flatten_on_black(load_image(data))
    if mode == "pad":
        fitted = ImageOps.pad(image, (width, height), Image.Resampling.LANCZOS, color=(0, 0, 0))
    else:
        fitted = ImageOps.fit(image, (width, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    fitted.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()
