"""Checking that a downloaded MP4 is whole and is the video we asked for, before it counts as downloaded."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
from av.container import InputContainer
from av.video.stream import VideoStream

from sora2.media.decoding import declared_duration, open_video, stream_start
from sora2.media.errors import MediaError


@dataclass(frozen=True)
class Mp4Info:
    width: int
    height: int
    duration_seconds: float
    frame_count: int
    codec: str
    has_audio: bool
    size_bytes: int


@dataclass(frozen=True)
class _PacketScan:
    count: int
    end_seconds: float  # end of the last readable packet, from the stream start
    damaged: bool       # a packet was cut short (the file ends mid-sample)


def verify_mp4(path: Path, expected_width: int | None = None, expected_height: int | None = None,
               expected_seconds: float | None = None, tolerance: float = 0.5) -> Mp4Info:
    """Open `path`, decode its first frame, read every video packet, and compare size and duration.

    Raises MediaError naming each difference ("video is 640x360, expected 1280x720"). Duration is what can be
    read, not what the header claims, so a cut-off download is caught even when its header is intact.
    """
    path = Path(path)
    with open_video(path) as (container, stream):
        _require_mp4(container)
        _decode_first_frame(container, stream)
        scan = _scan_packets(container, stream)
        declared = declared_duration(container, stream)
        if scan.damaged or (stream.frames and scan.count < stream.frames):
            raise MediaError(f"The video file is truncated: only {scan.end_seconds:.2f} s of "
                             f"{declared:.2f} s could be read")
        info = Mp4Info(width=stream.codec_context.width, height=stream.codec_context.height,
                       duration_seconds=round(scan.end_seconds or declared, 3), frame_count=scan.count,
                       codec=stream.codec_context.name, has_audio=bool(container.streams.audio),
                       size_bytes=path.stat().st_size)
    problems = _differences(info, expected_width, expected_height, expected_seconds, tolerance)
    if problems:
        raise MediaError("; ".join(problems))
    return info


def _require_mp4(container: InputContainer) -> None:
    # FFmpeg names the ISO BMFF demuxer "mov,mp4,m4a,3gp,3g2,mj2"; WebM, AVI, MPEG-TS … are refused.
    if "mp4" not in container.format.name.split(","):
        kind = container.format.long_name or container.format.name
        raise MediaError(f"The file is a {kind} file, not an MP4")


def _decode_first_frame(container: InputContainer, stream: VideoStream) -> None:
    for _frame in container.decode(stream):
        return
    raise MediaError("The video contains no decodable frame")


def _scan_packets(container: InputContainer, stream: VideoStream) -> _PacketScan:
    """Demux (no decoding, so fast) every packet to find where readable video really ends.

    Packets of every track are read, so a file cut inside its audio is caught too.
    """
    container.seek(0)
    start, time_base = stream_start(stream), stream.time_base
    count, end, damaged = 0, 0.0, False
    try:
        for packet in container.demux():
            if packet.size == 0:
                continue  # the flush packet at end of stream
            damaged = damaged or packet.is_corrupt
            if packet.stream.index != stream.index:
                continue
            count += 1
            if packet.pts is not None and time_base is not None:
                end = max(end, float((packet.pts + (packet.duration or 0)) * time_base) - start)
    except av.FFmpegError:
        damaged = True  # the demuxer gave up part-way: the file is cut or corrupt after this point
    return _PacketScan(count=count, end_seconds=end, damaged=damaged)


def _differences(info: Mp4Info, width: int | None, height: int | None, seconds: float | None,
                 tolerance: float) -> list[str]:
    problems = []
    if (width is not None and info.width != width) or (height is not None and info.height != height):
        expected = f"{width or info.width}x{height or info.height}"
        problems.append(f"video is {info.width}x{info.height}, expected {expected}")
    if seconds is not None and abs(info.duration_seconds - seconds) > tolerance:
        problems.append(f"video lasts {info.duration_seconds:.2f} s, expected {seconds:g} s")
    return problems
