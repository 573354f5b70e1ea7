"""Outbound webhooks: endpoints hear video.completed / video.failed / video.cancelled, signed the Standard
Webhooks way, delivered at least once from an outbox (not to be confused with sora2.webhooks: inbound, from
providers)."""
