"""Uploaded images: recognised by content, bombs refused, fitted to exactly the video's frame size."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from sora2.media import MediaError, fit_image, image_size, load_image, sniff_image_mime
from tests.media.helpers import image_bytes

RED, BLUE = (220, 20, 20), (20, 20, 220)


def _decoded(jpeg: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(jpeg))
    assert image.format == "JPEG"
    return image.convert("RGB")


def _pixel(image: Image.Image, x: int, y: int) -> np.ndarray:
    return np.asarray(image)[y, x].astype(int)


def _close(actual: np.ndarray, expected: tuple[int, int, int], tolerance: int = 30) -> bool:
    return bool(np.all(np.abs(actual - np.array(expected)) <= tolerance))


def _with_claimed_size(png: bytes, width: int, height: int) -> bytes:
    """The same PNG with its IHDR claiming another size (a decompression bomb's header, CRC kept valid)."""
    ihdr = b"IHDR" + struct.pack(">II", width, height) + png[24:29]
    return png[:12] + ihdr + struct.pack(">I", zlib.crc32(ihdr)) + png[33:]


@pytest.mark.parametrize(("image_format", "mime"), [("JPEG", "image/jpeg"), ("PNG", "image/png"),
                                                    ("WEBP", "image/webp")])
def test_sniffs_each_supported_type_by_content(image_format: str, mime: str) -> None:
    data = image_bytes(Image.new("RGB", (8, 8), RED), image_format)
    assert sniff_image_mime(data) == mime
    assert image_size(data) == (8, 8)
    assert load_image(data).size == (8, 8)


@pytest.mark.parametrize("data", [b"", b"GIF89a" + b"\x00" * 40, b"%PDF-1.7 not an image",
                                  b"RIFF\x00\x00\x00\x00WAVE"])
def test_other_content_is_not_an_image(data: bytes) -> None:
    assert sniff_image_mime(data) is None
    expected = r"^The uploaded file is not an image \(expected JPEG, PNG or WebP\)$"
    with pytest.raises(MediaError, match=expected):
        load_image(data)


def test_declared_type_does_not_matter_a_gif_stays_refused() -> None:
    gif = image_bytes(Image.new("RGB", (8, 8)), "GIF")
    with pytest.raises(MediaError, match="not an image"):
        fit_image(gif, 16, 16)


def test_truncated_image_is_refused_with_a_clear_message() -> None:
    jpeg = image_bytes(Image.effect_noise((256, 256), 64).convert("RGB"), "JPEG")
    with pytest.raises(MediaError, match="truncated or corrupt"):
        load_image(jpeg[: len(jpeg) // 2])


def test_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = _with_claimed_size(image_bytes(Image.new("L", (1, 1)), "PNG"), 8_000, 7_000)
    with pytest.raises(MediaError, match="too large .*8000x7000.*50 megapixels"):
        image_size(bomb)
    with pytest.raises(MediaError, match="too large"):
        fit_image(bomb, 1280, 720)


def test_a_huge_bomb_that_pillow_itself_refuses_also_becomes_a_media_error() -> None:
    bomb = _with_claimed_size(image_bytes(Image.new("L", (1, 1)), "PNG"), 50_000, 50_000)
    with pytest.raises(MediaError, match="too large"):
        load_image(bomb)


def test_pad_keeps_the_whole_picture_and_centres_it_on_black() -> None:
    square = image_bytes(Image.new("RGB", (100, 100), RED), "PNG")
    fitted = _decoded(fit_image(square, 320, 180))
    assert fitted.size == (320, 180)
    assert _close(_pixel(fitted, 160, 90), RED)
    assert _close(_pixel(fitted, 10, 90), (0, 0, 0)) and _close(_pixel(fitted, 310, 90), (0, 0, 0))


def test_crop_fills_the_frame_and_cuts_the_overflow() -> None:
    # Left half red, right half blue, 400x100 into 100x100: cover-and-centre keeps the middle: red | blue.
    wide = Image.new("RGB", (400, 100), RED)
    wide.paste(BLUE, (200, 0, 400, 100))
    fitted = _decoded(fit_image(image_bytes(wide, "PNG"), 100, 100, mode="crop"))
    assert fitted.size == (100, 100)
    assert _close(_pixel(fitted, 5, 50), RED) and _close(_pixel(fitted, 95, 50), BLUE)
    top_edge = _pixel(fitted, 50, 2)
    assert _close(top_edge, RED, 120) or _close(top_edge, BLUE, 120)  # no black bars


@pytest.mark.parametrize("mode", ["pad", "crop"])
@pytest.mark.parametrize(("source", "target"), [((1000, 3), (1280, 720)), ((7, 13), (1920, 1080)),
                                                ((1080, 1920), (1280, 720)), ((640, 360), (720, 1280))])
def test_output_is_exactly_the_requested_size(mode: str, source: tuple[int, int],
                                              target: tuple[int, int]) -> None:
    data = image_bytes(Image.new("RGB", source, RED), "JPEG")
    assert _decoded(fit_image(data, *target, mode=mode)).size == target  # type: ignore[arg-type]


def test_png_with_alpha_is_composited_on_black() -> None:
    image = Image.new("RGBA", (64, 64), (*RED, 255))
    image.paste((0, 255, 0, 0), (32, 0, 64, 64))  # right half fully transparent green
    fitted = _decoded(fit_image(image_bytes(image, "PNG"), 64, 64))
    assert _close(_pixel(fitted, 10, 32), RED) and _close(_pixel(fitted, 54, 32), (0, 0, 0))


@pytest.mark.parametrize("mode", ["P", "LA", "L", "CMYK", "I;16"])
def test_other_pixel_modes_are_converted(mode: str) -> None:
    if mode == "I;16":
        image = Image.new("I;16", (20, 10))
    else:
        image = Image.new("RGBA", (20, 10), (*RED, 255)).convert(mode)
    image_format = "JPEG" if mode == "CMYK" else "PNG"
    fitted = _decoded(fit_image(image_bytes(image, image_format), 40, 20))
    assert fitted.size == (40, 20)


def test_sixteen_bit_grey_keeps_its_brightness() -> None:
    grey = Image.fromarray(np.full((10, 10), 0x8000, dtype=np.uint16))
    fitted = _decoded(fit_image(image_bytes(grey, "PNG"), 10, 10))
    assert _close(_pixel(fitted, 5, 5), (128, 128, 128), 4)


def test_exif_rotated_jpeg_is_shown_upright() -> None:
    # Stored 200x100 (red left, blue right) with orientation 6: a viewer turns it 90° clockwise → 100x200,
    # red on top. A phone photo taken upright looks exactly like this.
    stored = Image.new("RGB", (200, 100), RED)
    stored.paste(BLUE, (100, 0, 200, 100))
    exif = Image.Exif()
    exif[0x0112] = 6
    data = image_bytes(stored, "JPEG", exif=exif.tobytes())
    assert image_size(data) == (100, 200)
    assert load_image(data).size == (100, 200)
    fitted = _decoded(fit_image(data, 100, 200))
    assert _close(_pixel(fitted, 50, 20), RED) and _close(_pixel(fitted, 50, 180), BLUE)
    output = Image.open(io.BytesIO(fit_image(data, 100, 200)))
    assert "exif" not in output.info  # else viewers would turn it a second time


def test_output_is_a_high_quality_jpeg() -> None:
    noise = Image.effect_noise((128, 128), 40).convert("RGB")
    fitted = fit_image(image_bytes(noise, "PNG"), 128, 128)
    difference = np.abs(np.asarray(_decoded(fitted), dtype=int) - np.asarray(noise, dtype=int)).mean()
    assert difference < 3  # q95 gives ~1.5 here; q85 already ~4.5 and q75 ~7.7


@pytest.mark.parametrize(("width", "height", "mode"),
                         [(0, 720, "pad"), (1280, -1, "crop"), (16, 16, "stretch")])
def test_invalid_target_or_mode_is_refused(width: int, height: int, mode: str) -> None:
    with pytest.raises(MediaError):
        data = image_bytes(Image.new("RGB", (8, 8)), "PNG")
        fit_image(data, width, height, mode=mode)  # type: ignore[arg-type]
