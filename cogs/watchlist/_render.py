"""Rendering for the watchlist and its polls: suggestions, pages, history and a poll's result."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.drama import Drama
from bot.ratings import Stats
from bot.watchlist import Outcome, Suggestion, Watched
from cogs._render import (
    PAGE_CHARACTERS,
    chunk_lines,
    club_score,
    counted,
    escape,
    paged,
)

WATCHLIST_PAGE = 10


def quoted(text: str) -> str:
    """A member's words shown in a message: markdown escaped; the bot never pings from them."""
    return "“" + escape(text) + "”"


def suggester(suggestion: Suggestion) -> str:
    """Who suggested it, by the name they had then: a mention of a member who has left shows as a number."""
    name = suggestion.suggested_by_name
    return f"**{escape(name)}**" if name else f"<@{suggestion.suggested_by}>"


def waited(since: datetime, now: datetime) -> str:
    days = (now - since).days
    if days < 1:
        return "since today"
    return f"waiting {counted(days, 'day')}"


def suggested_line(member: str, drama: Drama, suggestion: Suggestion, happened: str, rewatch: bool) -> str:
    name = discord.utils.escape_markdown(member)
    again = " (a rewatch 🔁)" if rewatch else ""
    if happened == "suggested":
        why = f": {quoted(suggestion.reason)}" if suggestion.reason else ""
        return f"💡 {name} suggested **{drama.display_title}**{again} for the watchlist{why}"
    return f"👍 {name} supports **{drama.display_title}**{again}: {counted(suggestion.supporters, 'supporter')} now"


def watchlist_pages(
    suggestions: list[Suggestion], dramas: dict[str, Drama | None], seen: set[str], now: datetime
) -> list[discord.Embed]:
    lines = []
    for place, suggestion in enumerate(suggestions, start=1):
        drama = dramas.get(suggestion.drama_slug)
        title = drama.display_title if drama else suggestion.drama_slug
        marks = [counted(suggestion.supporters, "supporter"), waited(suggestion.created_at, now)]
        if suggestion.next_up:
            marks.insert(0, "⭐ next up")
        if suggestion.drama_slug in seen:
            marks.append("🔁 rewatch")
        if suggestion.losses:
            marks.append(f"lost {counted(suggestion.losses, 'poll')} ({counted(suggestion.lost_votes, 'vote')})")
        line = f"**{place}. {title}** · " + " · ".join(marks) + f"\nby {suggester(suggestion)}"
        if suggestion.reason:
            line += f": {quoted(suggestion.reason)}"
        lines.append(line)
    pages = ["\n\n".join(lines[i : i + WATCHLIST_PAGE]) for i in range(0, len(lines), WATCHLIST_PAGE)]
    footer = f"{counted(len(suggestions), 'suggestion')} · /pick puts the top ones to a poll"
    return paged("The club's watchlist", pages, footer)


def history_pages(rows: list[tuple[Drama | None, Watched, Stats | None]]) -> list[discord.Embed]:
    lines = []
    for drama, entry, stats in rows:
        title = drama.display_title if drama else entry.drama_slug
        parts = [discord.utils.format_dt(entry.when, "D")]
        if entry.went is not None:
            parts.append(f"watched together, {counted(entry.went, 'member')} went")
        parts.append(club_score(stats))
        lines.append(f"**{title}** · " + " · ".join(parts))
    pages = chunk_lines(lines, PAGE_CHARACTERS)
    return paged("What the club has watched", pages, f"{counted(len(rows), 'drama')}, newest first")


def _title(titles: dict[int, Drama | None], suggestion: Suggestion) -> str:
    drama = titles.get(suggestion.id)
    return drama.display_title if drama else suggestion.drama_slug


def tie_text(outcome: Outcome, titles: dict[int, Drama | None]) -> str:
    names = " and ".join(f"**{_title(titles, s)}**" for s in outcome.winners)
    votes = outcome.counts[outcome.winners[0].id]
    return f"🤝 It's a tie between {names} ({counted(votes, 'vote')} each). A host decides with a button below."


def winner_text(
    drama: Drama,
    winner: Suggestion,
    titles: dict[int, Drama | None],
    outcome: Outcome | None,
    dropped: list[Suggestion],
) -> str:
    lines = [f"🏆 The club picked **{drama.display_title}**! It is next up on the watchlist."]
    if outcome is not None:
        lines[0] = (
            f"🏆 The club picked **{drama.display_title}** ({counted(outcome.counts[winner.id], 'vote')})! "
            "It is next up on the watchlist."
        )
    for suggestion in dropped:
        lines.append(f"**{_title(titles, suggestion)}** lost its third poll and leaves the watchlist.")
    lines.append("A host can plan the watch parties with the button below.")
    return "\n".join(lines)
