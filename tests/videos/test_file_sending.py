"""How the server sends a library file itself: bodies of several MiB arrive whole and in order, ranges across the
read size are exact, and a server that offers the ASGI path-send extension is handed the file's path."""

from __future__ import annotations


import pytest

from tests.videos.helpers import video_with_bytes


@pytest.fixture
async def big_file(client, user_headers, ctx) -> tuple[dict, bytes]:  # noqa: ANN001
    """A completed video whose stored MP4 is 3.5 MiB of known bytes."""
    return await video_with_bytes(client, user_headers, ctx, 7 * 2**19)


async def test_bodies_of_several_mib_and_ranges_across_reads_are_exact(client, user_headers, big_file):
    video, data = big_file
    url = f"/api/videos/{video['id']}/content"
    whole = await client.get(url, headers=user_headers)
    assert whole.status_code == 200 and whole.content == data
    across = await client.get(url, headers={**user_headers, "Range": f"bytes={2**20 - 10}-{3 * 2**20 + 9}"})
    assert across.status_code == 206 and across.content == data[2**20 - 10:3 * 2**20 + 10]
    signed = await client.get(video["media"]["video"], headers={"Range": "bytes=-1048577"})
    assert signed.status_code == 206 and signed.content == data[-1048577:]


async def _call(app, path: str, headers: list[tuple[bytes, bytes]]) -> list[dict]:  # noqa: ANN001
    """One request as a server offering `http.response.pathsend` makes it."""
    sent: list[dict] = []
    scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": [(b"host", b"testserver"), *headers], "client": ("127.0.0.1", 50000),
             "server": ("testserver", 80), "extensions": {"http.response.pathsend": {}}}

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


async def test_a_server_with_pathsend_gets_the_path_of_a_whole_file(app, user_headers, big_file, ctx):  # noqa: ANN001
    video, data = big_file
    auth = (b"authorization", user_headers["Authorization"].encode())
    path = f"/api/videos/{video['id']}/content"
    whole = await _call(app, path, [auth])
    assert whole[0]["status"] == 200
    assert whole[1] == {"type": "http.response.pathsend",
                        "path": str(ctx.storage.local_path(f"videos/{video['id']}.mp4"))}
    part = await _call(app, path, [auth, (b"range", b"bytes=0-99")])
    assert part[0]["status"] == 206 and part[1]["type"] == "http.response.body" and part[1]["body"] == data[:100]
    refused = await _call(app, path, [])
    assert refused[0]["status"] == 401 and all(m["type"] != "http.response.pathsend" for m in refused)
