"""The media store: one interface (MediaStore), two backends (a local folder, an S3-compatible bucket)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sora2.media.errors import MediaError
from sora2.media.store.base import Location, MediaNotFound, MediaStore, StoredObject, StoreUnavailable
from sora2.media.store.local import LocalStore

if TYPE_CHECKING:
    from sora2.config import Settings

__all__ = ["Location", "LocalStore", "MediaNotFound", "MediaStore", "StoreUnavailable", "StoredObject",
           "browser_origins", "open_store"]


def open_store(settings: Settings, url: str | None = None) -> MediaStore:
    """The store `url` names (default: SORA2_STORAGE_URL): `s3://bucket/prefix`, `file:///path` or a path;
    empty means the local folder SORA2_DATA_DIR/media. Not started yet: call `start()`."""
    url = settings.storage_url if url is None else url
    if not url:
        return LocalStore(settings.media_dir, owner=_instance_tag(settings))
    parts = urlsplit(url)
    if parts.scheme == "s3":
        if not parts.netloc:
            raise MediaError(f"Storage URL {url!r} names no bucket (expected s3://bucket/prefix)")
        from sora2.media.store.s3 import S3Store  # aiobotocore loads only when a bucket is used

        return S3Store(parts.netloc, parts.path, scratch_dir=settings.data_dir / "scratch",
                       endpoint_url=settings.s3_endpoint_url, region=settings.s3_region,
                       public_endpoint_url=settings.s3_public_endpoint_url,
                       addressing_style=settings.s3_addressing_style, presign_seconds=settings.s3_presign_seconds)
    if parts.scheme in ("", "file"):
        return LocalStore(Path(parts.path if parts.scheme == "file" else url), owner=_instance_tag(settings))
    raise MediaError(f"Unknown storage URL {url!r} (expected s3://bucket/prefix or a folder)")


def _instance_tag(settings: Settings) -> str:
    """This instance's mark on its temp files: short, file-name safe, stable across its restarts."""
    return hashlib.sha256(settings.resolved_instance_id.encode()).hexdigest()[:10]


def browser_origins(settings: Settings) -> list[str]:
    """Where browsers fetch media from besides this server: a bucket's presigned links, when media are redirected
    there (the web UI's Content-Security-Policy must allow them for images and video)."""
    url = settings.storage_url or ""
    if not url.startswith("s3://") or settings.s3_delivery != "redirect":
        return []
    endpoint = settings.s3_public_endpoint_url or settings.s3_endpoint_url
    if not endpoint:
        return ["https://*.amazonaws.com"]  # AWS itself: virtual-hosted and path-style hosts alike
    parts = urlsplit(endpoint)
    origins = [f"{parts.scheme}://{parts.netloc}"]  # path-style links
    if settings.s3_addressing_style == "virtual":  # bucket.host links (CSP wildcards take host names, not IPs)
        origins.append(f"{parts.scheme}://*.{parts.netloc}")
    return origins
