"""`sora2 providers list|check|disable|enable`, run as an operator would, against a gateway-shaped listing."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from tests.emulator.helpers import serve
from tests.providers.test_gateway import _litellm_app


def sora2(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SORA2_")}
    environment.update({"SORA2_DATA_DIR": str(tmp_path / "data"), **env})
    if os.environ.get("SORA2_TEST_DATABASE_URL"):
        environment["SORA2_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    return subprocess.run([sys.executable, "-m", "sora2", "providers", *args], env=environment, capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)


async def test_list_and_check_report_models_and_unknown_model_warnings(tmp_path):
    async with serve(_litellm_app([])) as url:
        env = {"SORA2_OPENAI_BASE_URL": f"{url}/v1", "SORA2_OPENAI_API_KEY": "sk-gateway-key-1234"}
        listed = await asyncio.to_thread(sora2, tmp_path, "list", **env)
        assert listed.returncode == 0, listed.stderr
        assert "openai\tgateway\tenvironment\tenabled" in listed.stdout and "key …1234" in listed.stdout
        assert "sk-gateway-key-1234" not in listed.stdout
        checked = await asyncio.to_thread(sora2, tmp_path, "check", **env)
        assert checked.returncode == 0, checked.stderr
        assert "openai: ok, 3 models: veo-3.1, mystery-video, sora-2-pro" in checked.stdout
        assert "warning: unknown model 'mystery-video'" in checked.stdout
        assert (await asyncio.to_thread(sora2, tmp_path, "disable", "openai", **env)).returncode == 0
        assert "openai\tgateway\tenvironment\tdisabled" in (await asyncio.to_thread(sora2, tmp_path, "list",
                                                                                   **env)).stdout


def test_check_fails_loudly_when_the_gateway_does_not_answer(tmp_path):
    result = sora2(tmp_path, "check", SORA2_OPENAI_BASE_URL="http://127.0.0.1:9/v1", SORA2_OPENAI_API_KEY="k")
    assert result.returncode == 1 and "openai: FAILED" in result.stdout
