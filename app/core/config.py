"""Settings, read from ``LOUPE_*`` environment variables (and a ``.env`` file if present)."""

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

META = "https://meta.wikimedia.org/w/rest.php/oauth2"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOUPE_", env_file=".env", extra="ignore")

    env: Literal["dev", "test", "production"] = "dev"
    data_dir: Path = Path("data")
    # Default: a SQLite file in the data folder.
    database_url: str = ""
    # PostgreSQL connections each process keeps (up to 10 more in bursts); see make_engine.
    database_pool_size: int = Field(default=40, ge=1)
    # Generated and stored in the data folder for a local instance; required in production.
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:8000"

    commons_api_url: str = "https://commons.wikimedia.org/w/api.php"
    user_agent: str = "Loupe/0.1 (https://github.com/loupe-jury/loupe; loupe@example.org)"

    oauth_authorize_url: str = f"{META}/authorize"
    oauth_token_url: str = f"{META}/access_token"
    oauth_profile_url: str = f"{META}/resource/profile"
    oauth_client_id: str = ""
    oauth_client_secret: str = ""

    # Comma-separated Wikimedia usernames that are instance admins.
    admins: str = ""
    # A pick-any-username login for local development; refused outside LOUPE_ENV=dev.
    dev_login: bool = False
    session_max_age_seconds: int = 14 * 24 * 3600
    # Request bodies: uploads (CSV and pasted-list imports) and every other request.
    max_upload_bytes: int = 20 * 1024 * 1024
    max_body_bytes: int = 1024 * 1024

    # Run background jobs inside `loupe serve` (the embedded default) or only in `loupe worker`s.
    jobs_in_server: bool = True
    job_lease_seconds: float = 30.0
    job_poll_seconds: float = 1.0

    log_level: str = "INFO"
    # "json": one JSON object per line, for log collectors; "text" reads better in a terminal.
    log_format: Literal["text", "json"] = "text"
    # /metrics answers only requests bearing this token; unset, it is switched off.
    metrics_token: str = ""

    # Serve the demo's own Commons (generated photos) under /_commons; see `loupe demo`.
    demo: bool = False

    @model_validator(mode="after")
    def _check(self) -> "Settings":
        if self.env == "production":
            if not self.secret_key:
                raise ValueError("LOUPE_SECRET_KEY is required when LOUPE_ENV=production")
            if self.dev_login:
                raise ValueError("LOUPE_DEV_LOGIN cannot be enabled when LOUPE_ENV=production")
        return self

    @property
    def admin_usernames(self) -> set[str]:
        return {name.strip() for name in self.admins.split(",") if name.strip()}

    @property
    def dev_login_enabled(self) -> bool:
        return self.env == "dev" and self.dev_login

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'loupe.db').resolve()}"

    def resolved_secret_key(self) -> str:
        """The configured key, or one generated once and kept in the data folder."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key


@lru_cache
def get_settings() -> Settings:
    return Settings()
