"""Where a video's files live on disk, and the housekeeping around them.

Layout under `root` (file names are part of the contract: the original frontend restores the image mode of a
template from the substrings `_first`, `_last` and `_styleref` in reference file names):

    videos/<id>.mp4  videos/<id>_thumb.webp  videos/<id>_sprite.jpg
    references/<id>_first.jpg  references/<id>_last.jpg  references/<id>_styleref<i>.jpg
    uploads/   scratch space for incoming files
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Literal

from sora2.filemodes import private_dir
from sora2.media.atomic import AtomicWriter, atomic_write_bytes, is_partial_name
from sora2.media.errors import MediaError

ReferenceKind = Literal["first", "last", "styleref"]
REFERENCE_KINDS: tuple[ReferenceKind, ...] = ("first", "last", "styleref")
# Ids become file names: no separators, no dots, so no id can reach outside its folder.
_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


def _checked_id(video_id: str) -> str:
    if not _SAFE_ID.fullmatch(video_id):
        raise MediaError(f"Invalid video id {video_id!r}")
    return video_id


class MediaStorage:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.videos_dir = self.root / "videos"
        self.references_dir = self.root / "references"
        self.uploads_dir = self.root / "uploads"

    @property
    def directories(self) -> tuple[Path, Path, Path]:
        return self.videos_dir, self.references_dir, self.uploads_dir

    def ensure_dirs(self) -> None:
        for directory in self.directories:
            private_dir(directory)

    # --- paths ------------------------------------------------------------------------------------------

    def video_path(self, video_id: str) -> Path:
        return self.videos_dir / f"{_checked_id(video_id)}.mp4"

    def thumbnail_path(self, video_id: str) -> Path:
        return self.videos_dir / f"{_checked_id(video_id)}_thumb.webp"

    def spritesheet_path(self, video_id: str) -> Path:
        return self.videos_dir / f"{_checked_id(video_id)}_sprite.jpg"

    def reference_path(self, video_id: str, kind: ReferenceKind, index: int = 0) -> Path:
        if kind not in REFERENCE_KINDS:
            raise MediaError(f"Unknown reference image kind {kind!r} (expected first, last or styleref)")
        if index < 0:
            raise MediaError(f"Reference image index must not be negative (got {index})")
        suffix = f"styleref{index}" if kind == "styleref" else kind
        return self.references_dir / f"{_checked_id(video_id)}_{suffix}.jpg"

    def files_for(self, video_id: str) -> list[Path]:
        """Every stored file of the video that exists, style references in index order."""
        fixed = [self.video_path(video_id), self.thumbnail_path(video_id), self.spritesheet_path(video_id),
                 self.reference_path(video_id, "first"), self.reference_path(video_id, "last")]
        return [path for path in fixed if path.is_file()] + self._style_references(video_id)

    def _style_references(self, video_id: str) -> list[Path]:
        # An exact pattern, not a glob: the id "a" must not pick up the files of an id like "a_styleref1x".
        pattern = re.compile(re.escape(video_id) + r"_styleref(\d+)\.jpg")
        if not self.references_dir.is_dir():
            return []
        found = [(int(match[1]), path) for path in self.references_dir.iterdir()
                 if (match := pattern.fullmatch(path.name)) and path.is_file()]
        return [path for _, path in sorted(found)]

    # --- writing and housekeeping -----------------------------------------------------------------------

    def atomic_writer(self, path: Path) -> AtomicWriter:
        """`with storage.atomic_writer(path) as f: f.write(...)`: `path` appears complete or not at all."""
        return AtomicWriter(path)

    def atomic_write_bytes(self, path: Path, data: bytes) -> None:
        atomic_write_bytes(path, data)

    def delete_video_files(self, video_id: str) -> int:
        """Remove every file of the video; returns the bytes freed (files already gone count as 0)."""
        freed = 0
        for path in self.files_for(video_id):
            try:
                size = path.stat().st_size
                path.unlink()
            except FileNotFoundError:
                continue  # deleted concurrently: nothing freed by us
            freed += size
        return freed

    def cleanup_partials(self, older_than_seconds: float = 0.0) -> int:
        """Delete temp files left by interrupted writes and stale uploads; returns how many were removed.

        At startup nothing is writing yet, so the default removes all of them. A caller sharing the folders
        with live writers (several instances) should pass an age so in-flight downloads survive.
        """
        cutoff = time.time() - older_than_seconds
        removed = 0
        for directory in self.directories:
            if not directory.is_dir():
                continue
            for path in directory.iterdir():
                is_scratch = directory == self.uploads_dir or is_partial_name(path.name)
                if is_scratch and path.is_file() and _modified_before(path, cutoff):
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed


def _modified_before(path: Path, cutoff: float) -> bool:
    try:
        return path.stat().st_mtime <= cutoff
    except FileNotFoundError:
        return False
