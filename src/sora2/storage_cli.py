"""`sora2 storage migrate|check`: move a library into another store, and compare a store with the records."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import typer

from sora2.config import Settings, get_settings

storage_app = typer.Typer(help="Media storage maintenance (local folder or S3-compatible bucket).",
                          no_args_is_help=True)
LISTED = 20  # names printed per problem kind; the counts are always complete
ORPHAN_GRACE_SECONDS = 600.0  # as media.maintenance's (not imported here: the media package loads PyAV)


def register(app: typer.Typer) -> None:
    app.add_typer(storage_app, name="storage")


@asynccontextmanager
async def _opened(settings: Settings, url: str | None) -> AsyncIterator:
    from sora2.media import MediaError, open_store

    try:
        store = open_store(settings, url)
        await store.start()
    except MediaError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None
    try:
        yield store
    finally:
        await store.close()


def _size(count: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000  # type: ignore[assignment]
    return f"{count} B"


@storage_app.command("migrate")
def migrate(to: Annotated[str, typer.Option("--to", help="Target store: s3://bucket/prefix or a folder")],
            source: Annotated[str | None, typer.Option(
                "--from", help="Source store (default: SORA2_STORAGE_URL, else SORA2_DATA_DIR/media)")] = None) -> None:
    """Copy the media library into another store. Every copy is verified (size and MD5); run it again after an
    interruption and it copies only what is missing. Then set SORA2_STORAGE_URL to the target and restart."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from sora2.media.maintenance import migrate as copy_library

    settings = get_settings()

    async def main():  # noqa: ANN202
        async with _opened(settings, source) as origin, _opened(settings, to) as target:
            typer.echo(f"from {origin.description}\nto   {target.description}")
            with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                          transient=False) as progress:
                task = progress.add_task("copying", total=None)
                return await copy_library(
                    origin, target, on_start=lambda count, size: progress.update(
                        task, total=size, description=f"copying {count} objects"),
                    on_progress=lambda size: progress.advance(task, size))

    report = asyncio.run(main())
    typer.echo(f"copied {report.copied} objects ({_size(report.copied_bytes)}), "
               f"{report.already_there} already there, {len(report.failed)} failed")
    for key, reason in report.failed[:LISTED]:
        typer.echo(f"  failed: {key}: {reason}", err=True)
    if report.failed:
        typer.echo("run the same command again to retry what failed", err=True)
        raise typer.Exit(1)
    if to != (settings.storage_url or ""):
        typer.echo(f"now set SORA2_STORAGE_URL={to} on every instance and restart them")


@storage_app.command("check")
def check(delete_orphans: Annotated[bool, typer.Option(
        "--delete-orphans", help="Remove the orphaned objects found")] = False,
          min_age: Annotated[float, typer.Option(
              help="Seconds an unreferenced object must be old to count as orphaned (younger ones may belong to a "
                   "video being created right now)")] = ORPHAN_GRACE_SECONDS) -> None:
    """Compare the media store with the video records: objects a record needs that are missing, and objects
    no record needs (orphans). Exits 1 when either is found."""
    from sora2.cli import _sessions
    from sora2.media.maintenance import check as check_store
    from sora2.videos.repository import VideoRepository

    settings = get_settings()

    async def main():  # noqa: ANN202
        async with _sessions() as sessions, sessions.begin() as session:
            rows = await VideoRepository(session).media_names()
        async with _opened(settings, None) as store:
            typer.echo(f"media store: {store.description}")
            report = await check_store(store, rows, min_age)
            if delete_orphans and report.orphaned:
                await store.delete(obj.key for obj in report.orphaned)
            return report

    report = asyncio.run(main())
    typer.echo(f"{report.objects} objects, {report.videos} videos: {len(report.missing)} missing, "
               f"{len(report.orphaned)} orphaned ({_size(sum(o.size for o in report.orphaned))})"
               + (f", {report.in_flight} still being written" if report.in_flight else ""))
    for key in report.missing[:LISTED]:
        typer.echo(f"  missing: {key}")
    for obj in report.orphaned[:LISTED]:
        typer.echo(f"  {'deleted' if delete_orphans else 'orphaned'}: {obj.key}")
    if report.missing or (report.orphaned and not delete_orphans):
        raise typer.Exit(1)
