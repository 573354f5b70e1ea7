"""ORM tables, one per file; importing this package registers them all on Base.metadata."""

from sora2.models.api_token import ApiToken
from sora2.models.budget import Budget, BudgetNotice
from sora2.models.outbound import OutboundAttempt, OutboundDelivery, OutboundEndpoint, OutboundEvent
from sora2.models.user import User
from sora2.models.video import Video
from sora2.models.webhook_delivery import WebhookDelivery

__all__ = ["ApiToken", "Budget", "BudgetNotice", "OutboundAttempt", "OutboundDelivery", "OutboundEndpoint",
           "OutboundEvent", "User", "Video", "WebhookDelivery"]
