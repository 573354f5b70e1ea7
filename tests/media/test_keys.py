"""The library's layout: keys and the names records keep (the original frontend reads `_first`, `_last`,
`_styleref` in reference names)."""

from __future__ import annotations

import pytest

from sora2.media import MediaError
from sora2.media.store.keys import (
    name_of, owner_of, reference_key, reference_name, spritesheet_key, thumbnail_key, video_file_key, video_key,
)


def test_layout_uses_the_names_the_original_frontend_recognises() -> None:
    assert video_key("v1") == "videos/v1.mp4"
    assert thumbnail_key("v1") == "videos/v1_thumb.webp"
    assert spritesheet_key("v1") == "videos/v1_sprite.jpg"
    assert reference_name("v1", "first") == "v1_first.jpg"
    assert reference_name("v1", "last") == "v1_last.jpg"
    assert reference_name("v1", "styleref", 2) == "v1_styleref2.jpg"
    assert reference_key("v1_first.jpg") == "references/v1_first.jpg"
    assert video_file_key("v1_thumb.webp") == "videos/v1_thumb.webp"
    assert name_of(video_key("v1")) == "v1.mp4"


@pytest.mark.parametrize("bad_id", ["../etc", "a/b", "", "x.mp4", "a\\b", "é"])
def test_ids_that_could_leave_the_folder_are_refused(bad_id: str) -> None:
    with pytest.raises(MediaError, match="Invalid video id"):
        video_key(bad_id)


@pytest.mark.parametrize("bad_name", ["../x.jpg", "a/b.jpg", ".hidden", "", "x" * 300])
def test_names_from_records_cannot_leave_their_folder(bad_name: str) -> None:
    with pytest.raises(MediaError, match="Invalid media key"):
        reference_key(bad_name)


def test_unknown_reference_kind_is_refused() -> None:
    with pytest.raises(MediaError, match="first, last or styleref"):
        reference_name("v1", "middle")  # type: ignore[arg-type]


@pytest.mark.parametrize(("key", "owner"), [
    ("videos/3f3e-11.mp4", "3f3e-11"), ("videos/a_thumb.webp", "a"), ("videos/a_sprite.jpg", "a"),
    ("references/a_first.jpg", "a"), ("references/a_styleref12.jpg", "a"),
    ("references/a_styleref3x_first.jpg", "a_styleref3x"), ("videos/notes.txt", None), ("references/a.jpg", None),
])
def test_each_object_names_its_video(key: str, owner: str | None) -> None:
    assert owner_of(key) == owner
