"""The original system's MCP server (seed-contract §5) keeps working against our REST API.

It is a Node program we do not ship, so this test replays its eight REST calls exactly as its code makes them
(axios: JSON bodies, `Authorization: Bearer` from a password login cached for the process) and checks every field
its tools read from our answers.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.fixtures.live import ADMIN_PASSWORD

pytestmark = pytest.mark.e2e


class OriginalMcpServer:
    """The REST half of mcp-server/src/index.ts, tool by tool."""

    def __init__(self, base_url: str, username: str, password: str) -> None:
        self.http = httpx.AsyncClient(base_url=base_url, timeout=30)
        self.username, self.password = username, password

    async def _auth(self) -> None:
        if "Authorization" not in self.http.headers:
            response = await self.http.post("/api/auth/login",
                                            json={"username": self.username, "password": self.password})
            response.raise_for_status()
            self.http.headers["Authorization"] = f"Bearer {response.json()['token']}"

    async def call(self, method: str, path: str, **kwargs: object) -> dict:
        await self._auth()
        response = await self.http.request(method, path, **kwargs)
        assert response.status_code == 200, (path, response.status_code, response.text)
        return response.json()

    async def create_video(self, prompt: str) -> dict:
        data = await self.call("POST", "/api/videos",
                               json={"prompt": prompt, "model": "sora-2", "size": "1280x720", "seconds": "8"})
        return {"success": True, "video_id": data["id"], "openai_video_id": data["openai_video_id"],
                "status": data["status"], "cost": data["cost"]}

    async def get_video_status(self, video_id: str) -> dict:
        v = await self.call("GET", f"/api/videos/{video_id}")
        return {"video_id": v["id"], "status": v["status"], "progress": v["progress"], "prompt": v["prompt"],
                "model": v["model"], "size": v["size"], "seconds": v["seconds"], "cost": v["cost"],
                "completed": v["status"] == "completed", "error": v["error_message"]}

    async def force_check_status(self, video_id: str) -> dict:
        data = await self.call("POST", f"/api/videos/{video_id}/check-status")  # no body, as the original
        v = data["video"]
        return {"message": data["message"], "video_id": v["id"], "status": v["status"], "progress": v["progress"],
                "prompt": v["prompt"], "completed": v["status"] == "completed", "error": v["error_message"]}

    async def list_videos(self) -> dict:
        data = await self.call("GET", "/api/videos", params={"limit": 20, "offset": 0})
        videos = [{"id": v["id"], "prompt": v["prompt"], "status": v["status"], "progress": v["progress"],
                   "model": v["model"], "cost": v["cost"], "created_at": v["created_at"] * 1000}
                  for v in data["videos"]]
        return {"videos": videos, "count": len(videos)}

    async def get_video_screenshots(self, video_id: str, count: int = 3) -> dict:
        data = await self.call("GET", f"/api/videos/{video_id}/screenshots", params={"count": count})
        return {"video_id": data["video_id"], "prompt": data["prompt"], "frame_count": data["frame_count"],
                "frames": [{"frame_number": f["frame_number"], "is_final_frame": f["is_final_frame"],
                            "data": f["data"]} for f in data["frames"]]}

    async def remix_video(self, video_id: str, prompt: str) -> dict:
        data = await self.call("POST", f"/api/videos/{video_id}/remix", json={"prompt": prompt})
        return {"success": True, "video_id": data["id"], "original_video_id": video_id, "status": data["status"]}

    async def continue_from_video(self, video_id: str, prompt: str) -> dict:
        data = await self.call("POST", f"/api/videos/{video_id}/continue",
                               json={"prompt": prompt, "model": "sora-2", "seconds": "4"})
        return {"success": True, "video_id": data["id"], "continued_from": data["continued_from"],
                "status": data["status"]}

    async def get_cost_stats(self) -> dict:
        data = await self.call("GET", "/api/videos/stats/costs")
        return {"your_spending": f"${data['user_total']:.2f}", "your_video_count": data["user_count"],
                "platform_total": f"${data['platform_total']:.2f}", "platform_video_count": data["platform_count"]}


async def _until_completed(server: OriginalMcpServer, video_id: str) -> dict:
    for _ in range(200):
        status = await server.get_video_status(video_id)
        if status["completed"]:
            return status
        assert status["status"] in ("queued", "in_progress"), status
        await asyncio.sleep(0.2)
    raise AssertionError("never completed")


async def test_the_original_mcp_servers_eight_tools(live_server):
    server = OriginalMcpServer(live_server.url, "admin", ADMIN_PASSWORD)
    try:
        created = await server.create_video("a lighthouse in fog")
        assert created["status"] in ("queued", "in_progress") and created["cost"] == 0.0  # the emulator is simulated
        assert created["openai_video_id"] is None or isinstance(created["openai_video_id"], str)

        checked = await server.force_check_status(created["video_id"])
        assert checked["message"] and checked["video_id"] == created["video_id"]
        status = await _until_completed(server, created["video_id"])
        assert (status["model"], status["size"], status["seconds"], status["error"]) == \
            ("sora-2", "1280x720", "8", None)

        listed = await server.list_videos()
        assert created["video_id"] in [v["id"] for v in listed["videos"]] and listed["count"] >= 1

        shots = await server.get_video_screenshots(created["video_id"])
        assert shots["frame_count"] == 3 and shots["frames"][-1]["is_final_frame"] is True

        remix = await server.remix_video(created["video_id"], "the lighthouse at dawn")
        follow = await server.continue_from_video(created["video_id"], "a ship passes")
        assert follow["continued_from"] == created["video_id"]
        for child in (remix, follow):
            await _until_completed(server, child["video_id"])

        costs = await server.get_cost_stats()
        assert costs["your_video_count"] >= 3 and costs["your_spending"].startswith("$")
    finally:
        await server.http.aclose()
