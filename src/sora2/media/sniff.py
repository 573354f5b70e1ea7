"""An image's type from its magic bytes: what uploads check first, without loading an image library."""

from __future__ import annotations


def sniff_image_mime(data: bytes) -> str | None:
    """'image/jpeg', 'image/png' or 'image/webp' from the magic bytes, else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None
