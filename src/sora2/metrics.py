"""Prometheus metrics, one registry per app instance (no global state at import time)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.jobs = Gauge("sora2_jobs", "Videos by status", ["status"], registry=self.registry)
        self.provider_requests = Counter("sora2_provider_requests_total", "Provider calls",
                                         ["provider", "operation"], registry=self.registry)
        self.provider_errors = Counter("sora2_provider_errors_total", "Failed provider calls",
                                       ["provider", "operation", "kind"], registry=self.registry)
        self.downloads = Counter("sora2_downloads_total", "Asset downloads by outcome", ["outcome"],
                                 registry=self.registry)
        self.notify_latency = Histogram(
            "sora2_completion_notify_seconds", "From the provider finishing to the owner being notified",
            buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60), registry=self.registry)
        self.request_latency = Histogram(
            "sora2_http_request_seconds", "API request latency", ["method", "route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5), registry=self.registry)
