"""How the command line shows videos and progress (rich, via typer): progress on stderr, data on stdout."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

import typer
from rich import box
from rich.console import Console
from rich.progress import (
    BarColumn, DownloadColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table
from rich.text import Text

PIPED_WIDTH = 160  # rich assumes 80 columns when not on a terminal, which would squash the table


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
    if video.get("billing") == "none":
        return f"{_money(0.0)} (never accepted by a provider; estimate was {_money(video.get('cost'))})"
    text = _money(video.get("cost"))
    if video.get("actual_cost") is not None and video.get("actual_cost") != video.get("cost"):
        text += f" (actual {_money(video['actual_cost'])})"
    return text + (" — emulated, nothing is charged" if video.get("emulated") else "")


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
    typer.echo(f"estimated cost: {_cost_text(video)}")


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
                ("retry of", video.get("retry_of"))]
    rows += [(k, v) for k, v in optional if v]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        typer.echo(f"{key.ljust(width)}  {value}")


def print_video_table(page: dict) -> None:
    videos = page.get("videos", [])
    if not videos:
        typer.echo("No videos." if not page.get("offset") else f"No videos past {page['offset']}.")
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("ID", no_wrap=True)
    for name in ("STATUS", "MODEL", "SIZE", "SEC", "COST", "CREATED"):
        table.add_column(name, no_wrap=True)
    table.add_column("PROMPT", overflow="ellipsis", no_wrap=True, min_width=10)
    for video in videos:
        cells = (video["id"], status_text(video), video.get("model"), video.get("size"), video.get("seconds"),
                 _money(video.get("cost")), _when(video.get("created_at"))[:16],
                 (video.get("prompt") or "").replace("\n", " "))
        table.add_row(*(Text(str(cell if cell is not None else "-")) for cell in cells))  # Text: no markup
    console = _stdout_console()
    console.print(table, markup=False)
    start = page.get("offset", 0)
    console.print(f"{start + 1}-{start + len(videos)} of {page.get('total', len(videos))}", markup=False)


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
