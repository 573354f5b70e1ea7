from __future__ import annotations

from sqlalchemy import JSON, Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sora2.db.base import Base, TimestampMixin


class ProviderConfig(TimestampMixin, Base):
    """A video provider an admin added in the web UI or with `sora2 providers add` (environment variables
    configure the others). The API key is stored encrypted (see sora2.providers_admin.crypto); only its last
    characters are kept in clear, to tell keys apart."""

    __tablename__ = "provider_configs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # the provider id videos record
    kind: Mapped[str] = mapped_column(String(16))  # gateway | openrouter | fal
    name: Mapped[str] = mapped_column(String(128))
    base_url: Mapped[str | None] = mapped_column(String(512), default=None)
    api_key_encrypted: Mapped[str | None] = mapped_column(Text, default=None)
    key_hint: Mapped[str | None] = mapped_column(String(16), default=None)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Kind-specific options (concurrency, idempotent_create, a gateway's model table, an encrypted webhook secret).
    options: Mapped[dict] = mapped_column(JSON, default=dict)
