"""Session-wide test videos (written once with PyAV; see helpers.write_clip for what each frame shows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.media.helpers import Clip, write_clip


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def clip_2s(media_dir: Path) -> Clip:
    """320x240, 2 s, 24 fps: the everyday case."""
    return write_clip(media_dir / "two_seconds.mp4")


@pytest.fixture(scope="session")
def clip_4s(media_dir: Path) -> Clip:
    """4 s at 24 fps: the original's 99% seek found no frame here (seed-contract §8.2.10). A keyframe every
    second, B-frames and an audio track make seeking and timestamps realistic."""
    return write_clip(media_dir / "four_seconds.mp4", seconds=4, gop=24, bframes=True, audio=True)


@pytest.fixture(scope="session")
def clip_hd(media_dir: Path) -> Clip:
    """1280x720, half a second: wider than a thumbnail may be."""
    return write_clip(media_dir / "hd.mp4", width=1280, height=720, seconds=0.5)


@pytest.fixture(scope="session")
def clip_mpegts(media_dir: Path) -> Clip:
    """Valid H.264 video in an MPEG-TS container: playable, but not an MP4."""
    return write_clip(media_dir / "transport_stream.mp4", seconds=1, container_format="mpegts")
