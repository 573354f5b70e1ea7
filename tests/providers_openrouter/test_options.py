"""Shapes and options checked against a model before anything is paid for (no provider involved)."""

from __future__ import annotations

import pytest

from sora2.errors import BadRequest
from sora2.providers.catalog import openai_video_models
from sora2.providers.openrouter_models import capabilities_from_listing
from sora2.providers.shapes import nominal_size
from sora2.emulator.openrouter.catalog import models_json
from sora2.videos.options import Shape, generation_options, resolve_shape, stored_options

SORA = openai_video_models(remix=True)[0]
VEO = capabilities_from_listing(next(m for m in models_json()["data"] if m["id"] == "google/veo-3.1"))


@pytest.mark.parametrize(("ratio", "resolution", "size"), [
    ("16:9", "720p", "1280x720"), ("9:16", "720p", "720x1280"), ("16:9", "480p", "854x480"),
    ("1:1", "1080p", "1080x1080"), ("21:9", "1080p", "2520x1080"), ("4:3", "720p", "960x720"),
    ("16:9", "768p", "1366x768"), ("9:16", "4K", "2160x3840"), ("16:9", "8K", None), ("wide", "720p", None),
])
def test_nominal_sizes(ratio, resolution, size):
    assert nominal_size(ratio, resolution) == size


def test_every_spelling_of_a_shape_resolves_to_the_same_thing():
    expected = Shape("720x1280", "9:16", "720p")
    assert resolve_shape(VEO, "720x1280", None, None) == expected
    assert resolve_shape(VEO, None, "9:16", None) == expected
    assert resolve_shape(VEO, None, "9:16", "720p") == expected
    assert resolve_shape(VEO, "720x1280", "9:16", "720p") == expected
    assert resolve_shape(VEO, None, None, "4K") == Shape("3840x2160", "16:9", "4K")
    assert resolve_shape(VEO, None, None, None) == Shape("1280x720", "16:9", "720p")


def test_size_models_keep_sizes_and_refuse_aspect_ratios():
    assert resolve_shape(SORA, None, None, None) == Shape("1280x720")
    assert resolve_shape(SORA, "720x1280", None, None) == Shape("720x1280")
    with pytest.raises(BadRequest) as error:
        resolve_shape(SORA, None, "16:9", None)
    assert error.value.message == ("sora-2 is described by sizes, not aspect ratios and resolutions; use size. "
                                   "Allowed: 1280x720, 720x1280")


def test_options_are_checked_and_stored_for_the_tracker():
    options = generation_options(VEO, seed="42", negative_prompt=" blur ", generate_audio="false")
    assert options == {"seed": 42, "negative_prompt": "blur", "generate_audio": False}
    assert stored_options(Shape("1280x720", "16:9", "720p"), options) == {
        "aspect_ratio": "16:9", "resolution": "720p", "seed": 42, "negative_prompt": "blur", "generate_audio": False}
    assert generation_options(SORA) == {} and stored_options(Shape("1280x720"), {}) == {}
    for bad in ({"seed": -1}, {"seed": True}, {"seed": 2**32}, {"generate_audio": "maybe"}):
        with pytest.raises(BadRequest):
            generation_options(VEO, **bad)
    with pytest.raises(BadRequest, match="always makes sound"):
        generation_options(SORA, generate_audio=False)  # Sora's sound cannot be switched off
    assert generation_options(SORA, generate_audio=True) == {}  # on, as it always is: nothing to send
