"""ORM tables, one per file; importing this package registers them all on Base.metadata."""

from sora2.models.api_token import ApiToken
from sora2.models.audit_entry import AuditEntry
from sora2.models.login_throttle import LoginThrottle
from sora2.models.user import User
from sora2.models.video import Video
from sora2.models.webhook_delivery import WebhookDelivery

__all__ = ["ApiToken", "AuditEntry", "LoginThrottle", "User", "Video", "WebhookDelivery"]
