"""Rendering: domain objects in, embeds and text out. Discord's limits are enforced here.

Small pure functions, tested without Discord. Every embed leaves through :func:`fit`, which
keeps it inside the limits for titles, descriptions, fields and the 6,000-character total.
"""

from __future__ import annotations

from datetime import date

import discord

from bot.catalog import Drama

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


def clip(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, marking the cut with an ellipsis."""
    text = text.strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


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


def choice_name(text: str) -> str:
    return clip(text, CHOICE_NAME_LIMIT)


def aired(drama: Drama) -> str | None:
    first, last = drama.first_air_date, drama.last_air_date
    if first is None or last is None:
        return None
    span = plain_date(first) if first == last else f"{plain_date(first)} – {plain_date(last)}"
    cadence = drama.cadence()
    return f"{span}\n{cadence[0].upper()}{cadence[1:]}" if cadence else span


def drama_card(drama: Drama) -> discord.Embed:
    """The `/drama` card: facts, air dates, leads, plot and the review's verdict."""
    description = []
    if drama.native_title:
        description.append(f"*{drama.native_title}*")
    if drama.plot:
        description.append(clip(drama.plot, 1500))
    embed = discord.Embed(
        title=drama.display_title,
        description="\n\n".join(description) or None,
        colour=DRAMA_COLOUR,
    )
    embed.add_field(
        name="Episodes", value=f"{drama.episode_count} × {drama.episode_minutes} min", inline=True
    )
    if (when := aired(drama)) is not None:
        embed.add_field(name="Aired", value=when, inline=True)
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
    embed.set_footer(text="Sources: " + "; ".join(drama.sources))
    return fit(embed)
