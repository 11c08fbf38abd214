"""Rendering for the club's scores: a vote's line, `/ratings show`, the leaderboard, a member's own votes."""

from __future__ import annotations

import discord

from bot.drama import Drama
from bot.ratings import PRIOR_MEAN, PRIOR_VOTES, EpisodeMean, Ranked, Stats, Vote, average, points
from cogs._render import (
    DESCRIPTION_LIMIT,
    DRAMA_COLOUR,
    FIELD_VALUE_LIMIT,
    HELD_BACK,
    clip,
    clip_lines,
    counted,
    escape,
    fit,
)

BAR_WIDTH = 16


def score_text(half_points: int) -> str:
    return f"{points(half_points)}/10"


def vote_line(
    member: str, drama: Drama, episode: int, half_points: int, before: int | None, comment: str | None
) -> str:
    """The one line a vote is announced with in the channel."""
    what = f"**{drama.title}**" + (f" · Episode {episode}" if episode else "")
    score = score_text(half_points)
    if before == half_points:
        score += " (unchanged)"
    elif before is not None:
        score = f"{score_text(before)} → {score}"
    line = f"⭐ {escape(member)} rated {what}: {score}"
    if comment:
        line += f" — “{escape(comment)}”"
    return clip(line, 2000)


def histogram_lines(stats: Stats) -> str:
    """Text bars for the scores 10 down to 1 (half points count with the whole point below)."""
    peak = max(stats.histogram) or 1
    rows = []
    for point in range(10, 0, -1):
        count = stats.histogram[point - 1]
        bar = "█" * round(BAR_WIDTH * count / peak) if count else ""
        label = "10" if point == 10 else f"{point}–{point}.5"
        rows.append(f"{label:>6} {bar:<{BAR_WIDTH}} {count}")
    return "```\n" + "\n".join(rows) + "\n```"


def voter(vote: Vote) -> str:
    """Who wrote a comment, by the name they had when they voted: a mention of a member who has left
    the server shows as a bare number."""
    return f"**{escape(vote.member_name)}**" if vote.member_name else f"<@{vote.user_id}>"


def ratings_embed(
    drama: Drama, stats: Stats | None, episodes: list[EpisodeMean], comments: list[Vote]
) -> discord.Embed:
    """`/ratings show`: the club's view of one drama, with nothing that gives a private vote away."""
    embed = discord.Embed(title=f"Club ratings: {drama.display_title}", colour=DRAMA_COLOUR)
    if stats is None:
        embed.description = "No one has rated the whole drama yet. Be the first with `/rate`."
    elif not stats.shareable:
        embed.description = f"{counted(stats.count, 'vote')}; the average is {HELD_BACK}."
    else:
        embed.description = (
            f"**{average(stats.mean)}**/10 from {counted(stats.count, 'vote')} · median {average(stats.median)}"
        )
        embed.add_field(name="Distribution", value=histogram_lines(stats), inline=False)
    if episodes:
        lines = [
            f"Episode {e.episode}: "
            + (
                f"**{average(e.mean)}** ({counted(e.count, 'vote')})"
                if e.mean is not None
                else counted(e.count, "vote")
            )
            for e in episodes
        ]
        embed.add_field(name="Episodes", value=clip_lines(lines, FIELD_VALUE_LIMIT), inline=False)
    if comments:
        lines = [
            f"{voter(v)} ({points(v.half_points)}"
            + (f", episode {v.episode}" if v.episode else "")
            + f"): {escape(v.comment or '')}"
            for v in comments
        ]
        embed.add_field(name="Recent comments", value=clip_lines(lines, FIELD_VALUE_LIMIT), inline=False)
    return fit(embed)


def leaderboard_embed(rows: list[tuple[Drama | None, Ranked]], held: int = 0) -> discord.Embed:
    """The leaderboard; ``held`` dramas have votes that would give a private one away, and say so."""
    embed = discord.Embed(title="Club leaderboard", colour=DRAMA_COLOUR)
    held_back = (
        f"{counted(held, 'drama')} {'has' if held == 1 else 'have'} only private votes (or one beside public "
        f"ones), {HELD_BACK}."
    )
    if not rows:
        embed.description = held_back if held else "No dramas have votes yet. Rate one with `/rate`."
        return fit(embed)
    medals = {1: "🥇", 2: "🥈", 3: "🥉"}
    lines = []
    for place, (drama, ranked) in enumerate(rows, start=1):
        title = drama.display_title if drama else ranked.drama_slug
        lines.append(
            f"{medals.get(place, f'{place}.')} **{title}** · {average(ranked.weighted)} "
            f"(mean {average(ranked.mean)}, {counted(ranked.count, 'vote')})"
        )
    embed.description = clip_lines(lines, DESCRIPTION_LIMIT)
    embed.set_footer(
        text=f"Ranked by a weighted score: each drama counts {PRIOR_VOTES} extra votes of {PRIOR_MEAN:g}, "
        "so a few high votes can't beat many." + (f" {held_back}" if held else "")
    )
    return fit(embed)


def my_votes_embed(votes: list[tuple[Drama | None, Vote]]) -> discord.Embed:
    embed = discord.Embed(title="Your ratings", colour=DRAMA_COLOUR)
    if not votes:
        embed.description = "You haven't rated anything yet. Try `/rate`."
        return fit(embed)
    lines = []
    for drama, vote in votes:
        title = drama.title if drama else vote.drama_slug
        what = f"**{title}**" + (f" · Episode {vote.episode}" if vote.episode else "")
        private = " (private)" if vote.private else ""
        lines.append(
            f"{what}: {score_text(vote.half_points)}{private} · {discord.utils.format_dt(vote.updated_at, 'R')}"
        )
    embed.description = clip_lines(lines, DESCRIPTION_LIMIT, more="…and {n} more")
    return fit(embed)
