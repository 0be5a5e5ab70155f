"""The one Settings object: every ``CARNET_*`` (and ``TELEGRAM_*``) variable, read once at start.

Packages never read the environment: they receive plain values from here via ``bot.bootstrap``.
An unknown ``CARNET_*`` variable or a malformed value stops start-up with one clear line.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsError(Exception):
    """A configuration problem, with one line that says what to fix."""


class Settings(BaseSettings):
    """carnet's configuration."""

    model_config = SettingsConfigDict(
        env_prefix="CARNET_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir("carnet")))
    database_url: str | None = None
    master_key: SecretStr | None = None
    master_key_file: Path | None = None
    language: str = "fr"
    timezone: str = "Europe/Paris"
    log_level: str = "INFO"
    log_json: bool = False
    ocr_engine: str = "tesseract"
    ocr_timeout_seconds: float = 60.0
    max_megapixels: float = 50.0
    max_pdf_pages: int = 30
    max_file_mb: float = 20.0
    confidence_threshold: float = 0.80
    allowed_user_ids: str | None = None
    rate_limit_per_minute: int = 30
    bot_api_rate: float = 30.0
    """Messages per second this bot process sends through the Bot API at most (Telegram's free
    limit is about 30 per bot; paid broadcasts allow up to 1000). 0: no overall limit."""
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: SecretStr | None = None
    health_port: int | None = None
    workers: int = 2
    queue: str = "inprocess"
    job_lease_seconds: float = 180.0
    job_max_attempts: int = 3

    telegram_bot_token: SecretStr | None = Field(
        default=None, validation_alias="TELEGRAM_BOT_TOKEN"
    )
    telegram_api_base_url: str | None = Field(
        default=None, validation_alias="TELEGRAM_API_BASE_URL"
    )
    telegram_file_base_url: str | None = Field(
        default=None, validation_alias="TELEGRAM_FILE_BASE_URL"
    )

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in {"fr", "en"}:
            raise ValueError("must be 'fr' or 'en'")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value.upper()

    @field_validator("ocr_engine")
    @classmethod
    def _known_engine(cls, value: str) -> str:
        if value not in {"tesseract", "rapidocr", "auto"}:
            raise ValueError("must be tesseract, rapidocr or auto")
        return value

    @field_validator("queue")
    @classmethod
    def _known_queue(cls, value: str) -> str:
        if value not in {"inprocess", "postgres"}:
            raise ValueError("must be inprocess or postgres")
        return value

    @property
    def effective_database_url(self) -> str:
        """The database URL, defaulting to SQLite in the data dir."""
        return self.database_url or f"sqlite:///{self.data_dir / 'carnet.db'}"

    @property
    def effective_key_file(self) -> Path:
        """Where the master key file lives when no key is given in the environment."""
        return self.master_key_file or self.data_dir / "master.key"

    @property
    def allowed_ids(self) -> frozenset[int] | None:
        """The allow-list of Telegram user ids, or None when everyone may use the bot."""
        if not self.allowed_user_ids:
            return None
        return frozenset(int(x) for x in self.allowed_user_ids.replace(" ", "").split(",") if x)


def _known_names() -> set[str]:
    return {
        f"CARNET_{name.upper()}" for name in Settings.model_fields if name != "telegram_bot_token"
    }


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read settings from ``environ`` (default: the process environment) and ``.env``.

    Raises:
        SettingsError: an unknown ``CARNET_*`` variable or a malformed value, in one line.
    """
    env = dict(os.environ if environ is None else environ)
    known = _known_names() | {"CARNET_TEST_DATABASE_URL", "CARNET_BENCH_SCALE"}
    unknown = sorted(k for k in env if k.startswith("CARNET_") and k not in known)
    if unknown:
        raise SettingsError(f"unknown setting {unknown[0]} (see the README's configuration table)")
    if environ is not None:
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(env)
    try:
        return Settings()
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = str(err["loc"][0]) if err["loc"] else "?"
        name = loc if loc.isupper() else f"CARNET_{loc.upper()}"
        raise SettingsError(f"invalid setting {name}: {err['msg']}") from None
    finally:
        if environ is not None:
            os.environ.clear()
            os.environ.update(saved)
