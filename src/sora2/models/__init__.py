"""ORM tables, one per file; importing this package registers them all on Base.metadata."""

from sora2.models.api_token import ApiToken
from sora2.models.app_setting import AppSetting
from sora2.models.audit_entry import AuditEntry
from sora2.models.budget import Budget, BudgetNotice
from sora2.models.collection import Collection, CollectionVideo
from sora2.models.outbound import OutboundAttempt, OutboundDelivery, OutboundEndpoint, OutboundEvent
from sora2.models.login_throttle import LoginThrottle
from sora2.models.preset import Preset
from sora2.models.provider_cleanup import ProviderCleanup
from sora2.models.provider_config import ProviderConfig
from sora2.models.share_link import ShareLink
from sora2.models.user import User
from sora2.models.video import Video
from sora2.models.webhook_delivery import WebhookDelivery

__all__ = ["ApiToken", "AppSetting", "AuditEntry", "Budget", "BudgetNotice", "Collection", "CollectionVideo",
           "LoginThrottle", "OutboundAttempt", "OutboundDelivery", "OutboundEndpoint", "OutboundEvent", "Preset",
           "ProviderCleanup", "ProviderConfig", "ShareLink", "User", "Video", "WebhookDelivery"]
