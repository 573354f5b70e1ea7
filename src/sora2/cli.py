"""`sora2` command line: serve, emulator, mcp, db, users, openapi, and the client commands."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from sora2.cli_client import register as register_client_commands
from sora2.cli_jobs import register as register_job_commands
from sora2.cli_providers import app as providers_app
from sora2.config import Settings
from sora2.config import get_settings as _load_settings
from sora2.storage_cli import register as register_storage_commands

# No local variables in tracebacks: settings and request objects hold secrets.
app = typer.Typer(help="Sora2 Platform: self-hosted AI video studio.", no_args_is_help=True,
                  pretty_exceptions_show_locals=False)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
users_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(providers_app, name="providers")
register_client_commands(app)  # login, logout, whoami, create, list, get, download, rm (sora2/cli_client.py)
register_job_commands(app)  # cancel, retry, dismiss (sora2/cli_jobs.py)
register_storage_commands(app)  # storage migrate, storage check (sora2/storage_cli.py)
T = TypeVar("T")


def get_settings() -> Settings:
    """The settings, or a plain message and exit code 2 when one is refused (a weak secret, a bad value)."""
    from pydantic import ValidationError

    try:
        return _load_settings()
    except ValidationError as exc:
        problems = "\n".join(f"  {error['msg'].removeprefix('Value error, ')}" for error in exc.errors())
        typer.echo(f"sora2: the configuration was refused:\n{problems}", err=True)
        raise typer.Exit(2) from None


def _configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # uvicorn's access log would record query strings (tokens, signatures); ours records paths only.
    logging.getLogger("uvicorn.access").disabled = True
    # httpx logs every provider call with its full URL at INFO; our metrics and errors already cover them.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # At DEBUG these write statement parameters and raw request data (password and token hashes, provider
    # keys): never below INFO, whatever the level asked for.
    quiet = max(logging.INFO, logging.getLogger().level)
    for name in ("aiosqlite", "httpcore", "openai", "openrouter", "hpack"):
        logging.getLogger(name).setLevel(quiet)


@app.command()
def serve(host: Annotated[str | None, typer.Option(help="Interface to bind")] = None,
          port: Annotated[int | None, typer.Option(help="Port to listen on")] = None) -> None:
    """Serve the API, Socket.IO, the web UI and (when no provider is configured) the emulator."""
    import uvicorn

    from sora2.app import create_app
    from sora2.filemodes import private_umask

    private_umask()
    settings = get_settings()
    overrides = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    settings = settings.model_copy(update=overrides)
    _configure_logging(settings.log_level)
    # proxy_headers off: the app applies them itself, for the proxies SORA2_FORWARDED_ALLOW_IPS names.
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, access_log=False, log_config=None,
                timeout_graceful_shutdown=5, proxy_headers=False)


@app.command()
def emulator(port: Annotated[int, typer.Option(help="Port to listen on")] = 8090,
             host: Annotated[str, typer.Option()] = "127.0.0.1",
             data_dir: Annotated[Path | None, typer.Option(help="Where jobs and media persist")] = None,
             job_seconds: Annotated[float | None, typer.Option(help="Seconds per job")] = None,
             api_key: Annotated[str | None, typer.Option(help="Require this bearer key (default: any)")] = None,
             render_workers: Annotated[int, typer.Option(help="Parallel render threads")] = 1,
             flavor: Annotated[str, typer.Option(help="Wire contract: openai (/v1/videos), openrouter "
                                                      "(/api/v1/videos) or fal (fal's queue)")] = "openai",
             webhook_secret: Annotated[str | None, typer.Option(
                 help="openrouter: sign webhooks with this secret", envvar="SORA2_OPENROUTER_WEBHOOK_SECRET",
                 show_envvar=True)] = None) -> None:
    """Run a provider emulator alone: OpenAI's /v1/videos (default), OpenRouter's /api/v1/videos or fal's queue."""
    import uvicorn

    from sora2.emulator import EmulatorConfig, create_standalone_app
    from sora2.filemodes import private_umask

    private_umask()
    if flavor not in ("openai", "openrouter", "fal"):
        raise typer.BadParameter("expected openai, openrouter or fal", param_hint="--flavor")
    settings = get_settings()
    _configure_logging(settings.log_level)
    config = EmulatorConfig(data_dir=data_dir or settings.emulator_dir,
                            job_seconds=job_seconds if job_seconds is not None else settings.emulator_job_seconds,
                            fps=settings.emulator_fps, api_key=api_key, render_workers=render_workers)
    if flavor == "fal":
        from sora2.emulator.fal import FalEmulator, create_fal_standalone_app

        emulator_app = create_fal_standalone_app(FalEmulator(config))
        typer.echo(f"fal emulator on http://{host}:{port} — point the server at it with "
                   f"SORA2_FAL_KEY=anything SORA2_FAL_QUEUE_URL=http://{host}:{port} "
                   f"SORA2_FAL_JWKS_URL=http://{host}:{port}/.well-known/jwks.json")
    elif flavor == "openrouter":
        from sora2.emulator.openrouter import OpenRouterEmulator, create_openrouter_standalone_app

        emulator_app = create_openrouter_standalone_app(OpenRouterEmulator(config, webhook_secret=webhook_secret))
        typer.echo(f"OpenRouter emulator on http://{host}:{port}/api/v1 — use it with "
                   f'OpenRouter(api_key="anything", server_url="http://{host}:{port}/api/v1")'
                   + (" (webhooks signed)" if webhook_secret else ""))
    else:
        emulator_app = create_standalone_app(config)
        typer.echo(f"Emulator on http://{host}:{port}/v1 — point the server at it with "
                   f"SORA2_OPENAI_BASE_URL=http://{host}:{port}/v1 SORA2_OPENAI_API_KEY=anything")
    uvicorn.run(emulator_app, host=host, port=port, access_log=False, log_config=None)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations."""
    from sora2.db.migrate import upgrade_async
    from sora2.db.startup_lock import startup_lock
    from sora2.filemodes import private_umask, secure_data_dir

    private_umask()
    settings = get_settings()
    secure_data_dir(settings.data_dir, settings.resolved_database_url)

    async def run() -> None:
        async with startup_lock(settings.data_dir, settings.resolved_database_url):  # servers may be starting
            await upgrade_async(settings.resolved_database_url)

    asyncio.run(run())
    typer.echo("database is up to date")


@asynccontextmanager
async def _sessions() -> AsyncIterator:
    from sora2.db.engine import create_engine, create_session_factory
    from sora2.db.migrate import upgrade_async
    from sora2.filemodes import private_umask, secure_data_dir

    private_umask()
    settings = get_settings()
    secure_data_dir(settings.data_dir, settings.resolved_database_url)
    await upgrade_async(settings.resolved_database_url)
    engine = create_engine(settings.resolved_database_url)
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


def _run_users(action: Callable[..., Awaitable[T]]) -> T:
    from sora2.errors import AppError
    from sora2.users.service import UserService

    async def main() -> T:
        async with _sessions() as sessions, sessions.begin() as session:
            return await action(UserService(session))

    try:
        return asyncio.run(main())
    except AppError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None


def _ask_password(password: str | None) -> str:
    return password or typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def users_add(username: str, role: Annotated[str, typer.Option(help="admin or user")] = "user",
              password: Annotated[str | None, typer.Option(help="Prompted when omitted")] = None) -> None:
    """Create a user."""
    if role not in ("admin", "user"):
        raise typer.BadParameter("role must be admin or user")
    secret = _ask_password(password)
    user = _run_users(lambda s: s.create(username, secret, role))
    typer.echo(f"created {user.username} ({user.role}, id {user.id})")


@users_app.command("list")
def users_list() -> None:
    """List users."""
    for user in _run_users(lambda s: s.repo.list()):
        state = "disabled" if user.disabled else "active"
        typer.echo(f"{user.id}\t{user.username}\t{user.role}\t{state}")


@users_app.command("passwd")
def users_passwd(username: str, password: Annotated[str | None, typer.Option()] = None) -> None:
    """Set a user's password."""
    secret = _ask_password(password)
    _run_users(lambda s: s.set_password(username, secret))
    typer.echo(f"password changed for {username}")


@users_app.command("disable")
def users_disable(username: str, enable: Annotated[bool, typer.Option("--enable", help="Re-enable")] = False) -> None:
    """Disable (or with --enable, re-enable) a user."""
    async def action(service):  # noqa: ANN001, ANN202
        user = await service.repo.get_by_username(username)
        if user is None:
            from sora2.errors import NotFound
            raise NotFound("User not found")
        return await service.update(user.id, disabled=not enable)

    _run_users(action)
    typer.echo(f"{username} {'enabled' if enable else 'disabled'}")


@users_app.command("budget")
def users_budget(username: Annotated[str | None, typer.Argument(help="Whose budget (omit with --instance)")] = None,
                 amount: Annotated[float | None, typer.Argument(help="USD per period; omit to show")] = None,
                 days: Annotated[int | None, typer.Option(help="A period of N days instead of the calendar "
                                                                "month")] = None,
                 instance: Annotated[bool, typer.Option("--instance", help="The whole instance's budget")] = False,
                 remove: Annotated[bool, typer.Option("--remove", help="Remove the budget")] = False) -> None:
    """Show or set a user's budget (USD per month, or per --days N), or the instance's with --instance."""
    from sora2.budgets.service import BudgetService
    from sora2.errors import NotFound

    if instance and username is not None and amount is None:
        try:  # `sora2 users budget --instance 500`: the one argument is the amount
            username, amount = None, float(username)
        except ValueError:
            pass
    if (username is None) == (not instance):
        raise typer.BadParameter("give a user name, or --instance (not both)")

    async def action(service):  # noqa: ANN001, ANN202
        user_id = None
        if username is not None:
            user = await service.repo.get_by_username(username)
            if user is None:
                raise NotFound("User not found")
            user_id = user.id
        budgets = BudgetService(service.repo.session)
        if remove:
            await budgets.remove(user_id)
            return None
        if amount is not None:
            await budgets.set(user_id, amount, "days" if days else "month", days)
        mine, shared = await budgets.statuses_for(user_id or "")
        return shared if user_id is None else mine

    status = _run_users(action)
    who = "the instance" if instance else username
    if remove:
        typer.echo(f"budget removed for {who}")
    elif status is None:
        typer.echo(f"{who} has no budget")
    else:
        typer.echo(f"{who}: ${status.amount:,.2f} {status.label}; used ${status.used:,.2f} "
                   f"(${status.reserved:,.2f} in flight), ${status.remaining:,.2f} left until "
                   f"{status.resets_at:%Y-%m-%d %H:%M} UTC")


@users_app.command("import")
def users_import(path: Path) -> None:
    """Import the original system's users.json (bcrypt hashes are kept and upgraded at next login)."""
    added, skipped = _run_users(lambda s: s.import_users_json(path))
    typer.echo(f"imported {added} users, skipped {skipped} already present")


@app.command(name="mcp")
def mcp_stdio() -> None:
    """MCP server over stdio for a local agent (Claude Desktop, Claude Code...). It talks to a running server:
    run `sora2 login URL` once, or set SORA2_URL and SORA2_TOKEN."""
    from sora2.mcp_server.stdio import StdioSetupError, serve_stdio

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)  # stdout carries the protocol only
    try:
        asyncio.run(serve_stdio())
    except StdioSetupError as exc:
        typer.echo(f"sora2 mcp: {exc}", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        pass


@app.command()
def openapi(out: Annotated[Path | None, typer.Option(help="Write to a file instead of stdout")] = None) -> None:
    """Print the OpenAPI document (used to generate the web UI's API types)."""
    from sora2.app import create_app
    from sora2.config import Settings

    document = create_app(Settings(emulator_enabled=False)).fastapi.openapi()  # type: ignore[attr-defined]
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    if out:
        out.write_text(text)
    else:
        typer.echo(text, nl=False)


def main() -> None:
    app()
