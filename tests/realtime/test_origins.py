"""Socket.IO accepts the page this server serves (same origin), the configured dev origins, and nothing else."""

from __future__ import annotations

import httpx
import pytest

from tests.fixtures.live import LiveServer

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory):  # noqa: ANN201
    live = LiveServer(tmp_path_factory.mktemp("origins") / "data").start()
    yield live
    live.stop()


@pytest.mark.parametrize(("origin", "allowed"), [
    (None, True), ("SAME", True), ("http://localhost:5173", True), ("https://evil.example", False)])
def test_polling_handshake_by_origin(server, origin, allowed):
    headers = {} if origin is None else {"Origin": server.url if origin == "SAME" else origin}
    response = httpx.get(f"{server.url}/socket.io/?EIO=4&transport=polling", headers=headers, timeout=10)
    assert (response.status_code == 200) is allowed, response.text
