"""The original system's model ids, each an alias of its nearest configured equivalent.

The original's web UI and MCP server offer exactly six models (seed-contract §3.4). When no enabled provider
offers the id itself, the first pattern of its row that some enabled model matches wins (the default provider's
models first); failing all, the default model. docs/providers.md shows this table.
"""

from __future__ import annotations

import re

from sora2.providers.base import ModelCapabilities, Provider
from sora2.providers.registry import ProviderRegistry

_NOT_FAST_OR_LITE = r"(?!.*(fast|lite))"
ALIASES: dict[str, tuple[str, ...]] = {
    "sora-2": (r"^sora-?2$", r"sora-?2(?!-?pro)"),
    "sora-2-pro": (r"^sora-?2-?pro$", r"sora-?2-?pro", r"sora-?2"),
    "veo-3.1-generate-preview": (rf"veo-?3\.1{_NOT_FAST_OR_LITE}", r"veo-?3\.1(?!.*lite)", r"veo"),
    "veo-3.1-fast-generate-preview": (r"veo-?3\.1.*fast", r"veo-?3.*fast", r"veo-?3\.1", r"veo"),
    "veo-3-generate-preview": (rf"veo-?3(?!\.1){_NOT_FAST_OR_LITE}", rf"veo-?3\.1{_NOT_FAST_OR_LITE}", r"veo"),
    "veo-3-fast-generate-preview": (r"veo-?3(?!\.1).*fast", r"veo-?3\.1.*fast", r"veo"),
}
ORIGINAL_MODELS = tuple(ALIASES)


def _candidates(registry: ProviderRegistry, provider_id: str | None) -> list[Provider]:
    if provider_id:
        return [registry.offered(provider_id)]
    default = registry.default
    return sorted(registry.enabled, key=lambda p: p is not default)


def substitute(registry: ProviderRegistry, provider_id: str | None,
               model: str) -> tuple[Provider, ModelCapabilities] | None:
    """The nearest configured equivalent of one of the original's model ids (None for any other id)."""
    patterns = ALIASES.get(model)
    if patterns is None:
        return None
    candidates = _candidates(registry, provider_id)
    for pattern in patterns:
        compiled = re.compile(pattern)
        for provider in candidates:
            match = next((m for m in provider.info.models if compiled.search(m.id.lower())), None)
            if match is not None:
                return provider, match
    if provider_id:
        provider = candidates[0]
        return (provider, provider.info.models[0]) if provider.info.models else None
    return registry.default_model()


def family_value(model_id: str, remix: bool) -> str:
    """The `provider` value the original's clients key on: "sora" shows Remix, "veo" the image and extend flows."""
    return "sora" if remix else "veo"
