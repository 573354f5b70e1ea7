from __future__ import annotations

from tests.videos.helpers import create_video, wait_for_video


async def test_health_routes(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["tracker"] is True
    assert ready.json()["events"] == "local"  # no SORA2_REDIS_URL: one instance, no fan-out
    legacy = (await client.get("/health")).json()
    assert legacy["status"] == "ok" and isinstance(legacy["timestamp"], int)


async def test_metrics_count_jobs_provider_calls_and_latency(client, user_headers):
    video = await create_video(client, user_headers, seconds="4")
    await wait_for_video(client, user_headers, video["id"])
    text = (await client.get("/metrics")).text
    assert 'sora2_jobs{status="completed"} 1.0' in text
    assert 'sora2_provider_requests_total{operation="create",provider="emulator"} 1.0' in text
    assert 'sora2_downloads_total{outcome="done"} 1.0' in text
    assert "sora2_completion_notify_seconds_count 1.0" in text
    assert 'sora2_http_request_seconds_count{method="POST",route="/api/videos"}' in text


async def test_unknown_api_paths_are_json_404s_and_the_spa_serves_deep_links(client):
    missing = await client.get("/api/nope")
    assert missing.status_code == 404 and "error" in missing.json()
    page = await client.get("/library/some/deep/link")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
