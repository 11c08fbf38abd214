"""Each server's own settings (``/club settings``): its country, for where dramas stream, and the
default time zone of its plans. Countries are ISO 3166-1 (pycountry)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pycountry

from bot.errors import UserError
from bot.folding import fold
from bot.storage import Storage


@dataclass(frozen=True, slots=True)
class ServerSettings:
    region: str | None = None  # ISO 3166-1 alpha-2, such as KR
    timezone: str | None = None  # an IANA name; None: the bot's DEFAULT_TIMEZONE


def country_name(code: str) -> str:
    """``KR`` -> ``South Korea``: the name people use, where ISO's differs."""
    found = pycountry.countries.get(alpha_2=code)
    if found is None:
        return code
    return str(getattr(found, "common_name", None) or found.name)


@cache
def _countries() -> list[tuple[str, str, str]]:
    """(code, name, folded names) of every country, folded once: autocomplete asks at each keystroke."""
    rows = []
    for country in pycountry.countries:
        names = {country.name, getattr(country, "common_name", ""), getattr(country, "official_name", "")}
        rows.append((country.alpha_2, country_name(country.alpha_2), " ".join(fold(n) for n in names if n)))
    return sorted(rows, key=lambda row: row[1])


def country(text: str) -> str:
    """A country as people type it (``KR``, ``kr``, ``South Korea``, ``korea, republic of``), as its
    ISO code; a :class:`UserError` that offers the close ones."""
    typed = text.strip()
    if len(typed) == 2 and pycountry.countries.get(alpha_2=typed.upper()) is not None:
        return typed.upper()
    wanted = fold(typed)
    if not wanted:  # nothing visible, or symbols alone
        raise UserError("Type a country: its two-letter code, such as `KR` or `US`, or its name.")
    exact = [code for code, name, names in _countries() if wanted in (fold(name), *names.split())]
    if len(exact) == 1:
        return exact[0]
    close = suggest_countries(typed, limit=4)
    hint = f" Did you mean {', '.join(f'{name} (`{code}`)' for code, name in close)}?" if close else ""
    raise UserError(f"“{typed[:40]}” is not a country I know. Use its two-letter code, such as `KR` or `US`.{hint}")


def suggest_countries(query: str, *, limit: int = 25) -> list[tuple[str, str]]:
    """(code, name) of the countries whose code or name contains what was typed."""
    wanted = fold(query)
    if not wanted:
        return [(code, country_name(code)) for code in ("KR", "US", "GB", "JP", "PH", "ID", "BR", "DE")][:limit]
    found = [(code, name) for code, name, names in _countries() if wanted == fold(code) or wanted in names]
    return sorted(found, key=lambda row: (not fold(row[1]).startswith(wanted), row[1]))[:limit]


class ServerStore:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def of(self, guild_id: int) -> ServerSettings:
        row = await self._storage.fetchone(
            "SELECT region, timezone FROM server_settings WHERE guild_id = ?", (guild_id,)
        )
        return ServerSettings() if row is None else ServerSettings(row[0], row[1])

    async def change(self, guild_id: int, *, region: str | None = None, timezone: str | None = None) -> ServerSettings:
        """Set what is given, keep the rest; returns the settings as stored now."""
        await self._storage.execute(
            "INSERT INTO server_settings (guild_id, region, timezone) VALUES (?, ?, ?) ON CONFLICT (guild_id)"
            " DO UPDATE SET region = coalesce(excluded.region, region),"
            " timezone = coalesce(excluded.timezone, timezone)",
            (guild_id, region, timezone),
        )
        return await self.of(guild_id)
