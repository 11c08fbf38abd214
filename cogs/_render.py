"""Rendering every feature shares: Discord's limits, clipping, escaping, timestamps, pages, and a
drama's card. Each feature renders the rest beside its cog (``cogs/<feature>/_render.py``).

Small pure functions, tested without Discord. Every embed leaves through :func:`fit`, which
keeps it inside the limits for titles, descriptions, fields and the 6,000-character total.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import discord

from bot.drama import Drama, WatchOptions
from bot.ratings import Stats, average
from bot.text import clip
from bot.tmdb_answers import PAGE_URL

__all__ = ["clip"]  # the one clip helper (bot.text), for the renderers

TMDB_NOTICE = "This product uses the TMDB API but is not endorsed or certified by TMDB."


TITLE_LIMIT = 256


DESCRIPTION_LIMIT = 4096


FIELD_NAME_LIMIT = 256


FIELD_VALUE_LIMIT = 1024


FIELD_COUNT_LIMIT = 25


FOOTER_LIMIT = 2048


EMBED_TOTAL_LIMIT = 6000


CHOICE_NAME_LIMIT = 100


CHOICE_COUNT_LIMIT = 25


DRAMA_COLOUR = discord.Colour(0xE05A8B)


def counted(count: int, one: str, many: str | None = None) -> str:
    """``1 vote``, ``3 votes``, ``2 watch parties``."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def clip_lines(lines: list[str], limit: int, *, more: str = "…and {n} more") -> str:
    """Join whole lines up to ``limit`` characters; say how many did not fit."""
    shown: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        remaining = len(lines) - index - 1
        tail = len(more.format(n=remaining)) + 1 if remaining else 0
        if used + len(line) + 1 + tail > limit:
            left = len(lines) - index
            shown.append(more.format(n=left))
            break
        shown.append(line)
        used += len(line) + 1
    return clip("\n".join(shown), limit)


def plain_date(day: date) -> str:
    """``23 March 2022``: a date members everywhere read the same way."""
    return f"{day.day} {day:%B %Y}"


def fit(embed: discord.Embed) -> discord.Embed:
    """Trim an embed to Discord's limits: each part, then the 6,000-character total."""
    if embed.title:
        embed.title = clip(embed.title, TITLE_LIMIT)
    if embed.description:
        embed.description = clip(embed.description, DESCRIPTION_LIMIT)
    fields = embed.fields[:FIELD_COUNT_LIMIT]
    embed.clear_fields()
    for item in fields:
        embed.add_field(
            name=clip(item.name or "\u200b", FIELD_NAME_LIMIT),
            value=clip(item.value or "\u200b", FIELD_VALUE_LIMIT),
            inline=bool(item.inline),
        )
    if embed.footer.text:
        embed.set_footer(text=clip(embed.footer.text, FOOTER_LIMIT), icon_url=embed.footer.icon_url)
    while len(embed) > EMBED_TOTAL_LIMIT and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    if len(embed) > EMBED_TOTAL_LIMIT and embed.description:
        excess = len(embed) - EMBED_TOTAL_LIMIT
        embed.description = clip(embed.description, max(1, len(embed.description) - excess))
    return embed


def escape(text: str) -> str:
    """Member-written text shown as written: no markdown tricks, no working mentions."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def choice_name(text: str) -> str:
    return clip(text, CHOICE_NAME_LIMIT)


def aired(drama: Drama) -> str | None:
    """When it aired: a date range once it has ended; while it airs, since when and how much of it
    TMDB has dated (a range would read as ended)."""
    first, last = drama.first_air_date, drama.last_air_date
    if first is None or last is None:
        return None
    if drama.airing:
        dated = sum(e.air_date is not None for e in drama.episodes)
        span = f"Since {plain_date(first)} · {dated} of {counted(drama.episode_count, 'episode')} dated"
    else:
        span = plain_date(first) if first == last else f"{plain_date(first)} – {plain_date(last)}"
    cadence = drama.cadence()
    return f"{span}\n{cadence[0].upper()}{cadence[1:]}" if cadence else span


def episodes_text(drama: Drama) -> str:
    """``16 × 70 min``; a TMDB drama may not know its runtime, or how many episodes it will have."""
    if drama.episode_count == 0:
        return "Not listed yet"
    text = (
        f"{drama.episode_count} × {drama.episode_minutes} min"
        if drama.runtime_known
        else (f"{drama.episode_count} (runtime unknown)")
    )
    if len(drama.seasons) > 1:
        text += "\n" + "\n".join(f"Season {s}: episodes {first}–{last}" for s, first, last in drama.seasons)
    return text


def drama_card(
    drama: Drama,
    club: Stats | None = None,
    *,
    in_server: bool = False,
    now: datetime | None = None,
    where: tuple[str, str, Mapping[str, WatchOptions] | None] | None = None,
) -> discord.Embed:
    """The `/drama` card: facts, air dates, leads, plot, the review's verdict and the club's score.
    A TMDB drama adds its poster, its TMDB page, its next episode while it airs, and says when its
    data was fetched if TMDB could not be asked again."""
    description = []
    if drama.native_title:
        description.append(f"*{drama.native_title}*")
    if drama.plot:
        description.append(clip(drama.plot, 1500))
    embed = discord.Embed(
        title=drama.display_title,
        description="\n\n".join(description) or None,
        colour=DRAMA_COLOUR,
        url=drama.link or (PAGE_URL.format(id=drama.tmdb_id) if drama.tmdb_id else None),
    )
    if drama.poster_url:
        embed.set_thumbnail(url=drama.poster_url)
    embed.add_field(name="Episodes", value=episodes_text(drama), inline=True)
    if (when := aired(drama)) is not None:
        embed.add_field(name="Airing" if drama.airing else "Aired", value=when, inline=True)
    today = (now or discord.utils.utcnow()).date()
    if (coming := drama.next_episode(today)) is not None and coming.air_date is not None:
        label = drama.season_label(coming.number)
        embed.add_field(
            name="Next episode",
            value=f"Episode {coming.number}{f' ({label})' if label else ''}: {plain_date(coming.air_date)}",
            inline=True,
        )
    if drama.network:
        embed.add_field(name="Watch on", value=drama.network, inline=True)
    if drama.genres:
        embed.add_field(name="Genres", value=", ".join(drama.genres), inline=True)
    if drama.tropes:
        embed.add_field(name="Tropes", value=", ".join(drama.tropes), inline=True)
    if drama.leads:
        embed.add_field(
            name="Leads",
            value=clip_lines([f"**{m.actor}** as {m.character}" for m in drama.leads], FIELD_VALUE_LIMIT),
            inline=False,
        )
    if drama.review is not None:
        embed.add_field(
            name="Review verdict",
            value=f"{drama.review.verdict}\n— *{drama.review.source}*",
            inline=False,
        )
    if where is not None:  # (region, country, where it streams): the server has set its country
        region, country, watch = where
        embed.add_field(
            name=f"Where to watch ({country})",
            value=watch_line(watch, region, country) + f"\n*{JUSTWATCH}*",
            inline=False,
        )
    if in_server:
        embed.add_field(name="Club score", value=club_score(club), inline=False)
    embed.set_footer(text=sources_line(drama))
    return fit(embed)


def sources_line(drama: Drama) -> str:
    """A card's footer: where its facts come from; for TMDB's, when they were fetched if TMDB
    failed when it was asked again."""
    if not drama.from_tmdb:
        return "Sources: " + "; ".join(drama.sources)
    if drama.fetched_at is not None and drama.unrefreshed:
        return (
            f"Data: TMDB, fetched {plain_date(drama.fetched_at.date())}; TMDB isn't answering, so it may be out of "
            "date. " + TMDB_NOTICE
        )
    return "Data: TMDB. " + TMDB_NOTICE


def chunk_lines(lines: list[str], limit: int) -> list[str]:
    """Group whole lines into chunks of at most ``limit`` characters (a long line is clipped)."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = clip(line, limit)
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks


PAGE_CHARACTERS = 3000  # the text of one page of a paged answer


def when(moment: datetime) -> str:
    """A Discord timestamp every member sees in their own time zone, with a relative one."""
    return f"{discord.utils.format_dt(moment, 'F')} ({discord.utils.format_dt(moment, 'R')})"


HELD_BACK = "held back so that no private vote can be worked out"


def club_score(stats: Stats | None) -> str:
    if stats is None:
        return "No votes yet: `/rate` it!"
    if not stats.shareable:
        return f"{counted(stats.count, 'vote')}; the average is {HELD_BACK}"
    return f"**{average(stats.mean)}**/10 · {counted(stats.count, 'vote')}"


def paged(title: str, pages: list[str], footer: str) -> list[discord.Embed]:
    """One embed a page, the footer saying which page it is when there are several."""
    embeds = []
    for number, text in enumerate(pages, start=1):
        embed = discord.Embed(title=title, description=text, colour=DRAMA_COLOUR)
        embed.set_footer(text=footer + (f" · page {number} of {len(pages)}" if len(pages) > 1 else ""))
        embeds.append(fit(embed))
    return embeds


JUSTWATCH = "Streaming data: JustWatch"
WATCH_KINDS = (("flatrate", "Subscription"), ("free", "Free"), ("ads", "With ads"), ("rent", "Rent"), ("buy", "Buy"))


def services(options: WatchOptions) -> list[tuple[str, list[str]]]:
    """Each kind of offer with its services, each service once (under its first kind), in TMDB's order."""
    seen: set[str] = set()
    kinds = []
    for attribute, label in WATCH_KINDS:
        names = [p.name for p in getattr(options, attribute) if p.name not in seen]
        seen.update(names)
        if names:
            kinds.append((label, names))
    return kinds


def watch_line(watch: Mapping[str, WatchOptions] | None, region: str, country: str) -> str:
    """One line of where a drama streams in a country, for cards, plans and polls."""
    if watch is None:
        return "Unknown: the drama is not linked to TMDB."
    options = watch.get(region)
    kinds = services(options) if options is not None else []
    if not kinds:
        return f"No service in {country} offers it, as far as JustWatch knows."
    return clip("; ".join(f"{label}: {', '.join(names)}" for label, names in kinds), FIELD_VALUE_LIMIT)
