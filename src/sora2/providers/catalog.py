"""The OpenAI `/v1/videos` model table (sizes per model, durations, list prices per second)."""

from __future__ import annotations

from sora2.providers.base import ModelCapabilities

SORA_DURATIONS = ("4", "8", "12", "16", "20")
SORA2_SIZES = ("1280x720", "720x1280")
SORA2_PRO_SIZES = ("1280x720", "720x1280", "1792x1024", "1024x1792", "1920x1080", "1080x1920")


def openai_video_models(*, remix: bool) -> tuple[ModelCapabilities, ...]:
    # Prices: OpenAI's list prices per second (reference/openai-videos.md §10).
    return (
        ModelCapabilities(
            id="sora-2", name="Sora 2", sizes=SORA2_SIZES, durations=SORA_DURATIONS,
            default_size="1280x720", default_duration="8",
            price_per_second={s: 0.10 for s in SORA2_SIZES}, remix=remix, audio=True,
        ),
        ModelCapabilities(
            id="sora-2-pro", name="Sora 2 Pro", sizes=SORA2_PRO_SIZES, durations=SORA_DURATIONS,
            default_size="1280x720", default_duration="8",
            price_per_second={"1280x720": 0.30, "720x1280": 0.30, "1792x1024": 0.50, "1024x1792": 0.50,
                              "1920x1080": 0.70, "1080x1920": 0.70},
            remix=remix, audio=True,
        ),
    )
