"""The renderer: real H.264 of the exact size and length, visible prompt and motion, previews, clean aborts."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from sora2.emulator.previews import sprite_indices, tile_size
from sora2.emulator.render import RenderAborted, RenderOutputs, RenderSpec, render_clip
from sora2.emulator.scene import load_font, wrap_text
from tests.emulator.helpers import image_bytes

PROMPT = "A lighthouse keeper feeds a family of seals at dawn while gulls circle overhead"


def outputs_in(folder: Path) -> RenderOutputs:
    return RenderOutputs(folder / "video.mp4", folder / "thumbnail.webp", folder / "spritesheet.jpg")


def decode_all(path: Path) -> tuple[float, list[av.VideoFrame], av.VideoStream]:
    container = av.open(str(path))
    stream = container.streams.video[0]
    frames = list(container.decode(video=0))
    duration = container.duration / 1_000_000
    container.close()
    return duration, frames, stream


@pytest.mark.parametrize(("width", "height", "seconds", "fps"), [(1280, 720, 8, 8), (720, 1280, 4, 24)])
def test_mp4_has_the_exact_size_length_and_frame_count(tmp_path, width, height, seconds, fps):
    outputs = outputs_in(tmp_path)
    render_clip(RenderSpec(width, height, seconds, fps, PROMPT), outputs)
    duration, frames, stream = decode_all(outputs.video)
    assert (stream.codec_context.name, stream.codec_context.pix_fmt) == ("h264", "yuv420p")
    assert (frames[-1].width, frames[-1].height) == (width, height)
    assert abs(duration - seconds) <= 0.1
    assert len(frames) == seconds * fps
    assert float(frames[-1].pts * frames[-1].time_base) == pytest.approx(seconds - 1 / fps)


def test_mp4_is_faststart(tmp_path):
    outputs = outputs_in(tmp_path)
    render_clip(RenderSpec(720, 1280, 4, 4, PROMPT), outputs)
    data = outputs.video.read_bytes()
    assert 0 < data.index(b"moov") < data.index(b"mdat"), "moov atom must come first for streaming"


def test_frames_move_while_the_prompt_stays_on_screen(tmp_path):
    outputs = outputs_in(tmp_path)
    render_clip(RenderSpec(1280, 720, 4, 8, PROMPT), outputs)
    _, frames, _ = decode_all(outputs.video)
    first, later = (frames[i].to_ndarray(format="gray").astype(int) for i in (0, 20))
    assert np.abs(first - later).mean() > 0.3, "timecode, bar and block must change between frames"
    text_band = first[200:420]
    assert (text_band > 220).sum() > 2000, "the prompt is drawn as light text in the middle"

    blank = outputs_in(tmp_path / "blank")
    render_clip(RenderSpec(1280, 720, 4, 8, " "), blank)
    _, blank_frames, _ = decode_all(blank.video)
    assert (blank_frames[0].to_ndarray(format="gray")[200:420] > 220).sum() < 50


def test_reference_image_is_the_first_frame_and_fades_away(tmp_path):
    outputs = outputs_in(tmp_path)
    render_clip(RenderSpec(720, 1280, 4, 8, PROMPT, reference=image_bytes(720, 1280, (30, 200, 40))), outputs)
    _, frames, _ = decode_all(outputs.video)
    first, last = frames[0].to_ndarray(format="rgb24"), frames[-1].to_ndarray(format="rgb24")
    red, green, blue = first.reshape(-1, 3).mean(axis=0)
    assert green > 180 and red < 60 and blue < 70
    assert last.reshape(-1, 3).mean(axis=0)[1] < 150


def test_thumbnail_and_sprite_sheet(tmp_path):
    outputs = outputs_in(tmp_path)
    render_clip(RenderSpec(1280, 720, 4, 8, PROMPT), outputs)
    thumbnail = Image.open(outputs.thumbnail)
    assert (thumbnail.format, thumbnail.size) == ("WEBP", (1280, 720))
    sheet = Image.open(outputs.spritesheet)
    tile_w, tile_h = tile_size(1280, 720)
    assert sheet.format == "JPEG" and sheet.size == (5 * tile_w, 5 * tile_h)


def test_sprite_indices_are_spread_over_the_clip():
    assert sprite_indices(96) == sorted(set(sprite_indices(96)))
    assert len(sprite_indices(96)) == 25 and sprite_indices(96)[0] == 0 and sprite_indices(96)[-1] == 95
    assert sprite_indices(4) == [0, 1, 2, 3]


def test_an_aborted_render_leaves_no_files(tmp_path):
    calls = iter(range(1000))
    with pytest.raises(RenderAborted):
        render_clip(RenderSpec(720, 1280, 4, 8, PROMPT), outputs_in(tmp_path), should_abort=lambda: next(calls) > 5)
    assert list(tmp_path.iterdir()) == []


def test_long_prompts_wrap_inside_the_frame_and_are_cut_with_an_ellipsis():
    font = load_font(40)
    lines = wrap_text(PROMPT * 20, font, 600, max_lines=4)
    assert len(lines) == 4 and lines[-1].endswith("…")
    assert all(font.getlength(line) <= 600 for line in lines)
    assert wrap_text("x" * 500, font, 300, 3)[0].endswith("…")
