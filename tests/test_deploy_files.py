"""The deployment files that are not run by the tests (no Docker engine here) stay in step with the ones that are:
compose's nginx file is the documented one the cluster tests run, and compose describes the tested layout."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.fixtures.nginx import DOCS_MARKER, documented_block

ROOT = Path(__file__).resolve().parents[1]


def _without_upstreams(site: str) -> str:
    return re.sub(r"^ *server \S+:\d+;\n", "", site, flags=re.M)


def test_composes_nginx_file_is_the_documented_one():
    deployed = (ROOT / "deploy" / "nginx.conf").read_text()
    deployed = deployed[deployed.index(DOCS_MARKER):]
    documented = documented_block(DOCS_MARKER)
    assert _without_upstreams(deployed) == _without_upstreams(documented)
    assert re.findall(r"^ *server (\S+);", deployed, re.M) == ["sora2-a:3000", "sora2-b:3000"]


def test_compose_describes_the_tested_layout():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "minio", "bucket", "emulator", "sora2-a", "sora2-b", "nginx"} <= set(services)
    a, b = services["sora2-a"]["environment"], services["sora2-b"]["environment"]
    assert a["SORA2_INSTANCE_ID"] != b["SORA2_INSTANCE_ID"]
    assert {k: v for k, v in a.items() if k != "SORA2_INSTANCE_ID"} == \
        {k: v for k, v in b.items() if k != "SORA2_INSTANCE_ID"}
    assert a["SORA2_STORAGE_URL"].startswith("s3://") and a["SORA2_DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert a["SORA2_REDIS_URL"].startswith("redis://")
    assert services["nginx"]["volumes"] == ["./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro"]
