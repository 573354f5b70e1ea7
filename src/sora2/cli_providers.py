"""`sora2 providers list|check|enable|disable`: the admin page's provider view, on the server's machine (it reads
the same environment, database and provider secret as `sora2 serve`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer

T = TypeVar("T")
app = typer.Typer(help="Video providers: environment and those added in the admin page.", no_args_is_help=True)


def _run(action: Callable[..., Awaitable[T]]) -> T:
    from sora2.cli import _sessions
    from sora2.config import get_settings
    from sora2.errors import AppError
    from sora2.providers.registry import ProviderRegistry
    from sora2.providers_admin.crypto import load_keybox
    from sora2.providers_admin.service import ProviderAdminService

    settings = get_settings()

    async def main() -> T:
        async with _sessions() as sessions, sessions.begin() as session:
            service = ProviderAdminService(session, settings, ProviderRegistry([]), load_keybox(settings))
            return await action(service)

    try:
        return asyncio.run(main())
    except AppError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None


@app.command("list")
def list_providers() -> None:
    """Every provider, where it is configured, whether it is enabled, and the default model."""
    async def action(service):  # noqa: ANN001, ANN202
        return await service.entries(), await service.default(), await service.repo.setting("providers.disabled", [])

    entries, default, disabled = _run(action)
    if not entries and not disabled:
        typer.echo("no provider configured: `sora2 serve` uses the built-in emulator")
    for entry in entries:
        key = f"key …{entry.key_hint}" if entry.key_hint else ("key set" if entry.has_key else "no key")
        state = "enabled" if entry.enabled else "disabled"
        typer.echo(f"{entry.id}\t{entry.kind}\t{entry.source}\t{state}\t{entry.base_url or '-'}\t{key}")
    if default is not None:
        typer.echo(f"default model: {default.provider} / {default.model}")


@app.command("check")
def check(provider_id: Annotated[str | None, typer.Argument(help="Only this provider")] = None) -> None:
    """Ask each provider for its models (proves URL and key); warns about models given conservative defaults."""
    from sora2.config import get_settings
    from sora2.providers.specs import env_specs
    from sora2.providers_admin.runtime import spec_of
    from sora2.providers_admin.service import check_spec

    settings = get_settings()

    async def action(service):  # noqa: ANN001, ANN202
        specs = env_specs(settings) + [spec_of(c, service.keybox) for c in await service.repo.list()]
        chosen = [s for s in specs if provider_id in (None, s.id)]
        return [(spec, await check_spec(spec, settings)) for spec in chosen]

    results = _run(action)
    if provider_id and not results:
        typer.echo(f"error: no provider {provider_id!r} (the emulator needs no check)", err=True)
        raise typer.Exit(1)
    failed = False
    for spec, result in results:
        if result.ok:
            typer.echo(f"{spec.id}: ok, {len(result.models)} models: {', '.join(result.models)}")
        else:
            failed = True
            typer.echo(f"{spec.id}: FAILED: {result.error}")
        for line in [*result.warnings, *result.notes]:
            typer.echo(f"  warning: {line}" if line in result.warnings else f"  note: {line}")
    if failed:
        raise typer.Exit(1)


def _toggle(provider_id: str, enabled: bool) -> None:
    from sora2.providers_admin.schemas import ProviderPatch

    _run(lambda service: service.update(provider_id, ProviderPatch(enabled=enabled)))
    typer.echo(f"{provider_id} {'enabled' if enabled else 'disabled'}; running servers pick it up within "
               "SORA2_PROVIDERS_RELOAD_SECONDS")


@app.command("enable")
def enable(provider_id: str) -> None:
    """Offer a provider for new videos again."""
    _toggle(provider_id, True)


@app.command("disable")
def disable(provider_id: str) -> None:
    """Stop offering a provider for new videos (its running jobs still finish)."""
    _toggle(provider_id, False)
