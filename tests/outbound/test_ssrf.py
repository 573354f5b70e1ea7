"""Server-side request forgery: webhooks go to public https addresses only, unless an admin allowed private and
loopback ones. Checked when an endpoint is saved and again, pinned to the checked address, at every delivery."""

from __future__ import annotations

import pytest

from sora2.config import Settings
from sora2.outbound.urls import UrlRefused, check_shape, resolve
from tests.outbound.receiver import running_receiver

REFUSED = [
    ("http://127.0.0.1:8080/hook", "must use https"),
    ("https://127.0.0.1/hook", "Private, loopback"),
    ("https://10.0.0.7/hook", "Private, loopback"),
    ("https://192.168.1.20/hook", "Private, loopback"),
    ("https://169.254.169.254/latest/meta-data", "Private, loopback"),  # cloud metadata
    ("https://[::1]/hook", "Private, loopback"),
    ("https://localhost/hook", "resolves to a private, loopback"),
    ("https://user:pw@hooks.example/hook", "no user name or password"),
    ("ftp://hooks.example/hook", "must be an https:// URL"),
]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"webhooks_allow_private_urls": False})


@pytest.mark.parametrize(("url", "reason"), REFUSED)
async def test_private_and_loopback_endpoints_are_refused(client, user_headers, url, reason):
    response = await client.post("/api/outbound-webhooks", json={"url": url}, headers=user_headers)
    assert response.status_code == 400 and response.json()["code"] == "url_not_allowed"
    assert reason in response.json()["error"]


async def test_a_delivery_re_checks_the_address_and_sends_nothing_to_loopback(client, user_headers, ctx):
    """An endpoint saved while private addresses were allowed (or whose name now resolves to one) gets nothing."""
    async with running_receiver() as receiver:
        ctx.settings.webhooks_allow_private_urls = True
        created = await client.post("/api/outbound-webhooks", json={"url": receiver.url}, headers=user_headers)
        assert created.status_code == 201
        ctx.settings.webhooks_allow_private_urls = False
        status, error = await ctx.outbound._post(receiver.url, created.json()["secret"], "msg_1", b"{}")  # noqa: SLF001
        assert (status, receiver.received) == (None, [])
        assert "must use https" in error


async def test_names_are_resolved_and_pinned_to_the_checked_address():
    with pytest.raises(UrlRefused, match="resolves to a private"):
        await resolve("https://localhost:8443/hook", allow_private=False)
    check_shape("https://93.184.216.34/hook", allow_private=False)  # a public literal passes (nothing is sent)
    target = await resolve("https://93.184.216.34:8443/hook", allow_private=False)
    assert (target.url.host, target.headers["Host"], target.extensions["sni_hostname"]) == (
        "93.184.216.34", "93.184.216.34:8443", "93.184.216.34")
    allowed = await resolve("http://127.0.0.1:9/hook", allow_private=True)
    assert str(allowed.url) == "http://127.0.0.1:9/hook" and allowed.headers == {}
