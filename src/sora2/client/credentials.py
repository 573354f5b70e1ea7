"""Where the command line keeps its server URL and personal token: `credentials.json`, mode 600.

The directory is `platformdirs.user_config_dir("sora2")` (`~/.config/sora2` on Linux) unless
`SORA2_CONFIG_DIR` names another. `SORA2_URL` and `SORA2_TOKEN` override what is stored, each on its own.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from sora2.auth.tokens import write_private_file
from sora2.client.studio import normalize_base_url

CONFIG_DIR_ENV = "SORA2_CONFIG_DIR"
URL_ENV = "SORA2_URL"
TOKEN_ENV = "SORA2_TOKEN"
FILE_NAME = "credentials.json"


class CredentialsError(Exception):
    """The stored credentials cannot be read."""


@dataclass
class Credentials:
    url: str | None
    token: str | None
    username: str | None = None
    token_id: str | None = None
    token_name: str | None = None

    def __repr__(self) -> str:  # never shows the token
        token = "set" if self.token else "none"
        return f"Credentials(url={self.url!r}, username={self.username!r}, token={token})"


def config_dir() -> Path:
    configured = os.environ.get(CONFIG_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("sora2"))


def credentials_path() -> Path:
    return config_dir() / FILE_NAME


def load_stored() -> Credentials | None:
    """The stored credentials, or None when there are none."""
    path = credentials_path()
    try:
        raw = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise CredentialsError(f"Cannot read {path}: {exc}") from None
    if not isinstance(raw, dict):
        raise CredentialsError(f"Cannot read {path}: not a JSON object")
    fields = {name: raw.get(name) if isinstance(raw.get(name), str) else None
              for name in ("url", "token", "username", "token_id", "token_name")}
    return Credentials(**fields)


def save(credentials: Credentials) -> Path:
    """Written atomically, readable by the owner only from the first byte."""
    path = credentials_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_private_file(path, json.dumps(asdict(credentials), indent=2) + "\n")
    return path


def forget() -> bool:
    """Delete the stored credentials; False when there were none."""
    try:
        credentials_path().unlink()
    except FileNotFoundError:
        return False
    return True


def resolve() -> Credentials:
    """Stored credentials with the environment's `SORA2_URL` / `SORA2_TOKEN` laid over them."""
    stored = load_stored() or Credentials(url=None, token=None)
    env_url, env_token = os.environ.get(URL_ENV) or None, os.environ.get(TOKEN_ENV) or None
    if env_token:
        return Credentials(url=env_url or stored.url, token=env_token)
    if env_url and (stored.url is None or normalize_base_url(env_url) != normalize_base_url(stored.url)):
        # Another server: the stored token belongs to the stored server and is never sent elsewhere.
        return Credentials(url=env_url, token=None)
    return stored
