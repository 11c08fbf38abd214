"""Settings, read once from the environment and `.env` into a frozen object (pydantic-settings).

Nothing else in the project reads ``os.environ``. Every setting here is documented in
``.env.example``; keep the two in step. Tokens are :class:`~pydantic.SecretStr`: they never show in
a repr, a str or a log line.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, Field, SecretStr, ValidationError
from pydantic_core import PydanticCustomError, PydanticUseDefault
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_PATH = Path("data/club.sqlite3")
DEFAULT_CATALOG_DIR = PROJECT_ROOT / "data" / "dramas"
DEFAULT_TIMEZONE = "Asia/Seoul"
DEFAULT_LOG_LEVEL = "INFO"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DEFAULT_TMDB_API_URL = "https://api.themoviedb.org"
DEFAULT_TMDB_LANGUAGE = "en-US"
_LANGUAGE = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it and where it is documented."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting} {problem} (see .env.example)")
        self.setting = setting
        self.problem = problem


def _blank_is_default(value: object) -> object:
    """``DEV_GUILD_ID=`` (or spaces alone) means the setting is not set."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise PydanticUseDefault()
    return value


def _guild_id(value: object) -> object:
    if isinstance(value, str) and not value.isdigit():
        raise PydanticCustomError("setting", f"must be a numeric server id, not {value!r}")
    return value


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PydanticCustomError(
            "setting", f"must be an IANA time zone name such as Asia/Seoul, not {name!r}"
        ) from None
    return name


def _log_level(value: str) -> str:
    if value.upper() not in LOG_LEVELS:
        raise PydanticCustomError("setting", f"must be one of {', '.join(LOG_LEVELS)}, not {value.upper()!r}")
    return value.upper()


def _api_url(value: str) -> str:
    address = urlsplit(value)
    if address.scheme not in ("http", "https") or not address.netloc or address.query or address.username:
        raise PydanticCustomError("setting", f"must be an http(s) address such as {DEFAULT_TMDB_API_URL}")
    return value.rstrip("/")


def _language(value: str) -> str:
    if not _LANGUAGE.match(value):
        raise PydanticCustomError("setting", f"must be a language tag such as en-US or ko-KR, not {value!r}")
    return value


Optional = BeforeValidator(_blank_is_default)


class Settings(BaseSettings):
    """Each field is read from the environment variable its alias names, then from ``.env``."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", validate_by_name=True, env_file=None)

    token: Annotated[SecretStr | None, Optional, Field(alias="DISCORD_TOKEN")] = None
    database_path: Annotated[Path, Optional, Field(alias="DATABASE_PATH")] = DEFAULT_DATABASE_PATH
    dev_guild_id: Annotated[int | None, Optional, BeforeValidator(_guild_id), Field(alias="DEV_GUILD_ID")] = None
    default_timezone: Annotated[str, Optional, AfterValidator(_timezone), Field(alias="DEFAULT_TIMEZONE")] = (
        DEFAULT_TIMEZONE
    )
    log_level: Annotated[str, Optional, AfterValidator(_log_level), Field(alias="LOG_LEVEL")] = DEFAULT_LOG_LEVEL
    catalog_dir: Annotated[Path, Optional, Field(alias="CATALOG_DIR")] = DEFAULT_CATALOG_DIR
    tmdb_token: Annotated[SecretStr | None, Optional, Field(alias="TMDB_TOKEN")] = None  # without it, TMDB is off
    tmdb_api_url: Annotated[str, Optional, AfterValidator(_api_url), Field(alias="TMDB_API_URL")] = DEFAULT_TMDB_API_URL
    tmdb_language: Annotated[str, Optional, AfterValidator(_language), Field(alias="TMDB_LANGUAGE")] = (
        DEFAULT_TMDB_LANGUAGE
    )

    @classmethod
    def from_env(cls, *, env_file: Path | None = Path(".env"), require_token: bool = True) -> Settings:
        """Read the settings; the process environment wins over the ``.env`` file.

        Raises :class:`SettingsError` naming the first bad setting.
        """
        options: dict[str, Any] = {"_env_file": env_file if env_file is not None and env_file.is_file() else None}
        try:
            settings = cls(**options)
        except ValidationError as error:
            first = error.errors(include_url=False)[0]
            raise SettingsError(str(first["loc"][0]), first["msg"]) from None
        if settings.token is None and require_token:
            raise SettingsError("DISCORD_TOKEN", "is not set: paste your bot's token into .env")
        return settings

    @property
    def log_level_number(self) -> int:
        return logging.getLevelNamesMapping()[self.log_level]
