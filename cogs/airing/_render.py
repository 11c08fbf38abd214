"""Rendering for following dramas that air: announcements, their threads, `/follow list` and `/airing`."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.drama import Drama
from bot.follows import Announcement, Follow, Synced
from cogs._render import (
    DESCRIPTION_LIMIT,
    DRAMA_COLOUR,
    clip,
    clip_lines,
    counted,
    fit,
    when,
)

THREAD_NAME_LIMIT = 100


def thread_name(drama: Drama, episode: int) -> str:
    """``Soundtrack #1 · Episode 3``, at most Discord's 100 characters."""
    suffix = f" · Episode {episode}"
    return clip(drama.title, THREAD_NAME_LIMIT - len(suffix)) + suffix


def announcement_opening(drama: Drama, announcement: Announcement) -> str:
    """How an episode's announcement names it: enough to find it again in its channel."""
    label = drama.season_label(announcement.episode)
    return f"📺 **Episode {announcement.episode}**{f' ({label})' if label else ''} of **{drama.title}**"


def episode_announcement(
    drama: Drama, announcement: Announcement, role_id: int | None, *, threads: bool, late: bool = False
) -> str:
    """The message posted when an episode airs (``late``: posted after a restart, so it says when it
    aired); the last one says the drama has ended."""
    aired = f" aired {discord.utils.format_dt(announcement.airs_at, 'R')}: " if late else " airs now: "
    lines = [
        (f"<@&{role_id}> " if role_id else "")
        + announcement_opening(drama, announcement)
        + aired
        + discord.utils.format_dt(announcement.airs_at, "F")
    ]
    if threads:
        lines.append("Talk about it in this episode's thread, so the channel stays spoiler-free.")
    if announcement.last:
        lines.append(
            f"That was the last episode: **{drama.title}** has ended. Rate it with `/rate title:{drama.title}`!"
        )
    return clip("\n".join(lines), 2000)


def follow_started(drama: Drama, follow: Follow, coming: Announcement | None) -> str:
    ping = f", pinging <@&{follow.role_id}>" if follow.role_id else ""
    text = (
        f"📺 Following **{drama.display_title}** in <#{follow.channel_id}>: each episode is announced on its air "
        f"date at {follow.air_time} ({follow.timezone}){ping}, with a thread for its talk."
    )
    if coming is not None:
        text += f"\nNext: Episode {coming.episode}, {when(coming.airs_at)}."
    else:
        text += "\nTMDB has no date for its next episode yet; I look for new dates every day."
    return text


def follow_line(drama: Drama | None, follow: Follow, coming: Announcement | None, problem: str | None) -> str:
    title = drama.display_title if drama else follow.drama_slug
    line = f"**{title}** in <#{follow.channel_id}> at {follow.air_time} ({follow.timezone})"
    if follow.role_id:
        line += f", pinging <@&{follow.role_id}>"
    line += f"\nNext: Episode {coming.episode}, {when(coming.airs_at)}" if coming else "\nNext: no date on TMDB yet"
    if problem:
        line += f"\n⚠️ {problem}"
    return line


def follow_list_embed(lines: list[str]) -> discord.Embed:
    embed = discord.Embed(title="Dramas this server follows", colour=DRAMA_COLOUR)
    embed.description = clip_lines(lines, DESCRIPTION_LIMIT)
    embed.set_footer(text="Stop one with /unfollow; see the coming week with /airing.")
    return fit(embed)


def airing_embed(
    coming: list[Announcement],
    dramas: dict[str, Drama | None],
    days: int,
    later: Sequence[tuple[Follow, Announcement | None]] = (),
) -> discord.Embed:
    """`/airing`: the followed episodes of the coming days, in air order, in each member's time;
    then the followed dramas with nothing in those days."""
    lines = []
    for announcement in coming:
        drama = dramas.get(announcement.follow.drama_slug)
        title = drama.title if drama else announcement.follow.drama_slug
        lines.append(
            f"{discord.utils.format_dt(announcement.airs_at, 'F')} · **{title}** · Episode {announcement.episode}"
            f" · <#{announcement.follow.channel_id}>"
        )
    if not lines:
        lines.append(f"No followed episode airs in the next {counted(days, 'day')}.")
    for follow, upcoming in later:
        drama = dramas.get(follow.drama_slug)
        title = drama.title if drama else follow.drama_slug
        after = f"next: Episode {upcoming.episode}, {when(upcoming.airs_at)}" if upcoming else "no dated episode yet"
        lines.append(f"**{title}** · {after}")
    embed = discord.Embed(title=f"Airing in the next {counted(days, 'day')}", colour=DRAMA_COLOUR)
    embed.description = clip_lines(lines, DESCRIPTION_LIMIT)
    return fit(embed)


def schedule_change(drama: Drama, follow: Follow, synced: Synced) -> str | None:
    """One short notice of what TMDB moved or dropped, in the follow's time zone; None if nothing."""
    lines = []
    for episode, was, now in synced.moved:
        day = was.astimezone(follow.zone).strftime("%A")
        lines.append(f"📺 No episode on {day}: Episode {episode} of **{drama.title}** moves to {when(now)}.")
    for episode in synced.dropped:
        lines.append(
            f"📺 Episode {episode} of **{drama.title}** is off TMDB's schedule: it is announced again once TMDB "
            "dates it."
        )
    return clip("\n".join(lines), 2000) if lines else None
