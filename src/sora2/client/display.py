"""How the command line shows videos and progress (rich, via typer): progress on stderr, data on stdout."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

import typer
from rich.console import Console
from rich.progress import (
    BarColumn, DownloadColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn,
    TransferSpeedColumn,
)

PIPED_WIDTH = 80  # not on a terminal: the table fits the classic 80 columns (scripts use --json)
SHORT_ID = 8  # like git's short hashes: `get`, `download` and `rm` take any unique prefix


def error_console() -> Console:
    return Console(stderr=True, highlight=False)


def _stdout_console() -> Console:
    return Console(highlight=False, width=None if sys.stdout.isatty() else PIPED_WIDTH)


def echo_json(value: object) -> None:
    typer.echo(json.dumps(value, indent=2))


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def _when(epoch: int | None) -> str:
    return datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M:%S") if epoch else "-"


def _money(value: float | None) -> str:
    return f"${value:.2f}" if value is not None else "-"


def _cost_text(video: dict) -> str:
    """The estimate and what was charged, told apart (the server's `charged` is the one rule for both)."""
    text = f"estimate {_money(video.get('cost'))} · charged {_money(video.get('charged', 0.0))}"
    if video.get("billing") == "possible":
        return text + " (the provider never confirmed this job: it may have been charged)"
    if video.get("emulated"):
        return text + " (simulated by the emulator: never charged)"
    if video.get("actual_cost") is not None:
        return text + " (as the provider reported)"
    return text


def totals_line(stats: dict) -> str:
    simulated = stats.get("user_simulated") or 0
    tail = f"; {simulated} simulated" if simulated else ""
    return (f"all {stats.get('user_videos', 0)} videos: estimate {_money(stats.get('user_estimated'))} · "
            f"charged {_money(stats.get('user_charged'))}{tail}")


def short_ids(ids: list[str]) -> dict[str, str]:
    """Each id's shortest prefix of at least SHORT_ID characters that no other listed id shares."""
    length = SHORT_ID
    while length < 36 and len({i[:length] for i in ids}) < len(set(ids)):
        length += 2
    return {i: i[:length] for i in ids}


def _age(epoch: int | None, now: float | None = None) -> str:
    if not epoch:
        return "-"
    seconds = max(0, int((now or datetime.now().timestamp()) - epoch))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def short_status(video: dict) -> str:
    """status_text in at most 11 characters, for the list's column."""
    status = video.get("status")
    if status == "in_progress":
        return f"running {video.get('progress', 0)}%"
    if status == "completed" and video.get("download_state") == "pending":
        return "saving"
    if status == "completed" and video.get("download_state") in ("failed", "expired"):
        return "dl " + str(video["download_state"])
    return {"completed": "ready"}.get(str(status), str(status))


STATE_WORDS = {"confirming": "confirming with the provider", "unconfirmed": "unconfirmed: may have been charged",
               "cancelled": "cancelled"}


def status_text(video: dict) -> str:
    status = video.get("state") or video.get("status")  # `state` is the precise one (servers since 2026-11)
    if status in STATE_WORDS:
        return STATE_WORDS[status]
    if status == "in_progress":
        return f"in_progress {video.get('progress', 0)}%"
    if status == "completed" and video.get("download_state") == "pending":
        return "completed, saving on the server"
    if status == "completed" and video.get("download_state") in ("failed", "expired"):
        return f"completed, download {video['download_state']}"
    return str(status)


def print_created(video: dict) -> None:
    typer.echo(f"id: {video['id']}")
    typer.echo(f"status: {status_text(video)}")
    shape = f"{video.get('model')} {video.get('size')} {video.get('seconds')}s"
    typer.echo(f"model: {shape} ({video.get('provider')})")
    typer.echo(f"cost: {_cost_text(video)}")


def print_video(video: dict) -> None:
    rows = [
        ("id", video.get("id")), ("status", status_text(video)), ("prompt", video.get("prompt")),
        ("model", f"{video.get('model')} {video.get('size')} {video.get('seconds')}s"),
        ("provider", video.get("provider")), ("cost", _cost_text(video)),
        ("created", _when(video.get("created_at"))), ("completed", _when(video.get("completed_at"))),
        ("download", video.get("download_state") or "-"),
    ]
    optional = [("error", video.get("error_message")), ("download error", video.get("download_error")),
                ("reference image", "yes" if video.get("has_input_reference") else None),
                ("remix of", video.get("remix_of")), ("continued from", video.get("continued_from")),
                ("retry of", video.get("retry_of")),
                ("favourite", "yes" if video.get("favourite") else None), ("batch", video.get("batch_id"))]
    rows += [(k, v) for k, v in optional if v]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        typer.echo(f"{key.ljust(width)}  {value}")


COLUMNS = ("ID", "STATUS", "MODEL", "SIZE", "SEC", "EST", "PAID", "AGE", "PROMPT")
RIGHT = {"SEC", "EST", "PAID", "AGE"}
GAP = "  "
MIN_PROMPT, MIN_MODEL = 12, 6


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def _widths(rows: list[tuple[str, ...]], total: int) -> list[int]:
    """Every column as wide as its widest cell; the prompt takes what is left, then the model gives way."""
    widths = [max(len(COLUMNS[i]), *(len(r[i]) for r in rows)) for i in range(len(COLUMNS))]
    fixed = sum(widths[:-1]) + len(GAP) * (len(COLUMNS) - 1)
    model = COLUMNS.index("MODEL")
    overflow = fixed + MIN_PROMPT - total
    if overflow > 0:
        widths[model] = max(MIN_MODEL, widths[model] - overflow)
        fixed = sum(widths[:-1]) + len(GAP) * (len(COLUMNS) - 1)
    widths[-1] = max(MIN_PROMPT, min(widths[-1], total - fixed))
    return widths


def _line(cells: tuple[str, ...], widths: list[int]) -> str:
    parts = [(_cut(c, w).rjust(w) if COLUMNS[i] in RIGHT else _cut(c, w).ljust(w))
             for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
    return GAP.join(parts).rstrip()


def video_rows(videos: list[dict]) -> list[tuple[str, ...]]:
    shorts = short_ids([v["id"] for v in videos])
    return [(shorts[v["id"]], short_status(v), str(v.get("model") or "-"), str(v.get("size") or "-"),
             str(v.get("seconds") or "-"), f"{v.get('cost') or 0.0:.2f}",
             f"{v.get('charged') or 0.0:.2f}" + ("*" if v.get("emulated") else ""), _age(v.get("created_at")),
             ("★ " if v.get("favourite") else "") + " ".join((v.get("prompt") or "").split()))
            for v in videos]


def print_video_table(page: dict, stats: dict | None = None) -> None:
    """Fits the terminal (80 columns when piped): the short id is never cut, the prompt gives way. EST is the
    estimate, PAID what was charged (USD); * marks simulated videos (the emulator's, never charged)."""
    videos = page.get("videos", [])
    if not videos:
        typer.echo("No videos." if not page.get("offset") else f"No videos past {page['offset']}.")
        return
    rows = video_rows(videos)
    widths = _widths(rows, _stdout_console().width)
    typer.echo(_line(COLUMNS, widths))
    typer.echo("─" * len(_line(COLUMNS, widths)))
    for row in rows:
        typer.echo(_line(row, widths))
    start = page.get("offset", 0)
    typer.echo(f"{start + 1}-{start + len(videos)} of {page.get('total', len(videos))}"
               + (" (* simulated)" if any(v.get("emulated") for v in videos) else ""))
    if stats:
        typer.echo(totals_line(stats))


@contextmanager
def wait_progress(video: dict) -> Iterator[Callable[[dict], None]]:
    """A progress bar fed by status updates; yields the callback that takes each new record."""
    columns = (SpinnerColumn(), TextColumn("{task.description}", markup=False), BarColumn(bar_width=30),
               TaskProgressColumn(), TimeElapsedColumn())
    with Progress(*columns, console=error_console()) as bar:
        task = bar.add_task(status_text(video), total=100, completed=video.get("progress", 0))

        def update(record: dict) -> None:
            done = 100 if record.get("status") == "completed" else record.get("progress", 0)
            bar.update(task, completed=done, description=status_text(record))

        yield update


@contextmanager
def download_progress(name: str, *, quiet: bool = False) -> Iterator[Callable[[int, int | None], None]]:
    """A byte progress bar for a download, shown from the first byte on (not for a refused request)."""
    if quiet:
        yield lambda _received, _total: None
        return
    columns = (TextColumn("{task.description}", markup=False), BarColumn(bar_width=24), DownloadColumn(),
               TransferSpeedColumn())
    bar = Progress(*columns, console=error_console())
    task = None

    def update(received: int, total: int | None) -> None:
        nonlocal task
        if task is None:
            bar.start()
            task = bar.add_task(name, total=total)
        bar.update(task, completed=received, total=total)

    try:
        yield update
    finally:
        if task is not None:
            bar.stop()
