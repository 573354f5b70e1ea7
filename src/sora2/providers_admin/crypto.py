"""API keys at rest: Fernet (AES-128-CBC + HMAC-SHA256) under a key derived from one platform secret.

The secret is SORA2_PROVIDER_SECRET, or else `data/provider-secret` (generated on first use, mode 600). Several
instances sharing one database must share it too (set the variable, or share the data dir), as they share the
JWT secret. `cryptography` loads with the first key sealed or opened, not at start: most servers keep their provider
keys in the environment and never need it.
"""

from __future__ import annotations

import base64
import secrets
from functools import cached_property
from typing import TYPE_CHECKING

from sora2.auth.tokens import read_or_create_private_file
from sora2.config import Settings

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

SECRET_FILE = "provider-secret"
_INFO = b"sora2 provider api keys v1"


class KeyBoxError(Exception):
    """A stored key cannot be decrypted (the secret changed, or the value was tampered with)."""


class KeyBox:
    def __init__(self, secret: str) -> None:
        self._secret = secret

    @cached_property
    def _fernet(self) -> Fernet:
        from cryptography.fernet import Fernet
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(self._secret.encode())
        return Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def open(self, sealed: str) -> str:
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except (InvalidToken, ValueError):
            raise KeyBoxError("a stored provider key cannot be decrypted: was SORA2_PROVIDER_SECRET or "
                              "data/provider-secret changed?") from None


def load_keybox(settings: Settings) -> KeyBox:
    if settings.provider_secret is not None:
        return KeyBox(settings.provider_secret.get_secret_value())
    return KeyBox(read_or_create_private_file(settings.data_dir / SECRET_FILE, lambda: secrets.token_urlsafe(32)))


def key_hint(key: str) -> str:
    """The last four characters, enough to tell keys apart and useless to an attacker."""
    return key[-4:] if len(key) >= 12 else ""
