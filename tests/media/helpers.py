"""Real media made on the spot: H.264 MP4s written with PyAV, images written with Pillow.

Every video frame carries its own index as a row of black/white stripes (a binary number), so a test can read
back exactly which frame a thumbnail, screenshot or "last frame" came from.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

INDEX_BITS = 10  # stripes; enough for 1024 frames


@dataclass(frozen=True)
class Clip:
    path: Path
    width: int
    height: int
    fps: int
    frame_count: int

    @property
    def seconds(self) -> float:
        return self.frame_count / self.fps


def _frame_pixels(index: int, width: int, height: int) -> np.ndarray:
    pixels = np.zeros((height, width, 3), np.uint8)
    stripe = width // INDEX_BITS
    for bit in range(INDEX_BITS):
        if index >> bit & 1:
            pixels[:, bit * stripe:(bit + 1) * stripe] = 255
    return pixels


def read_frame_index(image: Image.Image | bytes) -> int:
    """The index drawn into a frame by write_clip (works on decoded frames, JPEGs and resized copies)."""
    if isinstance(image, bytes):
        image = Image.open(io.BytesIO(image))
    grey = np.asarray(image.convert("L"))
    stripe = grey.shape[1] / INDEX_BITS
    middle_row = grey[grey.shape[0] // 2]
    return sum(1 << bit for bit in range(INDEX_BITS) if middle_row[int((bit + 0.5) * stripe)] > 128)


def _silent_audio_packets(stream: av.audio.stream.AudioStream, seconds: float) -> list[av.Packet]:
    packets, samples_per_frame, written = [], 1024, 0
    while written < seconds * 48000:
        frame = av.AudioFrame.from_ndarray(np.zeros((1, samples_per_frame * 2), np.int16), format="s16",
                                           layout="stereo")
        frame.sample_rate, frame.pts, frame.time_base = 48000, written, Fraction(1, 48000)
        written += samples_per_frame
        packets.extend(stream.encode(frame))
    return packets + list(stream.encode())


def write_clip(path: Path, width: int = 320, height: int = 240, seconds: float = 2, fps: int = 24, *,
               gop: int | None = None, bframes: bool = False, audio: bool = False,
               container_format: str | None = None) -> Clip:
    frame_count = round(seconds * fps)
    options = {} if container_format else {"movflags": "+faststart"}
    with av.open(str(path), "w", format=container_format, options=options) as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "veryfast" if bframes else "ultrafast", "bf": "2" if bframes else "0"}
        if gop:
            stream.codec_context.gop_size = gop
        # Every stream must exist before the first packet is written.
        audio_stream = container.add_stream("aac", rate=48000, layout="stereo") if audio else None
        for index in range(frame_count):
            frame = av.VideoFrame.from_ndarray(_frame_pixels(index, width, height), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
        if audio_stream is not None:
            container.mux(_silent_audio_packets(audio_stream, seconds))
    return Clip(path=path, width=width, height=height, fps=fps, frame_count=frame_count)


def image_bytes(image: Image.Image, image_format: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **params)
    return buffer.getvalue()
