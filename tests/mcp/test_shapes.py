"""create_video's `orientation`: a size or an aspect ratio of that shape from the chosen model."""

from __future__ import annotations

import pytest
from mcp.server.mcpserver.exceptions import ToolError

from sora2.mcp_server.tools import _pick_shape

MODELS = {"default_provider": "emulator", "default_model": "sora-2", "providers": [
    {"id": "emulator", "models": [{"id": "sora-2", "sizes": ["1280x720", "720x1280"], "aspect_ratios": []}]},
    {"id": "openrouter", "models": [{"id": "google/veo-3.1", "sizes": ["1280x720", "720x1280"],
                                     "aspect_ratios": ["16:9", "9:16"]}]},
]}


@pytest.mark.parametrize("provider, model, orientation, expected", [
    (None, None, "portrait", {"size": "720x1280"}),
    (None, "sora-2", "landscape", {"size": "1280x720"}),
    ("openrouter", None, "portrait", {"aspect_ratio": "9:16"}),
    (None, "google/veo-3.1", "landscape", {"aspect_ratio": "16:9"}),
    (None, "no-such-model", "portrait", {}),  # the REST API then names the allowed models
])
def test_orientation_picks_the_models_shape(provider, model, orientation, expected):
    assert _pick_shape(MODELS, provider, model, orientation) == expected


def test_an_orientation_the_model_lacks_is_a_clear_error():
    with pytest.raises(ToolError, match="no square size"):
        _pick_shape(MODELS, None, "sora-2", "square")
