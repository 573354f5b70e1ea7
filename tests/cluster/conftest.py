"""One cluster per module: two instances (a data folder each, no shared disk) behind nginx round-robin, on
PostgreSQL, Redis and a local S3 server (see tests/fixtures/cluster.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import pytest

from tests.fixtures.cluster import Cluster, start_cluster
from tests.fixtures.live import ADMIN_PASSWORD


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with ExitStack() as stack:
        try:
            running = stack.enter_context(start_cluster(tmp_path_factory.mktemp("cluster"), job_seconds=1.0,
                                                        extra_env={"SORA2_OPENAI_CONCURRENCY": "8"}))
        except RuntimeError as exc:  # a missing piece (nginx, moto, PostgreSQL) says how to get it
            pytest.fail(str(exc))
        yield running


@pytest.fixture(scope="module")
def token(cluster: Cluster) -> str:
    answer = httpx.post(f"{cluster.url}/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD},
                        timeout=10)
    answer.raise_for_status()
    return answer.json()["token"]


@pytest.fixture(scope="module")
def headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
