"""Errors raised by the media layer. Messages are written for end users: callers show them as they are."""

from __future__ import annotations


class MediaError(Exception):
    """A file or upload that cannot be used (not an image, truncated MP4, wrong size …)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RangeNotSatisfiable(MediaError):
    """An HTTP Range header that is malformed or selects no byte of the file (answer 416)."""
