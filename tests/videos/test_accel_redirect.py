"""Behind a real nginx with SORA2_MEDIA_ACCEL_REDIRECT: the server authorises, nginx sends the bytes (the location
from docs/deployment.md), and a client sees the same ranges, 416s, ETags and refusals as without nginx."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sora2.client.studio import StudioClient
from tests.fixtures.live import ADMIN_PASSWORD, LiveServer, free_port
from tests.fixtures.nginx import SITE_LOG, Nginx, documented_site, with_media_location

pytestmark = pytest.mark.e2e


def _stack(folder: Path, **env: str) -> tuple[LiveServer, Nginx]:
    server = LiveServer(folder / "data", env_overrides={"SORA2_MEDIA_ACCEL_REDIRECT": "/_media/", **env}).start()
    port = free_port()
    site = with_media_location(documented_site([server.port], port), folder / "data" / "media", folder / "grants")
    nginx = Nginx(folder / "nginx", site, port)
    try:
        nginx.start()
    except BaseException:
        server.stop()
        raise
    return server, nginx


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Nginx]]:
    server, nginx = _stack(tmp_path_factory.mktemp("accel"))
    try:
        yield server, nginx
    finally:
        nginx.stop()
        server.stop()


def _login(url: str, username: str, password: str) -> str:
    answer = httpx.post(f"{url}/api/auth/login", json={"username": username, "password": password})
    answer.raise_for_status()
    return answer.json()["token"]


def _finished_video(url: str, prompt: str) -> dict:
    import asyncio

    async def make() -> dict:
        async with StudioClient(url, _login(url, "admin", ADMIN_PASSWORD)) as client:
            created = await client.create_video(prompt, seconds="4")
            return await client.wait_for_video(created["id"], timeout=60, poll_interval=0.3)

    done = asyncio.run(make())
    assert done["download_state"] == "done", done
    return done


@pytest.fixture(scope="module")
def video(stack: tuple[LiveServer, Nginx]) -> dict:
    return _finished_video(stack[1].url, "served by nginx")


def _file(stack: tuple[LiveServer, Nginx], video: dict) -> Path:
    return stack[0].data_dir / "media" / "videos" / f"{video['id']}.mp4"


def test_nginx_sends_ranges_and_whole_files_the_server_authorised(stack, video):  # noqa: ANN001
    server, nginx = stack
    data = _file(stack, video).read_bytes()
    token = _login(nginx.url, "admin", ADMIN_PASSWORD)
    content = f"{nginx.url}/api/videos/{video['id']}/content"
    whole = httpx.get(content, params={"token": token})
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["content-type"] == "video/mp4" and "x-accel-redirect" not in whole.headers
    part = httpx.get(content, params={"token": token}, headers={"Range": "bytes=100-1123"})
    assert part.status_code == 206 and part.content == data[100:1124]
    assert part.headers["content-range"] == f"bytes 100-1123/{len(data)}"
    signed = httpx.get(nginx.url + video["media"]["video"], headers={"Range": f"bytes=-{500}"})
    assert signed.status_code == 206 and signed.content == data[-500:]
    thumbnail = httpx.get(nginx.url + video["media"]["thumbnail"])
    assert thumbnail.status_code == 200 and thumbnail.headers["content-type"] == "image/webp"
    # The bytes came from nginx: the server itself answered with the internal redirect only.
    direct = httpx.get(f"{server.url}/api/videos/{video['id']}/content", params={"token": token})
    assert direct.headers["x-accel-redirect"] == f"/_media/videos/{video['id']}.mp4" and direct.content == b""


def test_validators_are_the_same_whoever_sends_the_file(stack, video):  # noqa: ANN001
    server, nginx = stack
    stat = _file(stack, video).stat()
    token = _login(nginx.url, "admin", ADMIN_PASSWORD)
    path = f"/api/videos/{video['id']}/content"
    etag = httpx.get(nginx.url + path, params={"token": token}).headers["etag"]
    assert etag == f'"{int(stat.st_mtime):x}-{stat.st_size:x}"'
    assert httpx.head(server.url + path, params={"token": token}).headers["etag"] == etag
    for base in (nginx.url, server.url):
        again = httpx.get(base + path, params={"token": token}, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""


def test_unsatisfiable_and_malformed_ranges_are_416_through_nginx(stack, video):  # noqa: ANN001
    _, nginx = stack
    size = _file(stack, video).stat().st_size
    token = _login(nginx.url, "admin", ADMIN_PASSWORD)
    for header in (f"bytes={size}-", "bytes=abc", "items=0-1"):
        answer = httpx.get(f"{nginx.url}/api/videos/{video['id']}/content", params={"token": token},
                           headers={"Range": header})
        assert answer.status_code == 416, header
        assert answer.headers["content-range"] == f"bytes */{size}"


def test_nothing_is_sent_without_authorisation(stack, video):  # noqa: ANN001
    _, nginx = stack
    admin = _login(nginx.url, "admin", ADMIN_PASSWORD)
    created = httpx.post(f"{nginx.url}/api/admin/users", json={"username": "mallory", "password": "mallory-pass-1"},
                         headers={"Authorization": f"Bearer {admin}"})
    assert created.status_code == 200, created.text
    other = _login(nginx.url, "mallory", "mallory-pass-1")
    content = f"{nginx.url}/api/videos/{video['id']}/content"
    signed = nginx.url + video["media"]["video"]
    refusals = [
        (httpx.get(content), 401),
        (httpx.get(content, params={"token": "not-a-token"}, headers={"Range": "bytes=0-99"}), 401),
        (httpx.get(content, params={"token": other}, headers={"Range": "bytes=0-99"}), 403),
        (httpx.get(signed.replace("sig=", "sig=0"), headers={"Range": "bytes=0-99"}), 403),
        (httpx.get(signed.replace("/video?", "/thumbnail?")), 403),
        (httpx.get(f"{nginx.url}/_media/videos/{video['id']}.mp4"), 404),  # internal: not reachable from outside
    ]
    for answer, status in refusals:
        assert answer.status_code == status, (answer.request.url, answer.text)
        assert answer.headers.get("content-type", "").startswith(("application/json", "text/html"))


def _authorisations(server: LiveServer, path: str) -> int:
    """How many times the server was asked about `path` (its access log: method, path, status)."""
    return server.log_text().count(f"GET {path} ")


def test_a_signed_links_grant_is_reused_for_its_seeks_and_nothing_else(stack, video):  # noqa: ANN001
    server, nginx = stack
    data = _file(stack, video).read_bytes()
    link = video["media"]["video"]
    path = link.split("?")[0]
    before = _authorisations(server, path)
    for start in (0, 5000, 100, len(data) - 10):
        seek = httpx.get(nginx.url + link, headers={"Range": f"bytes={start}-{start + 9}"})
        assert seek.status_code == 206 and seek.content == data[start:start + 10]
        assert seek.headers["cache-control"] == "private, max-age=3600"
        assert "content-disposition" not in seek.headers
    seeks = _authorisations(server, path)
    assert seeks <= before + 1  # asked once at most (an earlier test may have had the grant); nginx sent the rest
    for _ in range(2):
        download = httpx.get(nginx.url + link + "&download=1")
        assert download.status_code == 200 and download.content == data
        assert download.headers["content-disposition"] == f'attachment; filename="{video["id"]}.mp4"'
    assert _authorisations(server, path) == seeks + 1  # another link, another grant, asked for once
    token = _login(nginx.url, "admin", ADMIN_PASSWORD)
    content = f"/api/videos/{video['id']}/content"
    for _ in range(2):  # a token is checked by the server on every request
        assert httpx.get(nginx.url + content, params={"token": token}, headers={"Range": "bytes=0-9"}
                         ).status_code == 206
    assert _authorisations(server, content) >= 2


def test_the_server_grants_no_longer_than_a_minute_nor_past_the_link(stack, video):  # noqa: ANN001
    server, _ = stack
    token = _login(server.url, "admin", ADMIN_PASSWORD)
    signed = httpx.get(server.url + video["media"]["video"])
    expires = int(video["media"]["video"].split("exp=")[1].split("&")[0])
    granted = int(signed.headers["x-accel-expires"])
    assert 0 < granted <= min(60, expires - int(time.time()) + 1)
    by_token = httpx.get(f"{server.url}/api/videos/{video['id']}/content", params={"token": token})
    assert by_token.headers["x-accel-expires"] == "0"  # never reused: revocation takes effect at once


def test_a_deleted_videos_grant_leads_to_the_servers_404(stack):  # noqa: ANN001
    _, nginx = stack
    token = _login(nginx.url, "admin", ADMIN_PASSWORD)
    done = _finished_video(nginx.url, "deleted after one seek")
    link = nginx.url + done["media"]["video"]
    assert httpx.get(link, headers={"Range": "bytes=0-9"}).status_code == 206  # the grant is cached now
    deleted = httpx.delete(f"{nginx.url}/api/videos/{done['id']}", headers={"Authorization": f"Bearer {token}"})
    assert deleted.status_code == 200, deleted.text
    gone = httpx.get(link, headers={"Range": "bytes=0-9"})
    assert gone.status_code == 404 and gone.headers["content-type"].startswith("application/json")


def test_nginx_logs_paths_never_tokens_or_signatures(stack, video):  # noqa: ANN001
    _, nginx = stack
    token = _login(nginx.url, "admin", ADMIN_PASSWORD)
    path = f"/api/videos/{video['id']}/content"
    assert httpx.get(nginx.url + path, params={"token": token}, headers={"Range": "bytes=0-9"}).status_code == 206
    assert httpx.get(nginx.url + video["media"]["video"], headers={"Range": "bytes=0-9"}).status_code == 206
    logged = (nginx.folder / SITE_LOG).read_text()
    assert f'"GET {path} HTTP/1.1" 206' in logged
    signature = video["media"]["video"].split("sig=")[1].split("&")[0]
    assert token not in logged and token.split(".")[2] not in logged and signature not in logged


TOKEN_GRANT_SECONDS = 2


@pytest.fixture(scope="module")
def token_grants(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Nginx, dict]]:
    server, nginx = _stack(tmp_path_factory.mktemp("token-grants"),
                           SORA2_MEDIA_TOKEN_GRANT_SECONDS=str(TOKEN_GRANT_SECONDS))
    try:
        yield server, nginx, _finished_video(nginx.url, "seeked with a token")
    finally:
        nginx.stop()
        server.stop()


def test_with_token_grants_a_tokens_seeks_are_sent_by_nginx_alone(token_grants):  # noqa: ANN001
    server, nginx, video = token_grants
    data = (server.data_dir / "media" / "videos" / f"{video['id']}.mp4").read_bytes()
    token = _login(nginx.url, "admin", ADMIN_PASSWORD)
    content = f"/api/videos/{video['id']}/content"
    before = _authorisations(server, content)
    for start in (0, 5000, 100, len(data) - 10):
        seek = httpx.get(nginx.url + content, params={"token": token}, headers={"Range": f"bytes={start}-{start + 9}"})
        assert seek.status_code == 206 and seek.content == data[start:start + 10]
    header = httpx.get(nginx.url + content, headers={"Authorization": f"Bearer {token}", "Range": "bytes=0-9"})
    assert header.status_code == 206 and header.content == data[:10]
    # at most one authorisation per token form (a grant can run out between seeks on a slow machine)
    assert _authorisations(server, content) - before <= 3
    assert httpx.get(nginx.url + content, params={"token": "not-a-token"}).status_code == 401  # never another's grant
    with_grant = httpx.get(server.url + content, params={"token": token})
    assert with_grant.headers["x-accel-expires"] == str(TOKEN_GRANT_SECONDS)


def test_a_revoked_token_stops_playing_once_its_grant_runs_out(token_grants):  # noqa: ANN001
    _, nginx, video = token_grants
    admin = {"Authorization": f"Bearer {_login(nginx.url, 'admin', ADMIN_PASSWORD)}"}
    made = httpx.post(f"{nginx.url}/api/tokens", json={"name": "player"}, headers=admin)
    assert made.status_code == 201, made.text
    url = f"{nginx.url}/api/videos/{video['id']}/content"
    seek = {"token": made.json()["token"]}
    assert httpx.get(url, params=seek, headers={"Range": "bytes=0-9"}).status_code == 206
    assert httpx.delete(f"{nginx.url}/api/tokens/{made.json()['id']}", headers=admin).status_code == 200
    time.sleep(TOKEN_GRANT_SECONDS + 1.1)
    refused = httpx.get(url, params=seek, headers={"Range": "bytes=0-9"})
    assert refused.status_code == 401 and refused.headers["content-type"].startswith("application/json")
