"""First-run work: the initial admin account, and the startup lines that tell an operator what runs."""

from __future__ import annotations

import logging

from sora2.auth.tokens import write_private_file
from sora2.config import Settings
from sora2.context import AppContext
from sora2.db.session import SessionFactory
from sora2.users.service import UserService

log = logging.getLogger("sora2")


async def ensure_initial_admin(settings: Settings, sessions: SessionFactory) -> None:
    """First start only (callers hold the startup lock, so several instances starting at once make one admin)."""
    password = settings.admin_password.get_secret_value() if settings.admin_password else None
    async with sessions.begin() as session:
        created = await UserService(session).ensure_initial_admin(settings.admin_username, password)
    if created is None:
        return
    if created.password is None:
        log.info("created the admin account %r with the password from SORA2_ADMIN_PASSWORD", created.username)
        return
    path = settings.data_dir / "initial-admin-password"
    write_private_file(path, created.password + "\n")
    # Printed once to the console, never to the log handlers.
    print(f"\n  Created the admin account {created.username!r} with password: {created.password}\n"
          f"  (also written to {path}, mode 600). Change it in Settings after signing in.\n", flush=True)


def announce_startup(ctx: AppContext) -> None:
    names = ", ".join(f"{p.info.id} ({len(p.info.models)} models)" for p in ctx.providers.all) or "none"
    log.info("providers: %s", names)
    if any(p.info.emulated for p in ctx.providers.all):
        log.warning("using the built-in EMULATOR: videos are simulated, nothing is paid. To use a real provider add "
                    "one in the admin page (Providers), or set SORA2_OPENROUTER_API_KEY (OpenRouter), SORA2_FAL_KEY "
                    "(fal.ai), or SORA2_OPENAI_BASE_URL and SORA2_OPENAI_API_KEY (any OpenAI /v1/videos-compatible "
                    "gateway such as LiteLLM); see docs/providers.md")
    if ctx.settings.openrouter_configured:
        mode = ("webhooks to " + ctx.settings.public_url.rstrip("/") + "/api/webhooks/openrouter"
                if ctx.settings.openrouter_webhooks and ctx.settings.public_url else
                "polling only (webhooks need an https SORA2_PUBLIC_URL and SORA2_OPENROUTER_WEBHOOK_SECRET)")
        log.info("OpenRouter: %s", mode)
    if ctx.settings.fal_configured:
        log.info("fal.ai: %s", "webhooks to " + ctx.settings.public_url.rstrip("/") + "/api/webhooks/fal"
                 if ctx.settings.fal_webhooks and ctx.settings.public_url else
                 "polling only (webhooks need an https SORA2_PUBLIC_URL)")
