"""Settings, read once from the environment and `.env` into a frozen object.

Nothing else in the project reads ``os.environ``. Every setting here is documented in
``.env.example``; keep the two in step.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

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


class Secret:
    """A string that never shows itself in a repr, a str or a log line."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True)
class Settings:
    token: Secret | None = None
    database_path: Path = DEFAULT_DATABASE_PATH
    dev_guild_id: int | None = None
    default_timezone: str = DEFAULT_TIMEZONE
    log_level: str = DEFAULT_LOG_LEVEL
    catalog_dir: Path = field(default=DEFAULT_CATALOG_DIR)
    tmdb_token: Secret | None = None  # without it, TMDB look-ups are off
    tmdb_api_url: str = DEFAULT_TMDB_API_URL
    tmdb_language: str = DEFAULT_TMDB_LANGUAGE

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        env_file: Path | None = Path(".env"),
        require_token: bool = True,
    ) -> Settings:
        """Read the settings; the process environment wins over the ``.env`` file.

        Raises :class:`SettingsError` naming the first bad setting.
        """
        values: dict[str, str] = {}
        if env_file is not None and env_file.is_file():
            values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        values.update(os.environ if environ is None else environ)

        def get(name: str) -> str | None:
            raw = values.get(name)
            if raw is None:
                return None
            raw = raw.strip()
            return raw or None

        token = get("DISCORD_TOKEN")
        if token is None and require_token:
            raise SettingsError("DISCORD_TOKEN", "is not set: paste your bot's token into .env")

        guild_raw = get("DEV_GUILD_ID")
        dev_guild_id: int | None = None
        if guild_raw is not None:
            if not guild_raw.isdigit():
                raise SettingsError("DEV_GUILD_ID", f"must be a numeric server id, not {guild_raw!r}")
            dev_guild_id = int(guild_raw)

        timezone = get("DEFAULT_TIMEZONE") or DEFAULT_TIMEZONE
        check_timezone_name(timezone, setting="DEFAULT_TIMEZONE")

        log_level = (get("LOG_LEVEL") or DEFAULT_LOG_LEVEL).upper()
        if log_level not in LOG_LEVELS:
            raise SettingsError("LOG_LEVEL", f"must be one of {', '.join(LOG_LEVELS)}, not {log_level!r}")

        tmdb_token = get("TMDB_TOKEN")
        tmdb_api_url = (get("TMDB_API_URL") or DEFAULT_TMDB_API_URL).rstrip("/")
        address = urlsplit(tmdb_api_url)
        if address.scheme not in ("http", "https") or not address.netloc or address.query or address.username:
            raise SettingsError("TMDB_API_URL", f"must be an http(s) address such as {DEFAULT_TMDB_API_URL}")
        tmdb_language = get("TMDB_LANGUAGE") or DEFAULT_TMDB_LANGUAGE
        if not _LANGUAGE.match(tmdb_language):
            raise SettingsError(
                "TMDB_LANGUAGE", f"must be a language tag such as en-US or ko-KR, not {tmdb_language!r}"
            )

        database = get("DATABASE_PATH")
        catalog = get("CATALOG_DIR")
        return cls(
            token=Secret(token) if token is not None else None,
            database_path=Path(database) if database else DEFAULT_DATABASE_PATH,
            dev_guild_id=dev_guild_id,
            default_timezone=timezone,
            log_level=log_level,
            catalog_dir=Path(catalog) if catalog else DEFAULT_CATALOG_DIR,
            tmdb_token=Secret(tmdb_token) if tmdb_token is not None else None,
            tmdb_api_url=tmdb_api_url,
            tmdb_language=tmdb_language,
        )

    @property
    def log_level_number(self) -> int:
        return logging.getLevelNamesMapping()[self.log_level]


def check_timezone_name(name: str, *, setting: str) -> ZoneInfo:
    """Return the zone for an IANA name, or raise :class:`SettingsError` for ``setting``."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(setting, f"must be an IANA time zone name such as Asia/Seoul, not {name!r}") from None
