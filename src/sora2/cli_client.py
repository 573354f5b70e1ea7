"""The `sora2` client commands: login, logout, whoami, create, list, get, download, rm (over the REST API)."""

from __future__ import annotations

import asyncio
import functools
import socket
import sys
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer

from sora2.client import ApiError, ServerUnreachable, StudioClient, default_filename, normalize_base_url
from sora2 import cli_library as library
from sora2.client import credentials as store
from sora2.client.credentials import Credentials, CredentialsError
from sora2.client.display import (
    download_progress, echo_json, human_size, print_created, print_video, print_video_table, wait_progress,
)

T = TypeVar("T")
DEFAULT_WAIT_SECONDS = 1800.0
VARIANTS = ("video", "thumbnail", "spritesheet")


class CliFailure(Exception):
    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


def _fail(message: str, exit_code: int = 1) -> NoReturn:
    raise CliFailure(message, exit_code)


def _login_hint(url: str | None) -> str:
    return f"run: sora2 login {url}" if url else "run: sora2 login URL"


def _current_credentials() -> Credentials:
    try:
        creds = store.resolve()
    except CredentialsError as exc:
        _fail(f"{exc} — {_login_hint(None)}")
    if not creds.url:
        _fail("not logged in — run: sora2 login URL (or set SORA2_URL and SORA2_TOKEN)")
    if not creds.token:
        url = normalize_base_url(creds.url)
        _fail(f"not logged in to {url} — {_login_hint(url)}")
    return creds


def _explain(exc: ApiError, url: str, signing_in: bool) -> str:
    if isinstance(exc, ServerUnreachable):
        return exc.message
    if exc.status == 401 and not signing_in:
        return f"{exc.message}: your login for {url} is no longer valid — {_login_hint(url)}"
    return exc.message


def _execute(main: Callable[[], Coroutine[object, object, T]], url: str, *, signing_in: bool = False) -> T:
    """Run one command's coroutine and turn every failure into a one-line message and an exit code."""
    try:
        return asyncio.run(main())
    except ApiError as exc:
        _fail(_explain(exc, url, signing_in))
    except KeyboardInterrupt:
        _fail("interrupted", 130)


def _with_client(action: Callable[[StudioClient], Awaitable[T]], creds: Credentials | None = None) -> T:
    creds = creds or _current_credentials()
    url = normalize_base_url(creds.url or "")

    async def main() -> T:
        async with StudioClient(url, creds.token) as client:
            return await action(client)

    return _execute(main, url)


def _guard(command: Callable[..., None]) -> Callable[..., None]:
    """Clean one-line errors on stderr (no tracebacks) for every failure a user can cause."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs) -> None:  # noqa: ANN002, ANN003
        try:
            command(*args, **kwargs)
        except CliFailure as exc:
            typer.echo(f"error: {exc.message}", err=True)
            raise typer.Exit(exc.exit_code) from None

    return wrapper


# -- login / logout / whoami -----------------------------------------------------------------------------

def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            _fail("no password on standard input")
        return password
    return typer.prompt("Password", hide_input=True)


async def _replace_previous(client: StudioClient, previous: Credentials | None) -> None:
    """The token this login replaces should not stay valid: revoke it with the new password session."""
    if previous is None or not previous.token_id or not previous.url:
        return
    if normalize_base_url(previous.url) != client.base_url:
        return
    try:
        await client.revoke_token(previous.token_id)
    except ApiError:
        pass  # another user's token (404), or already gone: nothing to do


Url = Annotated[str, typer.Argument(help="The server, e.g. http://127.0.0.1:3000")]
Username = Annotated[str | None, typer.Option("--username", "-u", help="Prompted when omitted")]
PasswordStdin = Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin")]
TokenName = Annotated[str | None, typer.Option(help="Name of the personal token (default cli@HOST)")]
ExpiresInDays = Annotated[int | None, typer.Option(help="Token lifetime in days (default: no expiry)")]
ReadOnly = Annotated[bool, typer.Option("--read-only", help="A token that can look but not create")]


def login(url: Url, username: Username = None, password_stdin: PasswordStdin = False,
          token_name: TokenName = None, expires_in_days: ExpiresInDays = None,
          read_only: ReadOnly = False) -> None:
    """Sign in with a password and store a personal API token for this machine."""
    url = normalize_base_url(url)
    username = username or typer.prompt("Username")
    password = _read_password(password_stdin)
    name = token_name or f"cli@{socket.gethostname()}"
    scopes = ["read"] if read_only else ["read", "write"]
    try:
        previous = store.load_stored()
    except CredentialsError:
        previous = None

    async def main() -> tuple[dict, dict, Path]:
        async with StudioClient(url) as client:
            session = await client.login(username, password)
            created = await client.create_token(name, scopes, expires_in_days)
            user = session.get("user") or {}
            saved = store.save(Credentials(
                url=url, token=created["token"], username=user.get("username", username),
                token_id=str(created.get("id")), token_name=created.get("name", name)))
            await _replace_previous(client, previous)
            return user, created, saved

    user, created, path = _execute(main, url, signing_in=True)
    expiry = f", expires {created['expires_at']}" if created.get("expires_at") else ""
    typer.echo(f"Logged in to {url} as {user.get('username', username)} "
               f"(token {created.get('name', name)!r}, {'/'.join(scopes)}{expiry}); saved to {path}")


def _revoke_own_token(creds: Credentials) -> None:
    """Revoke the stored token with itself; a token the server no longer knows counts as revoked."""
    url = normalize_base_url(creds.url or "")

    async def main() -> None:
        async with StudioClient(url, creds.token, timeout=20) as client:
            try:
                await client.revoke_token(creds.token_id or "")
            except ApiError as exc:
                if exc.status not in (401, 404):  # 401: already revoked or expired; 404: already gone
                    raise

    try:
        _execute(main, url)
    except CliFailure as exc:
        _fail(f"{exc.message} — credentials kept; `sora2 logout --forget` deletes them "
              "without revoking the token")


def logout(forget_only: Annotated[bool, typer.Option(
        "--forget", help="Only delete the local credentials, without revoking the token")] = False) -> None:
    """Revoke this machine's token on the server and delete the stored credentials."""
    try:
        creds = store.load_stored()
    except CredentialsError:
        creds, forget_only = None, True  # unreadable: nothing to revoke with
    if creds is None and not forget_only:
        typer.echo("Not logged in.")
        return
    if creds is not None and not forget_only and creds.token and creds.url and creds.token_id:
        _revoke_own_token(creds)
    store.forget()
    where = f" of {creds.url}" if creds and creds.url else ""
    typer.echo(f"Logged out{where}{'' if forget_only else ' (token revoked)'}.")


def whoami() -> None:
    """Show the server and the signed-in user."""
    creds = _current_credentials()
    me = _with_client(lambda c: c.me(), creds)
    user = me.get("user") or {}
    typer.echo(f"{user.get('username')} ({user.get('role')}) on {normalize_base_url(creds.url or '')}")


# -- videos -----------------------------------------------------------------------------------------------

def _read_image(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        _fail(f"cannot read image {path}: {exc.strerror or exc}")


def _check_outcome(video: dict) -> None:
    if video.get("status") == "failed":
        word = {"cancelled": "was cancelled", "unconfirmed": "is unconfirmed"}.get(video.get("state", ""), "failed")
        _fail(f"video {video['id']} {word}: {video.get('error_message') or 'no reason given'}")
    if video.get("status") != "completed":
        _fail(f"timed out waiting for video {video['id']}: still {video.get('status')} "
              f"({video.get('progress', 0)}%) — it keeps going on the server; "
              f"check with: sora2 get {video['id']}")
    if video.get("download_state") not in ("done", None):
        _fail(f"video {video['id']} completed but the server could not store it "
              f"({video.get('download_state')}: {video.get('download_error') or 'no reason given'})")


async def _wait_and_download(client: StudioClient, video: dict, out: Path | None, timeout: float,
                             as_json: bool) -> tuple[dict, Path | None]:
    with wait_progress(video) as on_update:
        try:
            video = await client.wait_for_video(video["id"], timeout=timeout, on_update=on_update)
        except (KeyboardInterrupt, asyncio.CancelledError):
            raise CliFailure(f"stopped waiting; video {video['id']} keeps going on the server — "
                             f"check with: sora2 get {video['id']}", 130) from None
    _check_outcome(video)
    dest = out or Path(default_filename(video["id"]))
    with download_progress(dest.name, quiet=as_json) as on_progress:
        saved = await client.download(video["id"], dest, on_progress=on_progress)
    return video, saved


Prompt = Annotated[str, typer.Argument(help="What the video should show")]
Model = Annotated[str | None, typer.Option(help="e.g. sora-2 (see the server's providers)")]
Size = Annotated[str | None, typer.Option(help="WIDTHxHEIGHT, e.g. 1280x720")]
Seconds = Annotated[str | None, typer.Option(help="Duration, e.g. 4 or 8")]
Provider = Annotated[str | None, typer.Option(help="Provider id (default: the server's default)")]
AspectRatio = Annotated[str | None, typer.Option("--aspect-ratio",
                                                 help="e.g. 16:9, for models described by ratio")]
Resolution = Annotated[str | None, typer.Option(help="e.g. 720p, for models described by ratio")]
Image = Annotated[Path | None, typer.Option(help="Reference image (JPEG, PNG, WebP): the first frame")]
Wait = Annotated[bool, typer.Option("--wait", help="Wait with a progress bar, then download")]
Out = Annotated[str | None, typer.Option(help="File, or folder ending in / (made if missing), for the MP4 "
                                                 "(implies --wait)")]
Variations = Annotated[int, typer.Option("--variations", "-n", min=1, max=4,
                                         help="Make 1-4 variations, each its own job (grouped as one batch)")]
PresetName = Annotated[str | None, typer.Option(help="A preset's name or id (see the web studio's Settings)")]
Timeout = Annotated[float, typer.Option(help="Seconds to wait at most")]
IdempotencyKey = Annotated[str | None, typer.Option(help="Retrying with the same key creates no second job")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of text")]


def create(prompt: Prompt, model: Model = None, size: Size = None, seconds: Seconds = None,
           provider: Provider = None, image: Image = None, wait: Wait = False, out: Out = None,
           timeout: Timeout = DEFAULT_WAIT_SECONDS, idempotency_key: IdempotencyKey = None,
           as_json: AsJson = False, aspect_ratio: AspectRatio = None, resolution: Resolution = None,
           variations: Variations = 1, preset: PresetName = None) -> None:
    """Create a video (or --variations N); with --wait or --out, wait for it and download the MP4."""
    data = _read_image(image) if image is not None else None
    destination = library.out_path(out)
    if variations > 1 and (image is not None or destination is not None or wait):
        _fail("--variations works without --image, --wait and --out; follow each id with `sora2 get`")
    extra = {k: v for k, v in (("aspect_ratio", aspect_ratio), ("resolution", resolution)) if v}

    async def action(client: StudioClient) -> tuple[dict, Path | None]:
        preset_id = await library.preset_id(client, preset)
        if preset_id:
            extra["preset_id"] = preset_id
        if variations > 1:
            batch = await client.create_variations(prompt, variations, model=model, size=size, seconds=seconds,
                                                   provider=provider, idempotency_key=idempotency_key, **extra)
            if not as_json:
                for video in batch["videos"]:
                    print_created(video)
                typer.echo(f"batch: {batch['batch_id']} (sora2 list --batch {batch['batch_id']})")
            return batch, None
        video = await client.create_video(prompt, model=model, size=size, seconds=seconds, provider=provider,
                                          image=data, image_filename=image.name if image else "reference.png",
                                          extra=extra, idempotency_key=idempotency_key)
        if not as_json:
            print_created(video)
        if not (wait or destination):
            return video, None
        return await _wait_and_download(client, video, destination, timeout, as_json)

    video, saved = _with_client(action)
    if as_json:
        echo_json(video)
    elif saved is not None:
        typer.echo(f"saved {saved} ({human_size(saved.stat().st_size)})")


Limit = Annotated[int, typer.Option(help="How many (1-200)")]
Offset = Annotated[int, typer.Option(help="Skip this many")]
Status = Annotated[str | None, typer.Option(help="queued, in_progress, completed or failed")]
OnlyModel = Annotated[str | None, typer.Option("--model", help="Only this model")]
Query = Annotated[str | None, typer.Option("--query", "-q", help="Prompt contains this text")]
Favourites = Annotated[bool, typer.Option("--favourites", help="Only starred videos")]
InCollection = Annotated[str | None, typer.Option("--collection", help="Only videos in this collection (id or name)")]
Batch = Annotated[str | None, typer.Option("--batch", help="Only the variations of this batch")]
Sort = Annotated[str | None, typer.Option(help="newest (default), oldest, duration or cost")]
From = Annotated[str | None, typer.Option("--from", help="Made on or after this day (YYYY-MM-DD)")]
To = Annotated[str | None, typer.Option("--to", help="Made on or before this day (YYYY-MM-DD)")]


def list_videos(limit: Limit = 20, offset: Offset = 0, status: Status = None, model: OnlyModel = None,
                query: Query = None, as_json: AsJson = False, favourites: Favourites = False,
                collection: InCollection = None, batch: Batch = None, sort: Sort = None, date_from: From = None,
                date_to: To = None) -> None:
    """List your videos (newest first) with short ids that get, download and rm accept, and the costs."""
    async def action(client: StudioClient) -> tuple[dict, dict | None]:
        page = await client.list_videos(limit=limit, offset=offset, status=status, model=model, q=query,
                                        favourite=True if favourites else None, batch=batch, sort=sort,
                                        collection=await library.collection_id(client, collection),
                                        date_from=date_from, date_to=date_to)
        return page, None if as_json else await client.cost_stats()

    page, stats = _with_client(action)
    if as_json:
        echo_json(page)
    else:
        print_video_table(page, stats)


VideoId = Annotated[str, typer.Argument(help="Video id, or a unique start of one (as `sora2 list` shows)")]


def get(video_id: VideoId, as_json: AsJson = False) -> None:
    """Show one video."""
    async def action(client: StudioClient) -> dict:
        return await client.get_video(await client.resolve_id(video_id))

    video = _with_client(action)
    if as_json:
        echo_json(video)
    else:
        print_video(video)


DownloadTo = Annotated[str | None, typer.Option("--out", help="File, or folder (made when it ends in /); "
                                                              "default ./ID.mp4")]
Variant = Annotated[str, typer.Option(help="video, thumbnail or spritesheet")]


def download(video_id: VideoId, out: DownloadTo = None, variant: Variant = "video") -> None:
    """Download a finished video (or its thumbnail or sprite sheet)."""
    if variant not in VARIANTS:
        _fail(f"unknown variant {variant!r}; use one of: {', '.join(VARIANTS)}")
    async def action(client: StudioClient) -> Path:
        full_id = await client.resolve_id(video_id)
        dest = library.out_path(out) or Path(default_filename(full_id, variant))
        with download_progress(dest.name) as on_progress:
            return await client.download(full_id, dest, variant=variant, on_progress=on_progress)

    saved = _with_client(action)
    typer.echo(f"saved {saved} ({human_size(saved.stat().st_size)})")


Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation")]


def rm(video_id: VideoId, yes: Yes = False) -> None:
    """Delete a video and its files on the server."""
    creds = _current_credentials()
    if not yes and not sys.stdin.isatty():
        _fail("refusing to delete without confirmation; pass --yes")

    async def find(client: StudioClient) -> dict:
        return await client.get_video(await client.resolve_id(video_id))

    video = _with_client(find, creds)
    if not yes and not typer.confirm(f"Delete {video['id']} ({(video.get('prompt') or '')[:50]!r})?", default=False):
        _fail("not deleted")
    _with_client(lambda c: c.delete_video(video["id"]), creds)
    typer.echo(f"deleted {video['id']}")


def register(app: typer.Typer) -> None:
    """Add the client commands to the `sora2` command line."""
    for name, command in (("login", login), ("logout", logout), ("whoami", whoami), ("create", create),
                          ("list", list_videos), ("get", get), ("download", download), ("rm", rm),
                          ("star", library.star), ("unstar", library.unstar), ("share", library.share)):
        app.command(name, rich_help_panel="Client (talks to a running server)")(_guard(command))

