"""The fal endpoints the emulator serves and the inputs each accepts (from fal's model pages, late 2026).

Unknown input fields are ignored, as fal's endpoints do; known ones are checked and a bad value answers 422 with
a pydantic-style `detail` list.
"""

from __future__ import annotations

from dataclasses import dataclass

TEXT, IMAGE, FRAMES, EXTEND = "text", "image", "frames", "extend"


@dataclass(frozen=True)
class Endpoint:
    id: str
    kind: str
    durations: tuple[str, ...]
    price_per_second: float
    aspect_ratios: tuple[str, ...] = ("16:9", "9:16")
    resolutions: tuple[str, ...] = ("720p",)
    first_field: str | None = None  # required image input
    last_field: str | None = None  # optional (image) or required (frames) end image
    audio: bool = False

    @property
    def app(self) -> str:
        return "/".join(self.id.split("/")[:2])

    @property
    def default_duration(self) -> str:
        return self.durations[-1] if self.kind != EXTEND else self.durations[0]


def _veo(base: str, price: float, extend: bool) -> list[Endpoint]:
    common = {"durations": ("4s", "6s", "8s"), "price_per_second": price, "resolutions": ("720p", "1080p"),
              "audio": True}
    endpoints = [Endpoint(base, TEXT, **common),
                 Endpoint(f"{base}/image-to-video", IMAGE, first_field="image_url", **common),
                 Endpoint(f"{base}/first-last-frame-to-video", FRAMES, first_field="first_frame_url",
                          last_field="last_frame_url", **common)]
    if extend:
        endpoints.append(Endpoint(f"{base}/extend-video", EXTEND, first_field="video_url",
                                  **{**common, "durations": ("7s",)}))
    return endpoints


def _pair(base: str, durations: tuple[str, ...], price: float, first: str, last: str | None,
          **shape: tuple[str, ...] | bool) -> list[Endpoint]:
    return [Endpoint(f"{base}/text-to-video", TEXT, durations, price, **shape),  # type: ignore[arg-type]
            Endpoint(f"{base}/image-to-video", IMAGE, durations, price, first_field=first, last_field=last,
                     **shape)]  # type: ignore[arg-type]


ENDPOINTS: dict[str, Endpoint] = {e.id: e for e in [
    *_veo("fal-ai/veo3.1", 0.40, True), *_veo("fal-ai/veo3.1/fast", 0.15, True),
    *_veo("fal-ai/veo3.1/lite", 0.05, False),
    *_pair("fal-ai/kling-video/v3/pro", ("5", "10"), 0.14, "start_image_url", "end_image_url",
           aspect_ratios=("16:9", "9:16", "1:1"), audio=True),
    *_pair("fal-ai/kling-video/v3/standard", ("5", "10"), 0.084, "start_image_url", "end_image_url",
           aspect_ratios=("16:9", "9:16", "1:1"), audio=True),
    *_pair("bytedance/seedance-2.0", ("5", "10"), 0.30, "image_url", "end_image_url",
           aspect_ratios=("16:9", "9:16", "1:1", "4:3", "3:4", "21:9"), resolutions=("480p", "720p", "1080p"),
           audio=True),
    *_pair("wan/v2.6", ("5", "10"), 0.10, "image_url", None, aspect_ratios=("16:9", "9:16", "1:1"),
           resolutions=("720p", "1080p")),
    *_pair("fal-ai/minimax/hailuo-02/standard", ("6", "10"), 0.045, "image_url", "end_image_url",
           aspect_ratios=("16:9",), resolutions=("768p",)),
]}
