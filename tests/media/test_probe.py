"""verify_mp4: a download counts only when it is a whole MP4 of the size and length we asked for."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sora2.media import MediaError, verify_mp4
from tests.media.helpers import Clip


def test_reports_what_the_file_is(clip_2s: Clip) -> None:
    info = verify_mp4(clip_2s.path, 320, 240, 2.0)
    assert (info.width, info.height, info.codec, info.has_audio) == (320, 240, "h264", False)
    assert info.duration_seconds == pytest.approx(2.0, abs=0.05)
    assert info.frame_count == 48
    assert info.size_bytes == clip_2s.path.stat().st_size


def test_sees_the_audio_track(clip_4s: Clip) -> None:
    info = verify_mp4(clip_4s.path, expected_seconds=4)
    assert info.has_audio and info.frame_count == 96


def test_wrong_size_names_both_sizes(clip_2s: Clip) -> None:
    with pytest.raises(MediaError, match=r"^video is 320x240, expected 1280x720$"):
        verify_mp4(clip_2s.path, 1280, 720, 2.0)


def test_wrong_duration_names_both_durations(clip_2s: Clip) -> None:
    with pytest.raises(MediaError, match=r"^video lasts 2.00 s, expected 8 s$"):
        verify_mp4(clip_2s.path, 320, 240, 8.0)


def test_duration_within_tolerance_passes_and_outside_fails(clip_2s: Clip) -> None:
    verify_mp4(clip_2s.path, expected_seconds=2.4)
    with pytest.raises(MediaError, match="expected 2.4 s"):
        verify_mp4(clip_2s.path, expected_seconds=2.4, tolerance=0.1)


def test_every_difference_is_reported_at_once(clip_2s: Clip) -> None:
    expected = r"^video is 320x240, expected 720x1280; video lasts 2.00 s, expected 12 s$"
    with pytest.raises(MediaError, match=expected):
        verify_mp4(clip_2s.path, 720, 1280, 12)


@pytest.mark.parametrize("keep_fraction", [0.5, 0.97])
def test_truncated_download_is_caught_even_with_an_intact_header(clip_4s: Clip, tmp_path: Path,
                                                                 keep_fraction: float) -> None:
    # faststart puts the index first, so a cut file still opens and claims its full length.
    data = clip_4s.path.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[:int(len(data) * keep_fraction)])
    with pytest.raises(MediaError, match="truncated"):
        verify_mp4(cut)


@pytest.mark.parametrize("clip_name", ["clip_2s", "clip_4s"])
def test_file_missing_its_last_few_bytes_is_truncated(clip_name: str, tmp_path: Path,
                                                      request: pytest.FixtureRequest) -> None:
    # Every packet is still there, but the last one (video or audio) is short.
    clip: Clip = request.getfixturevalue(clip_name)
    cut = tmp_path / "short.mp4"
    cut.write_bytes(clip.path.read_bytes()[:-3])
    with pytest.raises(MediaError, match="truncated"):
        verify_mp4(cut)


def test_file_cut_inside_the_header_is_refused(clip_2s: Clip, tmp_path: Path) -> None:
    cut = tmp_path / "stub.mp4"
    cut.write_bytes(clip_2s.path.read_bytes()[:600])
    with pytest.raises(MediaError):
        verify_mp4(cut)


def test_text_file_named_mp4_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "video.mp4"
    fake.write_text("<html>503 Service Unavailable</html>\n" * 20)
    with pytest.raises(MediaError, match="not a readable video"):
        verify_mp4(fake)


def test_empty_and_missing_files_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.touch()
    with pytest.raises(MediaError, match="empty"):
        verify_mp4(empty)
    with pytest.raises(MediaError, match="not found"):
        verify_mp4(tmp_path / "missing.mp4")


def test_video_in_another_container_is_not_an_mp4(clip_mpegts: Clip) -> None:
    with pytest.raises(MediaError, match="not an MP4"):
        verify_mp4(clip_mpegts.path)


def test_an_image_is_not_a_video(tmp_path: Path) -> None:
    from PIL import Image

    picture = tmp_path / "picture.mp4"
    Image.new("RGB", (32, 32)).save(picture, format="PNG")
    with pytest.raises(MediaError, match="png .* not an MP4"):
        verify_mp4(picture)


def test_verification_does_not_touch_the_file(clip_2s: Clip, tmp_path: Path) -> None:
    copy = tmp_path / "copy.mp4"
    shutil.copy(clip_2s.path, copy)
    before = copy.read_bytes()
    verify_mp4(copy, 320, 240, 2)
    assert copy.read_bytes() == before
