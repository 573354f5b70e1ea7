"""What a video costs, told apart: the estimate (the provider's list price, known before submitting) and what was
charged. One rule, used by every record and every total, so the card, the player, the library header, Settings,
the CLI and MCP agree to the cent.

Charged is $0 for a simulated video (the built-in emulator) and for a job no provider ever accepted (no
provider job id: nothing was sent, or the create was refused); otherwise it is what the provider reported
(actual_cost) or, for a finished job, the estimate; a job still running has been charged nothing yet.
The SQL form of the same rule is VideoRepository.charged_expression; tests check that both agree.
"""

from __future__ import annotations

from sora2.models.video import COMPLETED
from sora2.providers.registry import EMULATOR_ID


def is_simulated(video) -> bool:  # noqa: ANN001  (a Video or a row with the same names)
    return video.provider == EMULATOR_ID


def charged_amount(video) -> float:  # noqa: ANN001
    if is_simulated(video) or not video.provider_video_id:
        return 0.0
    if video.actual_cost is not None:
        return round(float(video.actual_cost), 2)
    return round(float(video.cost or 0.0), 2) if video.status == COMPLETED else 0.0
