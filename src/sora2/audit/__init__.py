"""The audit log of security-relevant events. Other features call `record` (see service.py)."""

from sora2.audit.service import record, record_now

__all__ = ["record", "record_now"]
