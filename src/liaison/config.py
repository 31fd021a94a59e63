"""Node settings: `liaison.toml` in the node directory, each key overridable by `LIAISON_<KEY>`.

Precedence, highest first: environment (`LIAISON_NODE_NAME`, `LIAISON_DATABASE_URL`, ...), then
the TOML file, then the defaults below. Nothing is read at import time: `get_settings(dir)` reads
on first call and caches per directory.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from liaison.errors import ConfigError

SETTINGS_FILE = "liaison.toml"
KEY_FILE = "node.key"
DEFAULT_DIR = Path(".liaison")
DIR_ENV = "LIAISON_DIR"


class PeerSettings(BaseModel):
    """A federated peer node as written in `liaison.toml` (`[[peers]]`)."""

    name: str
    url: str
    party: str
    public_key: str


class ReleaseSettings(BaseModel):
    """What this node asks of an object before it releases it to a peer (`[release]`)."""

    model_config = ConfigDict(extra="forbid")

    require_evaluation: bool = Field(
        default=False,
        description="Hold back from peers every object without an evaluation and caveats.",
    )


class RetentionSettings(BaseModel):
    """How often `liaison serve` purges objects past their retain-until (`[retention]`)."""

    model_config = ConfigDict(extra="forbid")

    interval: int = Field(
        default=3600, ge=0, description="Seconds between purges by `liaison serve`; 0: never."
    )


class Settings(BaseSettings):
    """Everything a node needs to run. See docs/configuration.md for each key."""

    model_config = SettingsConfigDict(
        env_prefix="LIAISON_", env_nested_delimiter="__", extra="forbid"
    )

    dir: Path = Field(default=DEFAULT_DIR, description="Node directory (settings, key, store).")
    node_name: str = Field(description="This node's name, e.g. 'ottawa'.")
    party: str = Field(description="The party (agency or country) this node belongs to, e.g. 'ca'.")
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL of the store; empty means SQLite at <dir>/liaison.db.",
    )
    host: str = Field(default="127.0.0.1", description="Address `liaison serve` binds to.")
    port: int = Field(default=8600, description="Port `liaison serve` listens on.")
    public_url: str = Field(default="", description="URL peers use to reach this node.")
    tls_cert: Path | None = Field(
        default=None, description="PEM certificate chain; with tls_key, `liaison serve` uses HTTPS."
    )
    tls_key: Path | None = Field(default=None, description="PEM private key of tls_cert.")
    tls_client_ca: Path | None = Field(
        default=None, description="PEM CA bundle; clients must present a certificate it signed."
    )
    max_content_length: int = Field(
        default=100 * 1024 * 1024, description="Largest request body accepted, in bytes."
    )
    audit_sign_every: int = Field(
        default=1000, ge=1, description="Sign an audit tree head at least every this many entries."
    )
    audit_sign_seconds: int = Field(
        default=60, ge=0, description="Sign an audit tree head at least this often, in seconds."
    )
    peers: list[PeerSettings] = Field(default_factory=list, description="Federated peer nodes.")
    release: ReleaseSettings = Field(
        default_factory=ReleaseSettings, description="Release conditions for peers."
    )
    retention: RetentionSettings = Field(
        default_factory=RetentionSettings, description="The scheduled retention purge."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Environment beats the TOML file (passed as init values), which beats defaults."""
        return (env_settings, init_settings)

    @property
    def store_url(self) -> str:
        """The database URL to connect to, with the SQLite default resolved inside `dir`."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.dir / 'liaison.db').resolve()}"

    @property
    def key_path(self) -> Path:
        """Where the node's Ed25519 private key lives."""
        return self.dir / KEY_FILE

    @property
    def base_url(self) -> str:
        """The URL this node is served at (https when `tls_cert` is set)."""
        scheme = "https" if self.tls_cert else "http"
        return self.public_url or f"{scheme}://{self.host}:{self.port}"


def resolve_dir(directory: Path | None) -> Path:
    """The node directory: the argument, else `LIAISON_DIR`, else `./.liaison`."""
    if directory is not None:
        return directory
    return Path(os.environ.get(DIR_ENV, str(DEFAULT_DIR)))


def read_settings_file(directory: Path) -> dict[str, Any]:
    """Parse `<dir>/liaison.toml`, raising ConfigError with the path when absent or malformed."""
    path = directory / SETTINGS_FILE
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(
            f"no node at {directory}: {path} not found (run `liaison init`)"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def load_settings(directory: Path | None = None) -> Settings:
    """Build Settings for a node directory (file + environment), uncached."""
    node_dir = resolve_dir(directory)
    values = read_settings_file(node_dir)
    values["dir"] = node_dir
    try:
        return Settings(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{node_dir / SETTINGS_FILE}: {where}: {first['msg']}") from None


@lru_cache(maxsize=8)
def get_settings(directory: Path | None = None) -> Settings:
    """Cached Settings for a node directory; the one way the app and CLI obtain settings."""
    return load_settings(directory)
