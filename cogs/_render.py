"""Rendering: domain objects in, embeds and text out. Discord's limits are enforced here.

Small pure functions, tested without Discord. Every embed leaves through :func:`fit`, which
keeps it inside the limits for titles, descriptions, fields and the 6,000-character total.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import discord

from bot.drama import CastMember, Drama
from bot.follows import Announcement, Follow
from bot.parties import Party
from bot.ratings import PRIOR_MEAN, PRIOR_VOTES, EpisodeMean, Ranked, Stats, Vote, average, points
from bot.search import Person
from bot.tmdb_answers import PAGE_URL, TmdbPerson
from bot.tmdb_dramas import is_fresh
from bot.watchlist import Outcome, Suggestion, Watched

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
    drama: Drama, club: Stats | None = None, *, in_server: bool = False, now: datetime | None = None
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
    if in_server:
        embed.add_field(name="Club score", value=club_score(club), inline=False)
    embed.set_footer(text=sources_line(drama, now or discord.utils.utcnow()))
    return fit(embed)


def sources_line(drama: Drama, now: datetime) -> str:
    """A card's footer: where its facts come from; for TMDB's, when they were fetched if TMDB
    could not be asked again."""
    if not drama.from_tmdb:
        return "Sources: " + "; ".join(drama.sources)
    if drama.fetched_at is not None and not is_fresh(drama, now):
        return (
            f"Data: TMDB, fetched {plain_date(drama.fetched_at.date())}; TMDB isn't answering, so it may be out of "
            "date. " + TMDB_NOTICE
        )
    return "Data: TMDB. " + TMDB_NOTICE


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
            lines.append(f"**{point.topic}** (spoiler, episode {point.spoiler_from_episode}+): {spoiler(point.text)}")
        else:
            lines.append(f"**{point.topic}**: {point.text}")
    for index, chunk in enumerate(chunk_lines(lines, FIELD_VALUE_LIMIT)):
        embed.add_field(name="Highlights" if index == 0 else "More highlights", value=chunk, inline=False)
    embed.add_field(name="Verdict", value=review.verdict, inline=False)
    embed.set_footer(text=f"Summary of the review by {review.source}, in our own words")
    return fit(embed)


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


def cast_line(member: CastMember, *, note: bool = False) -> str:
    """``**Actor** as Character``; with ``note``, TMDB's ``(8 of 16 episodes)``."""
    line = f"**{member.actor}** as {member.character}"
    return f"{line} ({member.note})" if note and member.note else line


CAST_PAGE_CHARACTERS = 3000
ROLE_HEADINGS = {"lead": "Leads", "supporting": "Supporting cast", "cameo": "Cameos"}


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
    pages = chunk_lines(lines, CAST_PAGE_CHARACTERS)
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


def club_marks(slug: str, rated: set[str], watched: set[str], planned: set[str]) -> list[str]:
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
    person: Person, *, rated: set[str] = frozenset(), watched: set[str] = frozenset(), planned: set[str] = frozenset()
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


def about_embed(version: str, *, shipped: int, tmdb: str) -> discord.Embed:
    """`/about`: the bot, its version, its data sources and TMDB's notice."""
    embed = discord.Embed(
        title="Drama Club",
        description=(
            "A Discord bot for K-drama fan clubs: drama cards, cast look-ups, following dramas while they air, "
            "choosing the next one with a poll, watch parties that follow air dates, and the club's ratings. "
            "Open source (MIT)."
        ),
        colour=DRAMA_COLOUR,
    )
    embed.add_field(name="Version", value=version, inline=True)
    embed.add_field(
        name="Curated catalog",
        value=f"{counted(shipped, 'drama')} with hand-checked facts and review summaries; every file names its sources",
        inline=False,
    )
    lookups = {
        "on": "On: any TV drama TMDB knows can be looked up.",
        "off": "Off: the bot's owner can turn them on with `TMDB_TOKEN`.",
        "token rejected": "Unavailable: TMDB rejects the bot's token (`TMDB_TOKEN`).",
    }[tmdb]
    embed.add_field(name="TMDB look-ups", value=lookups, inline=False)
    embed.add_field(name="TMDB", value=f"[themoviedb.org](https://www.themoviedb.org) · {TMDB_NOTICE}", inline=False)
    return fit(embed)


def tmdb_person_embed(
    person: TmdbPerson,
    slugs: dict[int, str],
    *,
    rated: set[str] = frozenset(),
    watched: set[str] = frozenset(),
    planned: set[str] = frozenset(),
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


# -- watch parties ----------------------------------------------------------------------------

EVENT_NAME_LIMIT = 100
MENTION_LINE_LIMIT = 1500
MENTION_LIMIT = 100  # Discord allows at most 100 users in allowed_mentions


def party_name(drama: Drama, label: str) -> str:
    """The Discord event's name: ``Soundtrack #1 - Episode 2 watch party`` (at most 100 characters)."""
    suffix = f" - {label} watch party"
    return clip(drama.title, EVENT_NAME_LIMIT - len(suffix)) + suffix


def when(moment: datetime) -> str:
    """A Discord timestamp every member sees in their own time zone, with a relative one."""
    return f"{discord.utils.format_dt(moment, 'F')} ({discord.utils.format_dt(moment, 'R')})"


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


def reminder_text(drama: Drama | None, party: Party, going: list[int]) -> str:
    title = drama.title if drama is not None else party.drama_slug
    text = f"⏰ **{title} · {party.episodes_label}** watch party starts {when(party.starts_at)} {party_where(party)}."
    if going:
        text += f"\nGoing: {mention_list(going)}"
    return clip(text, 2000)


def start_text(drama: Drama | None, party: Party) -> str:
    title = drama.title if drama is not None else party.drama_slug
    return clip(
        f"▶️ **{title} · {party.episodes_label}** watch party is starting now {party_where(party)}. Enjoy!",
        2000,
    )


# -- ratings ----------------------------------------------------------------------------------

BAR_WIDTH = 16


def safe_text(text: str) -> str:
    """Member-written text shown as written: no markdown tricks, no working mentions."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


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
    line = f"⭐ {safe_text(member)} rated {what}: {score}"
    if comment:
        line += f" — “{safe_text(comment)}”"
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


HELD_BACK = "held back so that no private vote can be worked out"


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
            f"<@{v.user_id}> ({points(v.half_points)}"
            + (f", episode {v.episode}" if v.episode else "")
            + f"): {safe_text(v.comment or '')}"
            for v in comments
        ]
        embed.add_field(name="Recent comments", value=clip_lines(lines, FIELD_VALUE_LIMIT), inline=False)
    return fit(embed)


def leaderboard_embed(rows: list[tuple[Drama | None, Ranked]]) -> discord.Embed:
    embed = discord.Embed(title="Club leaderboard", colour=DRAMA_COLOUR)
    if not rows:
        embed.description = "No dramas have votes yet. Rate one with `/rate`."
        return fit(embed)
    medals = {1: "🥇", 2: "🥈", 3: "🥉"}
    lines = []
    for place, (drama, ranked) in enumerate(rows, start=1):
        title = drama.display_title if drama else ranked.drama_slug
        lines.append(
            f"{medals.get(place, f'{place}.')} **{title}** · {average(ranked.weighted, 2)} "
            f"(mean {average(ranked.mean)}, {counted(ranked.count, 'vote')})"
        )
    embed.description = clip_lines(lines, DESCRIPTION_LIMIT)
    embed.set_footer(
        text=f"Ranked by a weighted score: each drama counts {PRIOR_VOTES} extra votes of {PRIOR_MEAN:g}, "
        "so a few high votes can't beat many."
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


def club_score(stats: Stats | None) -> str:
    if stats is None:
        return "No votes yet: `/rate` it!"
    if not stats.shareable:
        return f"{counted(stats.count, 'vote')}; the average is {HELD_BACK}"
    return f"**{average(stats.mean)}**/10 · {counted(stats.count, 'vote')}"


# -- following dramas that air -------------------------------------------------------------

THREAD_NAME_LIMIT = 100


def thread_name(drama: Drama, episode: int) -> str:
    """``Soundtrack #1 · Episode 3``, at most Discord's 100 characters."""
    suffix = f" · Episode {episode}"
    return clip(drama.title, THREAD_NAME_LIMIT - len(suffix)) + suffix


def episode_announcement(drama: Drama, announcement: Announcement, role_id: int | None, *, threads: bool) -> str:
    """The message posted when an episode airs; the last one says the drama has ended."""
    number = announcement.episode
    label = drama.season_label(number)
    lines = [
        (f"<@&{role_id}> " if role_id else "")
        + f"📺 **Episode {number}**{f' ({label})' if label else ''} of **{drama.title}** airs now: "
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


def airing_embed(coming: list[Announcement], dramas: dict[str, Drama | None], days: int) -> discord.Embed:
    """`/airing`: the followed episodes of the coming days, in air order, in each member's time."""
    lines = []
    for announcement in coming:
        drama = dramas.get(announcement.follow.drama_slug)
        title = drama.title if drama else announcement.follow.drama_slug
        lines.append(
            f"{discord.utils.format_dt(announcement.airs_at, 'F')} · **{title}** · Episode {announcement.episode}"
            f" · <#{announcement.follow.channel_id}>"
        )
    embed = discord.Embed(title=f"Airing in the next {counted(days, 'day')}", colour=DRAMA_COLOUR)
    embed.description = clip_lines(lines, DESCRIPTION_LIMIT)
    return fit(embed)


# -- the watchlist ---------------------------------------------------------------------------

WATCHLIST_PAGE = 10


def quoted(text: str) -> str:
    """A member's words shown in a message: markdown escaped; the bot never pings from them."""
    return "“" + discord.utils.escape_markdown(discord.utils.escape_mentions(text)) + "”"


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
        line = f"**{place}. {title}** · " + " · ".join(marks) + f"\nby <@{suggestion.suggested_by}>"
        if suggestion.reason:
            line += f": {quoted(suggestion.reason)}"
        lines.append(line)
    pages = ["\n\n".join(lines[i : i + WATCHLIST_PAGE]) for i in range(0, len(lines), WATCHLIST_PAGE)]
    footer = f"{counted(len(suggestions), 'suggestion')} · /pick puts the top ones to a poll"
    return paged("The club's watchlist", pages, footer)


def paged(title: str, pages: list[str], footer: str) -> list[discord.Embed]:
    """One embed a page, the footer saying which page it is when there are several."""
    embeds = []
    for number, text in enumerate(pages, start=1):
        embed = discord.Embed(title=title, description=text, colour=DRAMA_COLOUR)
        embed.set_footer(text=footer + (f" · page {number} of {len(pages)}" if len(pages) > 1 else ""))
        embeds.append(fit(embed))
    return embeds


def history_pages(rows: list[tuple[Drama | None, Watched, Stats | None]]) -> list[discord.Embed]:
    lines = []
    for drama, entry, stats in rows:
        title = drama.display_title if drama else entry.drama_slug
        parts = [discord.utils.format_dt(entry.when, "D")]
        if entry.went is not None:
            parts.append(f"watched together, {counted(entry.went, 'member')} went")
        parts.append(club_score(stats))
        lines.append(f"**{title}** · " + " · ".join(parts))
    pages = chunk_lines(lines, CAST_PAGE_CHARACTERS)
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
