"""One action on many of the caller's videos (a multi-selection): delete, star, unstar, add to or take out of a
collection. Ids that are not the caller's are reported as not found, exactly like ids that do not exist."""

from __future__ import annotations

from typing import Literal

from sora2.auth.principal import Principal
from sora2.collections.service import CollectionService, clean_ids
from sora2.errors import BadRequest, NotFound
from sora2.videos.service import VideoService

BulkAction = Literal["delete", "favourite", "unfavourite", "add_to_collection", "remove_from_collection"]
ACTIONS = ("delete", "favourite", "unfavourite", "add_to_collection", "remove_from_collection")


async def run_bulk(service: VideoService, user: Principal, action: str, video_ids: object,
                   collection_id: str | None) -> tuple[list[str], list[str]]:
    """(done, not_found) ids."""
    if action not in ACTIONS:
        raise BadRequest(f"action must be one of {', '.join(ACTIONS)}", code="invalid_action")
    ids = clean_ids(video_ids)
    owned = {v.id: v for v in await service.repo.owned(user.id, ids)}
    not_found = [vid for vid in ids if vid not in owned]
    done = [vid for vid in ids if vid in owned]
    if action in ("favourite", "unfavourite"):
        for vid in done:
            service.mark_favourite(owned[vid], action == "favourite")
        await service.session.flush()
    elif action == "delete":
        for vid in done:
            await service.delete(user, vid)
    else:
        if not collection_id:
            raise BadRequest("collection_id is required for this action", code="collection_required")
        collections = CollectionService(service.session)
        if action == "add_to_collection":
            await collections.get_owned(user, collection_id)
            if done:
                await collections.add_videos(user, collection_id, done)
        elif done:
            await collections.remove_videos(user, collection_id, done)
        else:
            await collections.get_owned(user, collection_id)
    return done, not_found


def require_some(done: list[str]) -> None:
    if not done:
        raise NotFound("None of these videos were found")
