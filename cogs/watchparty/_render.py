"""Rendering for watch parties: the plan's announcement, its events' names, lists, reminders."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import discord

from bot.drama import Drama
from bot.parties import Party
from bot.planning import Planned
from cogs._render import (
    DESCRIPTION_LIMIT,
    DRAMA_COLOUR,
    choice_name,
    clip,
    clip_lines,
    counted,
    fit,
    when,
)

EVENT_NAME_LIMIT = 100


MENTION_LINE_LIMIT = 1500


MENTION_LIMIT = 100  # Discord allows at most 100 users in allowed_mentions


def party_name(drama: Drama, label: str) -> str:
    """The Discord event's name: ``Soundtrack #1 - Episode 2 watch party`` (at most 100 characters)."""
    suffix = f" - {label} watch party"
    return clip(drama.title, EVENT_NAME_LIMIT - len(suffix)) + suffix


def party_place(party: Party) -> str:
    if party.voice_channel_id is not None:
        return f"<#{party.voice_channel_id}>"
    return party.location or "Online"


def party_where(party: Party) -> str:
    """Where, inside a sentence: ``in #watch-lounge``, ``online`` or ``at Hana's flat``."""
    if party.voice_channel_id is not None:
        return f"in <#{party.voice_channel_id}>"
    if party.location is None or party.location.casefold() == "online":
        return "online"
    return f"at {party.location}"


def plan_line(party: Party) -> str:
    """One party of a plan: its episodes and time, struck through once it is cancelled."""
    if party.cancelled:
        by = f" by <@{party.cancelled_by}>" if party.cancelled_by is not None else ""
        return f"~~**{party.episodes_label}** · {discord.utils.format_dt(party.starts_at, 'F')}~~ cancelled{by}"
    return f"**{party.episodes_label}** · {when(party.starts_at)}"


def plan_embed(drama: Drama, parties: list[Party], *, going: int) -> discord.Embed:
    """The announcement of a series: every party as a timestamp, and how to join."""
    first = parties[0]
    local = first.starts_at.astimezone(ZoneInfo(first.timezone))
    lines = [plan_line(p) for p in parties]
    embed = discord.Embed(
        title=f"Watch party: {drama.display_title}",
        description=clip_lines(lines, DESCRIPTION_LIMIT - 400, more="…and {n} more parties"),
        colour=DRAMA_COLOUR,
    )
    embed.add_field(name="Where", value=party_place(first), inline=True)
    embed.add_field(name="Host", value=f"<@{first.host_id}>", inline=True)
    embed.add_field(name="Going", value=str(going), inline=True)
    reminder = (
        f"{first.remind_minutes} minutes before each party, here" if first.remind_minutes else "when each party starts"
    )
    embed.add_field(name="Reminders", value=reminder, inline=False)
    embed.set_footer(
        text=f"Times are shown in your own time zone; the host planned {local:%H:%M} {first.timezone}. "
        "Press Join to be reminded of every party, or mark Interested on a single event."
    )
    return fit(embed)


def plan_headline(planned: Planned, where: str | None = None) -> str:
    """The words above a plan's announcement; ``where``: where the drama streams in the server's country."""
    prefix = "" if planned.created else "This series was already planned; here it is again.\n"
    headline = prefix + f"🎬 {len(planned.parties)} watch parties for **{planned.drama.display_title}**:"
    if where:
        headline += "\n" + where
    return clip(headline + ("\n" + planned.left_out if planned.left_out else ""), 2000)


def cancelled_text(title: str, labels: str, host_id: int) -> str:
    """What the members who joined read when a host cancels parties of their series."""
    return clip(f"❌ <@{host_id}> cancelled the watch party of **{title}** for {labels}.", 1500)


def parties(count: int) -> str:
    return counted(count, "watch party", "watch parties")


def party_choice(drama: Drama | None, party: Party) -> str:
    """An autocomplete label: the party's drama, episodes and the host's wall-clock time."""
    local = party.starts_at.astimezone(ZoneInfo(party.timezone))
    title = drama.title if drama is not None else party.drama_slug
    return choice_name(f"{title} · {party.episodes_label} · {local:%d %b %H:%M} {party.timezone}")


def party_line(drama: Drama | None, party: Party, going: int) -> str:
    title = drama.title if drama is not None else party.drama_slug
    return f"**{title}** · {party.episodes_label} · {when(party.starts_at)} · {going} going · {party_place(party)}"


def party_list_embed(lines: list[str], total: int) -> discord.Embed:
    embed = discord.Embed(
        title="Upcoming watch parties",
        description=clip_lines(lines, DESCRIPTION_LIMIT, more="…and {n} more") if lines else None,
        colour=DRAMA_COLOUR,
    )
    if not lines:
        embed.description = "No watch parties are planned. A host can plan one with `/watchparty schedule`."
    elif total > len(lines):
        embed.set_footer(text=f"Showing the next {len(lines)} of {total}; /watchparty export has them all.")
    return fit(embed)


def mention_list(user_ids: list[int]) -> str:
    """Mentions for the people going, cut to fit a message with a count of the rest."""
    mentions = [f"<@{user_id}>" for user_id in user_ids]
    return clip_lines(mentions, MENTION_LINE_LIMIT, more="and {n} more").replace("\n", " ")


def notice_opening(drama: Drama | None, party: Party, reminder: bool) -> str:
    """How a party's reminder (or start notice) opens: enough to find it again in its channel."""
    title = drama.title if drama is not None else party.drama_slug
    return f"{'⏰' if reminder else '▶️'} **{title} · {party.episodes_label}** watch party"


def reminder_text(drama: Drama | None, party: Party, going: list[int]) -> str:
    text = f"{notice_opening(drama, party, True)} starts {when(party.starts_at)} {party_where(party)}."
    if going:
        text += f"\nGoing: {mention_list(going)}"
    return clip(text, 2000)


def start_text(drama: Drama | None, party: Party) -> str:
    return clip(f"{notice_opening(drama, party, False)} is starting now {party_where(party)}. Enjoy!", 2000)
