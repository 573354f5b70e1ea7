"""Provider webhooks: verified, deduplicated deliveries that make the tracker look at a job at once."""
