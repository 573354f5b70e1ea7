"""The `provider` value the original's clients key on, answered only to them.

The original web UI shows Remix only when `provider === "sora"` and runs its image and extend flows for "veo"
(seed-contract §3.5, §4). Our records carry our provider ids ("openrouter", "fal", "my-gateway"), which the
original UI knows nothing of. So a record sent to one of the original's clients carries "sora" where the video's
model can remix and "veo" otherwise; our own clients keep our id. Every record also has `provider_id`, always ours.

The original's clients are axios programs and send axios's default `Accept` header; ours never do. A client can
also say which it wants: `X-Sora2-Compat: original` or `native` (docs/api.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sora2.providers.registry import ProviderRegistry
from sora2.videos.schemas import video_out
from sora2.videos.signing import MediaSigner

COMPAT_HEADER = "x-sora2-compat"
AXIOS_ACCEPT = "application/json, text/plain, */*"


def wants_original_values(headers: Mapping[str, str]) -> bool:
    explicit = (headers.get(COMPAT_HEADER) or "").strip().lower()
    if explicit in ("original", "seed"):
        return True
    if explicit in ("native", "off"):
        return False
    return (headers.get("accept") or "").strip() == AXIOS_ACCEPT


def original_provider(registry: ProviderRegistry, provider_id: str, model: str) -> str:
    provider = registry.get(provider_id) if provider_id in registry else None
    capabilities = provider.info.model(model) if provider is not None else None
    remix = capabilities.remix if capabilities is not None else "sora" in model.lower()
    return "sora" if remix else "veo"


def for_original_client(record: dict[str, Any], registry: ProviderRegistry) -> dict[str, Any]:
    record["provider"] = original_provider(registry, record["provider_id"], record["model"])
    return record


def record_out(video: Any, signer: MediaSigner, providers: ProviderRegistry,
               headers: Mapping[str, str] | None = None) -> dict:
    """A video record as a route answers it: with the original's provider values when `headers` are an original
    client's."""
    record = video_out(video, signer)
    if headers is not None and wants_original_values(headers):
        return for_original_client(record, providers)
    return record
