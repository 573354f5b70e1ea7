"""Capability discovery: OpenRouter's model listing becomes our capabilities, is cached, and survives outages."""

from __future__ import annotations

import asyncio
import json

import pytest

from sora2.emulator.openrouter.catalog import models_json
from sora2.providers.openrouter_models import capabilities_from_listing, models_from_listing
from tests.emulator_openrouter.helpers import Running
from tests.fixtures.live import free_port
from tests.providers_openrouter.helpers import adapter, openrouter_settings, until


def _listing() -> dict[str, dict]:
    return {m["id"]: m for m in models_json()["data"]}


def test_aspect_ratio_models_get_nominal_sizes_prices_by_resolution_and_features():
    veo = capabilities_from_listing(_listing()["google/veo-3.1"])
    assert veo.aspect_ratios == ("16:9", "9:16") and veo.resolutions == ("720p", "1080p", "4K")
    assert (veo.default_aspect_ratio, veo.default_resolution, veo.default_size) == ("16:9", "720p", "1280x720")
    assert "3840x2160" in veo.sizes and "720x1280" in veo.sizes and not veo.exact_size
    assert veo.durations == ("4", "6", "8") and veo.default_duration == "8"
    assert veo.price_per_second_by_resolution == {"720p": 0.40, "1080p": 0.40, "4K": 0.60}
    assert veo.price_per_second["3840x2160"] == 0.60 and veo.price("1280x720", "8", "720p") == 3.2
    assert veo.frame_images == ("first_frame", "last_frame") and veo.image_reference
    assert veo.seed and veo.negative_prompt and veo.audio and veo.audio_toggle and veo.extend and not veo.remix


def test_models_without_seed_audio_or_negative_prompt_say_so():
    hailuo = capabilities_from_listing(_listing()["minimax/hailuo-2.3"])
    assert not (hailuo.seed or hailuo.audio or hailuo.audio_toggle or hailuo.negative_prompt or hailuo.extend)
    assert hailuo.sizes == ("1366x768", "1920x1080")
    seedance = capabilities_from_listing(_listing()["bytedance/seedance-2.0"])
    assert seedance.frame_images == ("first_frame",) and seedance.price_per_second["854x480"] == 0.05


def test_exact_size_models_upscalers_and_shapeless_models():
    sized = {"id": "openai/sora-2-pro", "name": "Sora 2 Pro", "supported_durations": [4, 8, 12],
             "supported_sizes": ["1280x720", "720x1280"], "supported_aspect_ratios": None,
             "supported_resolutions": None, "pricing_skus": {"per-video-second": "0.30"}}
    caps = capabilities_from_listing(sized)
    assert caps.sizes == ("1280x720", "720x1280") and caps.exact_size and caps.aspect_ratios == ()
    assert caps.price("720x1280", "4") == 1.2 and not caps.image_reference
    upscaler = {**sized, "id": "topaz/upscale", "upscale_factor": {"min": 1, "max": 4}}
    shapeless = {"id": "x/y", "supported_durations": [5]}
    no_durations = {**sized, "id": "x/z", "supported_durations": None}
    assert models_from_listing([sized, upscaler, shapeless, no_durations, "junk"]) == (caps,)  # type: ignore[list-item]


def test_aspect_ratios_without_resolutions_are_named_at_720p():
    caps = capabilities_from_listing({"id": "a/b", "supported_durations": [5], "supported_aspect_ratios": ["1:1"]})
    assert caps.sizes == ("720x720",) and caps.resolutions == () and caps.shape_of("720x720") == ("1:1", None)


async def test_discovery_through_the_sdk_writes_the_cache(settings, openrouter: Running):
    provider = adapter(settings)
    try:
        await provider.start()
        ids = [m.id for m in provider.info.models]
        assert "google/veo-3.1" in ids and len(ids) == len(models_json()["data"])
        cached = json.loads(provider.cache.path.read_text())
        assert provider.cache.path == settings.data_dir / "providers" / "openrouter-models.json"
        assert [m["id"] for m in cached["data"]] == ids
    finally:
        await provider.close()


async def test_a_restart_without_network_serves_the_cached_models_at_once(settings, openrouter: Running):
    first = adapter(settings)
    await first.start()
    await first.close()
    offline = openrouter_settings(settings, f"http://127.0.0.1:{free_port()}", openrouter_startup_timeout_seconds=30)
    provider = adapter(offline)
    try:
        started = asyncio.get_running_loop().time()
        await provider.start()
        assert asyncio.get_running_loop().time() - started < 1.0
        assert {m.id for m in provider.info.models} == {m.id for m in first.info.models}
    finally:
        await provider.close()


async def test_first_start_offline_does_not_block_and_retries_in_the_background(settings, openrouter: Running):
    port = free_port()
    offline = openrouter_settings(settings, f"http://127.0.0.1:{port}", openrouter_startup_timeout_seconds=0.5)
    provider = adapter(offline)
    provider._first_retry = 0.2  # noqa: SLF001
    try:
        await provider.start()
        assert provider.info.models == ()
        # The provider comes back (here: the SDK is pointed at the running emulator) and the next try finds it.
        provider.sdk.sdk_configuration.server_url = f"{openrouter.url}/api/v1"
        await until(lambda: _has_models(provider), timeout=10)
    finally:
        await provider.close()


async def _has_models(provider) -> bool:  # noqa: ANN001
    return bool(provider.info.models)


@pytest.mark.parametrize("listing", ["not json", json.dumps({"data": "nope"})])
def test_a_torn_or_foreign_cache_reads_as_no_cache(tmp_path, listing):
    from sora2.providers.openrouter_models import ListingCache

    path = tmp_path / "cache.json"
    path.write_text(listing)
    assert ListingCache(path).load() is None
