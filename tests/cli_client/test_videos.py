"""create (with --wait/--out and with an image), list, get, download and rm, run as a user would."""

from __future__ import annotations

import json

import av
import pytest

from tests.cli_client.conftest import assert_clean_error
from tests.fixtures.media import png_bytes

pytestmark = pytest.mark.e2e


def probe(path) -> tuple[int, int, float]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        duration = float(container.duration / 1_000_000) if container.duration else float(stream.duration *
                                                                                           stream.time_base)
        return stream.codec_context.width, stream.codec_context.height, duration


def created_id(stdout: str) -> str:
    return next(line.split(": ", 1)[1] for line in stdout.splitlines() if line.startswith("id: "))


def test_create_wait_out_saves_a_playable_mp4_of_the_requested_shape(logged_in):
    result = logged_in("create", "a paper boat on a pond", "--size", "720x1280", "--seconds", "4",
                       "--out", "boat.mp4")
    assert result.returncode == 0, result.stderr
    assert "status: queued" in result.stdout
    assert "cost: estimate $0.00 · charged $0.00 (simulated" in result.stdout
    assert "saved boat.mp4" in result.stdout
    assert "100%" in result.stderr  # the progress bar's final state
    width, height, duration = probe(logged_in.workdir / "boat.mp4")
    assert (width, height) == (720, 1280)
    assert duration == pytest.approx(4, abs=0.3)
    assert not [p for p in logged_in.workdir.iterdir() if p.name.endswith(".part")]


def test_create_without_waiting_returns_at_once(logged_in):
    result = logged_in("create", "a quiet street", "--seconds", "4", "--json")
    assert result.returncode == 0, result.stderr
    video = json.loads(result.stdout)
    assert video["status"] in ("queued", "in_progress") and video["seconds"] == "4"
    assert list(logged_in.workdir.iterdir()) == []


def test_create_with_a_reference_image(logged_in):
    image = logged_in.workdir / "first-frame.png"
    image.write_bytes(png_bytes(320, 240, (20, 160, 60)))
    result = logged_in("create", "the meadow comes alive", "--image", str(image), "--seconds", "4", "--wait",
                       "--json")
    assert result.returncode == 0, result.stderr
    video = json.loads(result.stdout)
    assert video["has_input_reference"] is True and video["download_state"] == "done"
    assert probe(logged_in.workdir / f"{video['id']}.mp4")[:2] == (1280, 720)


def test_list_get_download_and_rm(logged_in):
    created = logged_in("create", "a hot air balloon over hills", "--seconds", "4", "--wait",
                        "--out", "b.mp4")
    assert created.returncode == 0, created.stderr
    video_id = created_id(created.stdout)

    table = logged_in("list")
    assert table.returncode == 0 and f"\n{video_id[:8]} " in table.stdout
    assert "ready" in table.stdout and "a hot air" in table.stdout
    assert "1-1 of 1 (* simulated)\nall 1 videos: estimate $0.00 · charged $0.00; 1 simulated" in table.stdout
    page = json.loads(logged_in("list", "--json", "--status", "completed").stdout)
    assert page["total"] == 1 and page["videos"][0]["id"] == video_id
    assert json.loads(logged_in("list", "--json", "--status", "failed").stdout)["total"] == 0

    shown = logged_in("get", video_id)
    assert shown.returncode == 0 and "a hot air balloon over hills" in shown.stdout and "done" in shown.stdout
    assert json.loads(logged_in("get", video_id, "--json").stdout)["id"] == video_id

    fetched = logged_in("download", video_id, "--out", "again.mp4")
    assert fetched.returncode == 0 and "saved again.mp4" in fetched.stdout
    assert (logged_in.workdir / "again.mp4").read_bytes() == (logged_in.workdir / "b.mp4").read_bytes()
    thumbnail = logged_in("download", video_id, "--variant", "thumbnail")
    assert thumbnail.returncode == 0, thumbnail.stderr
    assert (logged_in.workdir / f"{video_id}.thumbnail.webp").read_bytes()[8:12] == b"WEBP"

    assert_clean_error(logged_in("rm", video_id), "pass --yes")  # no terminal to confirm on
    removed = logged_in("rm", video_id, "--yes")
    assert removed.returncode == 0 and f"deleted {video_id}" in removed.stdout
    assert_clean_error(logged_in("get", video_id), "Video not found")
    assert "No videos." in logged_in("list").stdout


def test_short_ids_fit_80_columns_and_work_like_gits(logged_in):
    made = [logged_in("create", f"clip {i} of a long prompt that will not fit in eighty columns at all", "--seconds",
                      "4", "--wait", "--out", "clips/") for i in range(2)]
    assert all(r.returncode == 0 for r in made), [r.stderr for r in made]
    ids = [created_id(r.stdout) for r in made]
    assert sorted(p.name for p in (logged_in.workdir / "clips").iterdir()) == sorted(f"{i}.mp4" for i in ids)
    table = logged_in("list")
    lines = table.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), lines
    rows = [line for line in lines if line[:8] in {i[:8] for i in ids}]
    assert len(rows) == 2 and all(row.split()[0] in (i[:8] for i in ids) for row in rows)  # never cut
    short = ids[0][:8]
    assert json.loads(logged_in("get", short, "--json").stdout)["id"] == ids[0]
    fetched = logged_in("download", short, "--out", "new/folder/")
    assert fetched.returncode == 0, fetched.stderr
    assert (logged_in.workdir / "new" / "folder" / f"{ids[0]}.mp4").stat().st_size > 1000
    assert_clean_error(logged_in("get", "zzzzzzzz"), "no video id starts with 'zzzzzzzz'")
    starred = logged_in("star", short)
    assert starred.returncode == 0 and f"starred {ids[0]}" in starred.stdout
    favourites = json.loads(logged_in("list", "--favourites", "--json").stdout)
    assert [v["id"] for v in favourites["videos"]] == [ids[0]]
    assert "★ clip 0" in logged_in("list").stdout
    link = logged_in("share", short, "--show-prompt")
    assert link.returncode == 0 and "/s/" in link.stdout, link.stderr
    removed = logged_in("rm", short, "--yes")
    assert removed.returncode == 0 and f"deleted {ids[0]}" in removed.stdout


def test_variations_make_one_batch(logged_in):
    result = logged_in("create", "three takes of a dancer", "--seconds", "4", "--variations", "3")
    assert result.returncode == 0, result.stderr
    batch = result.stdout.strip().splitlines()[-1].split()[1]
    assert result.stdout.count("id: ") == 3
    page = json.loads(logged_in("list", "--batch", batch, "--json").stdout)
    assert page["total"] == 3 and {v["batch_id"] for v in page["videos"]} == {batch}
    assert_clean_error(logged_in("create", "x", "--variations", "2", "--wait"), "--variations works without")
