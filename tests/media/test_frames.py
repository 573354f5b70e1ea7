"""Thumbnails, sprite sheets, last frames and screenshots, checked by reading back each frame's index."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from sora2.media import (
    MediaError, extract_frames, extract_last_frame, make_spritesheet, make_thumbnail, screenshot_times,
)
from tests.media.helpers import Clip, read_frame_index, write_clip


def _open(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


@pytest.mark.parametrize("clip_name", ["clip_2s", "clip_4s"])
def test_last_frame_is_the_truly_last_frame(clip_name: str, request: pytest.FixtureRequest) -> None:
    # The 4 s / 24 fps clip is where the original's 99% seek produced nothing (seed-contract §8.2.10).
    clip: Clip = request.getfixturevalue(clip_name)
    jpeg = extract_last_frame(clip.path)
    image = _open(jpeg)
    assert image.format == "JPEG" and image.size == (clip.width, clip.height)
    assert read_frame_index(image) == clip.frame_count - 1


def test_last_frame_of_a_video_with_a_single_keyframe(tmp_path: Path) -> None:
    # No keyframe near the end: the seek lands at the start and decoding must still run to the end.
    clip = write_clip(tmp_path / "one_gop.mp4", seconds=3, gop=1000)
    assert read_frame_index(extract_last_frame(clip.path)) == clip.frame_count - 1


def test_last_frame_of_a_truncated_file_is_the_last_readable_one(clip_4s: Clip, tmp_path: Path) -> None:
    data = clip_4s.path.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[:int(len(data) * 0.6)])
    index = read_frame_index(extract_last_frame(cut))
    assert 0 < index < clip_4s.frame_count - 1


def test_screenshot_times_follow_the_original_spacing() -> None:
    assert screenshot_times(4.0, 1) == [float("inf")]
    assert screenshot_times(4.0, 3) == [0.0, 2.0, float("inf")]
    assert screenshot_times(8.0, 5) == [0.0, 2.0, 4.0, 6.0, float("inf")]


def test_screenshots_run_from_first_to_final_frame(clip_4s: Clip) -> None:
    frames = extract_frames(clip_4s.path, 5)
    assert [read_frame_index(frame.jpeg) for frame in frames] == [0, 24, 48, 72, 95]
    assert [frame.is_final_frame for frame in frames] == [False, False, False, False, True]
    assert frames[-1].time_seconds == pytest.approx(95 / 24)
    assert all(_open(frame.jpeg).size == (320, 240) for frame in frames)


def test_a_single_screenshot_is_the_final_frame(clip_4s: Clip) -> None:
    [frame] = extract_frames(clip_4s.path, 1)
    assert frame.is_final_frame and read_frame_index(frame.jpeg) == 95


def test_more_screenshots_than_frames_repeat_frames_but_never_fail(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "tiny.mp4", seconds=0.25, fps=12)  # 3 frames
    frames = extract_frames(clip.path, 10)
    indices = [read_frame_index(frame.jpeg) for frame in frames]
    assert len(frames) == 10 and indices == sorted(indices) and indices[-1] == 2


@pytest.mark.parametrize("count", [0, -1, 101])
def test_screenshot_count_out_of_range_is_refused(clip_2s: Clip, count: int) -> None:
    with pytest.raises(MediaError, match="between 1 and 100"):
        extract_frames(clip_2s.path, count)


def test_thumbnail_is_webp_from_a_third_of_the_way_in(clip_4s: Clip, tmp_path: Path) -> None:
    out = tmp_path / "v_thumb.webp"
    make_thumbnail(clip_4s.path, out)
    image = Image.open(out)
    assert image.format == "WEBP" and image.size == (320, 240)  # small videos are not enlarged
    assert read_frame_index(image) == 32  # 4 s / 3 = 1.333 s → frame 32 at 24 fps


def test_thumbnail_of_a_wide_video_is_at_most_640_wide_with_its_aspect(clip_hd: Clip, tmp_path: Path) -> None:
    out = tmp_path / "hd_thumb.webp"
    make_thumbnail(clip_hd.path, out)
    assert Image.open(out).size == (640, 360)
    assert [path.name for path in tmp_path.iterdir()] == ["hd_thumb.webp"]  # no temp file left


def test_spritesheet_grid_and_tiles(clip_4s: Clip, tmp_path: Path) -> None:
    out = tmp_path / "v_sprite.jpg"
    info = make_spritesheet(clip_4s.path, out)
    assert info.as_dict() == {"columns": 4, "rows": 4, "tile_width": 160, "tile_height": 120, "count": 16,
                              "interval_seconds": 0.25}
    sheet = Image.open(out)
    assert sheet.format == "JPEG" and sheet.size == (640, 480)
    tiles = [sheet.crop((column * 160, row * 120, column * 160 + 160, row * 120 + 120))
             for row in range(4) for column in range(4)]
    tile_indices = [read_frame_index(tile) for tile in tiles]
    assert tile_indices == [round(i * 0.25 * 24) for i in range(16)]  # tile i shows i * interval seconds


def test_spritesheet_with_a_partial_last_row(clip_2s: Clip, tmp_path: Path) -> None:
    info = make_spritesheet(clip_2s.path, tmp_path / "s.jpg", tiles=10, columns=4, tile_width=80)
    assert (info.columns, info.rows, info.tile_width, info.tile_height, info.count) == (4, 3, 80, 60, 10)
    sheet = Image.open(tmp_path / "s.jpg")
    assert sheet.size == (320, 180)
    unused_cells = sheet.crop((160, 120, 320, 180))
    assert unused_cells.convert("L").getextrema()[1] < 30  # black


def test_spritesheet_rejects_nonsense_geometry(clip_2s: Clip, tmp_path: Path) -> None:
    with pytest.raises(MediaError):
        make_spritesheet(clip_2s.path, tmp_path / "s.jpg", tiles=0)


@pytest.mark.parametrize("make", [
    lambda path, out: make_thumbnail(path, out),
    lambda path, out: make_spritesheet(path, out),
    lambda path, out: extract_last_frame(path),
    lambda path, out: extract_frames(path, 3),
], ids=["thumbnail", "spritesheet", "last_frame", "screenshots"])
def test_garbage_input_raises_media_error_and_writes_nothing(make, tmp_path: Path) -> None:  # noqa: ANN001
    fake = tmp_path / "fake.mp4"
    fake.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"garbage" * 100)
    out = tmp_path / "out"
    with pytest.raises(MediaError):
        make(fake, out)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["fake.mp4"]
