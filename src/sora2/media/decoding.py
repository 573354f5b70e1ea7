"""Opening videos safely and picking frames by time, shared by the probe and the frame tools.

PyAV raises several exception types for broken input (InvalidDataError is also a ValueError, EOF is an
OSError …); `open_video` turns all of them into MediaError so a bad file never escapes as a crash.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import av
from av.container import InputContainer
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from sora2.media.errors import MediaError

# Within this distance of the current position, decoding forward is cheaper than seeking to a keyframe.
SEEK_GAP_SECONDS = 2.0
# A frame that starts within a millisecond of the requested time counts as "at" that time.
TIME_EPSILON = 1e-3
UNREADABLE_VIDEO = "The file is not a readable video (it may be corrupt or in an unknown format)"
_AV_ERRORS = (av.FFmpegError, OSError, ValueError, EOFError, IndexError)


@contextmanager
def open_video(path: Path) -> Iterator[tuple[InputContainer, VideoStream]]:
    """Open `path` for reading and yield its first video stream; any PyAV failure becomes MediaError."""
    path = Path(path)
    if not path.is_file():
        raise MediaError("The video file was not found")
    if path.stat().st_size == 0:
        raise MediaError("The video file is empty")
    try:
        container = av.open(str(path), mode="r")
    except _AV_ERRORS:
        raise MediaError(UNREADABLE_VIDEO) from None
    try:
        if not container.streams.video:
            raise MediaError("The file contains no video track")
        yield container, container.streams.video[0]
    except av.FFmpegError:  # only decoder failures: the caller's own errors (disk full …) pass through
        raise MediaError("The video could not be decoded (it may be truncated or corrupt)") from None
    finally:
        container.close()


def stream_start(stream: VideoStream) -> float:
    if stream.start_time is None or stream.time_base is None:
        return 0.0
    return float(stream.start_time * stream.time_base)


def declared_duration(container: InputContainer, stream: VideoStream) -> float:
    """Duration from the headers (the video track's own, else the container's); 0.0 when unknown."""
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return container.duration / av.time_base
    return 0.0


class FrameSampler:
    """Returns frames by time in one mostly forward pass, seeking only across large gaps.

    `frame_at(t)` gives the first frame shown at or after `t` seconds from the start, or the last decodable
    frame when the video ends sooner: asking for the end never comes back empty, as the original's 99% seek
    could. Ask in ascending order for speed; an earlier time costs a seek.
    """

    def __init__(self, container: InputContainer, stream: VideoStream) -> None:
        self.container, self.stream = container, stream
        self.start = stream_start(stream)
        self.duration = declared_duration(container, stream)
        self._frames: Iterator[VideoFrame] | None = None
        self._current: VideoFrame | None = None
        self._current_time = -math.inf
        self._last_target = -math.inf
        self._exhausted = False

    def frame_at(self, seconds: float) -> VideoFrame:
        target = self.start + max(0.0, seconds)
        if self._frames is None or target < self._last_target or self._far_ahead(target):
            self._seek(target)
        self._last_target = target
        self._advance(target)
        if self._current is None:  # the seek landed past every decodable frame: read from the top instead
            self._seek(self.start)
            self._advance(target)
        if self._current is None:
            raise MediaError("No frame of the video could be decoded")
        return self._current

    def last_frame(self) -> VideoFrame:
        return self.frame_at(math.inf)

    def _far_ahead(self, target: float) -> bool:
        return not self._exhausted and target - self._current_time > SEEK_GAP_SECONDS

    def _seek(self, target: float) -> None:
        # Never seek past the declared end: backward seeking then lands on the last keyframe before it.
        position = min(target, self.start + self.duration) if self.duration > 0 else self.start
        try:
            self.container.seek(int(position / self.stream.time_base), stream=self.stream, backward=True,
                                any_frame=False)
        except _AV_ERRORS:
            self.container.seek(0)
        self._frames = self.container.decode(self.stream)
        self._current, self._current_time, self._exhausted = None, -math.inf, False

    def _advance(self, target: float) -> None:
        if self._exhausted or self._current_time >= target - TIME_EPSILON:
            return
        assert self._frames is not None
        try:
            for frame in self._frames:
                self._current, self._current_time = frame, self._frame_time(frame)
                if self._current_time >= target - TIME_EPSILON:
                    return
        except _AV_ERRORS:
            pass  # a damaged tail: the last frame decoded before it is the last frame there is
        self._exhausted = True

    def _frame_time(self, frame: VideoFrame) -> float:
        if frame.pts is None or frame.time_base is None:
            previous = self._current_time if self._current_time > -math.inf else self.start
            return previous + 1 / float(self.stream.average_rate or 25)
        return float(frame.pts * frame.time_base)
