"""Capabilities of well-known video model families, for gateways whose model list names models but does not
describe them (LiteLLM's `/v1/models`, new-api, relays). An operator's model table overrides any of it.

A gateway speaks the OpenAI `/v1/videos` shape (`size` + `seconds`), so a family described by aspect ratio and
resolution is sent as the nominal size of that shape (16:9 at 720p → 1280x720); gateways map it on upstream.
Prices are list prices per second in USD as of late 2026 (estimates: the provider's bill is what counts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sora2.providers.catalog import SORA2_PRO_SIZES, SORA2_SIZES, SORA_DURATIONS


@dataclass(frozen=True)
class Family:
    key: str
    name: str
    pattern: re.Pattern[str]
    fields: dict[str, Any] = field(default_factory=dict)
    # (substring, price per second): the first variant the model id contains sets the price.
    prices: tuple[tuple[str, float], ...] = ()
    default_price: float = 0.0


def _family(key: str, name: str, pattern: str, prices: tuple[tuple[str, float], ...] = (),
            default_price: float = 0.0, **fields: Any) -> Family:
    return Family(key, name, re.compile(pattern), fields, prices, default_price)


_RATIO = {"aspect_ratios": ("16:9", "9:16"), "resolutions": ("720p", "1080p")}
FAMILIES = (
    _family("sora-2-pro", "Sora 2 Pro", r"sora-?2-?pro", default_price=0.30, sizes=SORA2_PRO_SIZES,
            durations=SORA_DURATIONS, audio=True, remix=True,
            price_by_size={"1792x1024": 0.50, "1024x1792": 0.50, "1920x1080": 0.70, "1080x1920": 0.70}),
    _family("sora-2", "Sora 2", r"sora-?2", default_price=0.10, sizes=SORA2_SIZES, durations=SORA_DURATIONS,
            audio=True, remix=True),
    _family("veo-3.1", "Veo 3.1", r"veo-?3\.1", (("lite", 0.05), ("fast", 0.15)), 0.40,
            durations=("4", "6", "8"), audio=True, **_RATIO),
    _family("veo-3", "Veo 3", r"veo-?3", (("fast", 0.15),), 0.40, durations=("4", "6", "8"), audio=True,
            **_RATIO),
    _family("seedance", "Seedance", r"seedance", (("lite", 0.04), ("fast", 0.05)), 0.12,
            durations=("5", "10"), aspect_ratios=("16:9", "9:16", "1:1", "4:3", "3:4", "21:9"),
            resolutions=("480p", "720p", "1080p")),
    _family("wan", "Wan", r"(^|[/_.-])wan[-_.]?\d|(^|/)wan(/|-)", (), 0.10, durations=("5", "10"),
            aspect_ratios=("16:9", "9:16", "1:1"), resolutions=("480p", "720p", "1080p")),
    _family("hailuo", "MiniMax Hailuo", r"hailuo|minimax", (), 0.045, durations=("6", "10"),
            aspect_ratios=("16:9",), resolutions=("768p", "1080p")),
    _family("kling", "Kling", r"kling", (("pro", 0.14), ("master", 0.28)), 0.07, durations=("5", "10"),
            aspect_ratios=("16:9", "9:16", "1:1"), resolutions=()),
    _family("runway", "Runway", r"runway|gen-?4|gen-?3a?", (), 0.05, durations=("5", "10"),
            aspect_ratios=("16:9", "9:16", "1:1"), resolutions=("720p",)),
)

# Unknown models: the shape every OpenAI-style gateway accepts, nothing optional, price unknown.
CONSERVATIVE = {"sizes": ("1280x720", "720x1280"), "durations": ("4", "8"), "image_reference": False,
                "remix": False, "extend": False, "audio": False}


def family_of(model_id: str) -> Family | None:
    lowered = model_id.lower()
    return next((f for f in FAMILIES if f.pattern.search(lowered)), None)


def price_of(family: Family, model_id: str) -> float:
    lowered = model_id.lower()
    return next((price for variant, price in family.prices if variant in lowered), family.default_price)
