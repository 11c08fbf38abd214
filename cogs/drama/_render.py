"""Rendering for drama cards' companions: `/review`, `/cast` and `/actor`."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet

import discord

from bot.drama import CastMember, Drama, WatchOptions
from bot.search import Person
from bot.servers import country_name
from bot.tmdb_answers import TmdbPerson
from cogs._render import (
    DESCRIPTION_LIMIT,
    DRAMA_COLOUR,
    FIELD_VALUE_LIMIT,
    JUSTWATCH,
    PAGE_CHARACTERS,
    TMDB_NOTICE,
    chunk_lines,
    clip,
    clip_lines,
    counted,
    fit,
    services,
)

ROLE_HEADINGS = {"lead": "Leads", "supporting": "Supporting cast", "cameo": "Cameos"}


def spoiler(text: str) -> str:
    """Wrap in Discord spoiler marks; a ``||`` inside cannot end the spoiler early."""
    return "||" + text.replace("||", "|\u200b|") + "||"


def review_embed(drama: Drama) -> discord.Embed:
    """The `/review` summary; points past episode 1 are hidden behind spoiler marks."""
    review = drama.review
    assert review is not None
    embed = discord.Embed(
        title=f"Review: {drama.display_title}",
        description=f"**{review.headline}**\n\n{review.summary}",
        colour=DRAMA_COLOUR,
        url=review.url,
    )
    lines = []
    for point in review.points:
        if point.is_spoiler:
            # The text is cut inside the marks, so a cut can never drop the closing ``||``.
            lead = f"**{point.topic}** (spoiler, episode {point.spoiler_from_episode}+): "
            lines.append(lead + spoiler(clip(point.text, FIELD_VALUE_LIMIT - len(lead) - 4)))
        else:
            lines.append(f"**{point.topic}**: {point.text}")
    for index, chunk in enumerate(chunk_lines(lines, FIELD_VALUE_LIMIT)):
        embed.add_field(name="Highlights" if index == 0 else "More highlights", value=chunk, inline=False)
    embed.add_field(name="Verdict", value=review.verdict, inline=False)
    embed.set_footer(text=f"Summary of the review by {review.source}, in our own words")
    return fit(embed)


def cast_line(member: CastMember, *, note: bool = False) -> str:
    """``**Actor** as Character``; with ``note``, TMDB's ``(8 of 16 episodes)``."""
    line = f"**{member.actor}** as {member.character}"
    return f"{line} ({member.note})" if note and member.note else line


def cast_pages(drama: Drama) -> list[discord.Embed]:
    """The `/cast` list, split into pages that each fit one embed."""
    lines: list[str] = []
    for role, heading in ROLE_HEADINGS.items():
        members = [m for m in drama.cast if m.role == role]
        if members:
            if lines:
                lines.append("")
            lines.append(f"__{heading}__")
            lines.extend(cast_line(m, note=drama.from_tmdb) for m in members)
    if not lines:
        lines = ["No cast is listed for this drama yet."]
    pages = chunk_lines(lines, PAGE_CHARACTERS)
    embeds = []
    for number, text in enumerate(pages, start=1):
        embed = discord.Embed(title=f"Cast of {drama.display_title}", description=text, colour=DRAMA_COLOUR)
        footer = f"{len(drama.cast)} cast members"
        if drama.from_tmdb:
            footer += " · Data: TMDB (leads: the two top-billed)"
        if len(pages) > 1:
            footer += f" · page {number} of {len(pages)}"
        embed.set_footer(text=footer)
        embeds.append(fit(embed))
    return embeds


def club_marks(slug: str, rated: AbstractSet[str], watched: AbstractSet[str], planned: AbstractSet[str]) -> list[str]:
    """Where the club has seen a drama: watched together, rated, or a party planned."""
    marks = []
    if slug in watched:
        marks.append("🍿 watched together")
    if slug in rated:
        marks.append("⭐ rated by the club")
    if slug in planned:
        marks.append("📅 watch party planned")
    return marks


def person_embed(
    person: Person,
    *,
    rated: AbstractSet[str] = frozenset(),
    watched: AbstractSet[str] = frozenset(),
    planned: AbstractSet[str] = frozenset(),
) -> discord.Embed:
    """The `/actor` answer: every role of one actor in the catalog, newest first, with where the
    club has seen them (dramas it rated or watched together) or will (a watch party planned)."""
    lines = []
    for role in person.roles:
        line = f"**{role.drama.display_title}**: {role.member.character} ({role.member.role})"
        lines.append(" · ".join([line, *club_marks(role.drama.slug, rated, watched, planned)]))
    embed = discord.Embed(
        title=person.name,
        description=clip_lines(lines, DESCRIPTION_LIMIT - 200, more="…and {n} more roles"),
        colour=DRAMA_COLOUR,
    )
    embed.set_footer(text=f"{counted(len(person.roles), 'role')} in the catalog")
    return fit(embed)


def tmdb_person_embed(
    person: TmdbPerson,
    slugs: dict[int, str],
    *,
    rated: AbstractSet[str] = frozenset(),
    watched: AbstractSet[str] = frozenset(),
    planned: AbstractSet[str] = frozenset(),
) -> discord.Embed:
    """`/actor` for someone found on TMDB: their dramas newest first, with their characters and
    where the club has seen them; ``slugs`` maps a TMDB id to the drama's id in this server."""
    lines = []
    for credit in person.credits:
        title = f"{credit.title} ({credit.year})" if credit.year else credit.title
        episodes = f", {counted(credit.episodes, 'episode')}" if credit.episodes else ""
        line = f"**{title}**: {credit.character}{episodes}"
        lines.append(" · ".join([line, *club_marks(slugs[credit.tmdb_id], rated, watched, planned)]))
    embed = discord.Embed(
        title=person.name,
        url=f"https://www.themoviedb.org/person/{person.tmdb_id}",
        description=clip_lines(lines, DESCRIPTION_LIMIT - 200, more="…and {n} more dramas")
        or "TMDB lists no TV roles for them.",
        colour=DRAMA_COLOUR,
    )
    embed.set_footer(text=f"{counted(len(person.credits), 'TV role')} on TMDB. Data: TMDB. {TMDB_NOTICE}")
    return fit(embed)


def where_embed(drama: Drama, region: str, country: str, watch: Mapping[str, WatchOptions]) -> discord.Embed:
    """`/where`: each kind of offer in the country with its services, TMDB's watch link, JustWatch's
    credit; where nothing offers it, the countries where it streams."""
    options = watch.get(region)
    kinds = services(options) if options is not None else []
    embed = discord.Embed(
        title=f"Where to watch {drama.display_title} in {country}",
        url=options.link if options is not None and options.link else None,
        colour=DRAMA_COLOUR,
    )
    for label, names in kinds:
        embed.add_field(name=label, value=clip_lines(names, FIELD_VALUE_LIMIT), inline=True)
    if not kinds:
        streams = sorted(code for code, offer in watch.items() if offer.flatrate or offer.free or offer.ads)
        elsewhere = ", ".join(country_name(code) for code in streams[:20])
        embed.description = f"No service in {country} offers it, as far as JustWatch knows." + (
            f" It streams in {elsewhere}." if elsewhere else ""
        )
    elif options is not None and options.link:
        embed.description = f"[All offers on TMDB]({options.link})"
    embed.set_footer(text=JUSTWATCH)
    return fit(embed)
