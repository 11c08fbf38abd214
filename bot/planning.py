"""Planning a series of watch parties: the one service `/watchparty schedule`, a poll winner's Plan
button and TMDB's new air dates all go through.

The rules are here; Discord's side (the server's scheduled events and the plan's announcement) is
a :class:`Calendar` the watch-party feature implements. ``R`` is how a plan is answered: the
member's interaction, which this module never looks into.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Literal, Protocol, TypeVar
from zoneinfo import ZoneInfo

from bot.drama import Drama
from bot.errors import UserError
from bot.parties import Party, PartyStore, SeriesSpec, changed_options
from bot.schedule import PlannedParty, check_event_room, check_remind, episodes_label, plan_series, plannable
from bot.times import check_start, parse_start, zone

log = logging.getLogger(__name__)

Existing = Literal["replace", "keep"]  # cancel the other series, or plan a second one beside it
DramaLookup = Callable[[str, int], Awaitable[Drama | None]]  # a stored record's drama, by its id and server
R = TypeVar("R")
R_contra = TypeVar("R_contra", contravariant=True)


class EventsRefused(Exception):
    """Discord refused to create a scheduled event: the bot lacks Manage Events there."""


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """What a host asked for; ``start`` is the wall-clock time as typed."""

    drama: Drama
    start: str
    timezone: ZoneInfo
    guild_id: int
    host_id: int
    text_channel_id: int
    voice_channel_id: int | None = None
    location: str | None = None
    episodes_per_party: int = 1
    remind_minutes: int = 15
    existing: Existing | None = None  # what to do with the drama's other upcoming parties, if it has any


@dataclass(frozen=True, slots=True)
class Planned:
    """A stored series as the host's answer shows it."""

    drama: Drama
    series_id: int
    created: bool  # False: the same series was already planned
    parties: list[Party]
    going: int
    left_out: str | None  # "Episodes 9–16 are left out until TMDB dates them", for an airing drama


class Calendar(Protocol[R_contra]):
    """Discord's side of planning, for one server at a time."""

    async def events_taken(self, guild_id: int) -> int:
        """How many scheduled or active events the server holds now."""
        ...

    async def announce(self, reply: R_contra, planned: Planned) -> int | None:
        """Answer the host with the plan; the announcement's message id when Discord gives it."""
        ...

    async def create_event(self, drama: Drama, party: Party) -> int:
        """Create one party's scheduled event; its id. :class:`EventsRefused` without Manage Events."""
        ...

    async def delete_event(self, guild_id: int, event_id: int) -> None: ...

    async def move_event(self, drama: Drama, party: Party) -> None:
        """Give the party's event its new times, keeping who marked it Interested."""
        ...

    async def tell(self, channel_id: int, text: str) -> None:
        """Post a short notice in a channel."""
        ...

    async def find_event(self, drama: Drama, party: Party) -> int | None:
        """The scheduled event this bot made for the party, if Discord has one (a stopped run made it)."""
        ...

    async def find_plan(self, parties: Sequence[Party]) -> int | None:
        """The series' announcement, if the channel has it (a stopped run posted it)."""
        ...

    async def post_plan(self, planned: Planned) -> int | None:
        """Post the series' announcement in its channel, when no host is there to answer."""
        ...

    def serves(self, guild_id: int) -> bool:
        """Whether the bot is still in the server."""
        ...

    async def show_plan(self, series_id: int) -> None:
        """Redraw a series' announcement to show its parties as stored now."""
        ...

    async def events_refused(self, reply: R_contra) -> None:
        """Tell the host the parties are kept without events, and how to add them."""
        ...


class Planner(Generic[R]):
    """Plans series of watch parties and keeps their Discord events in step with them."""

    def __init__(self, store: PartyStore, calendar: Calendar[R], dramas: DramaLookup) -> None:
        self.store = store
        self.calendar = calendar
        self.dramas = dramas
        # Told of every party added (new series, or a series grown): reminders and TMDB's look wake for them.
        self.on_added: list[Callable[[Drama, list[Party]], None]] = []
        # Told when a party has ended: the ratings feature asks the room for scores.
        self.on_ended: list[Callable[[Party], Awaitable[None]]] = []

    async def plan(self, reply: R, request: PlanRequest, now: datetime) -> Planned:
        """Check everything, store the series, answer with it, then create its missing events.

        Planning the same series again (same server, drama and first start) makes nothing twice:
        it answers with the stored series and adds only the events it lacks.
        """
        drama = request.drama
        if request.voice_channel_id is not None and request.location is not None:
            raise UserError(
                "Pick one place: a voice or stage channel (`channel`), or a place outside Discord (`location`), "
                "not both. Nothing was planned."
            )
        wall = parse_start(request.start)
        check_start(wall, request.timezone, now)
        planned = plan_series(drama, wall, request.timezone, episodes_per_party=request.episodes_per_party)
        spec = SeriesSpec(
            guild_id=request.guild_id,
            drama_slug=drama.slug,
            timezone=request.timezone.key,
            host_id=request.host_id,
            text_channel_id=request.text_channel_id,
            voice_channel_id=request.voice_channel_id,
            location=None if request.voice_channel_id is not None else (request.location or "Online"),
            episodes_per_party=request.episodes_per_party,
            remind_minutes=check_remind(request.remind_minutes),
        )
        stored = await self.store.planned_at(spec.guild_id, drama.slug, planned[0].starts_at)
        live = [p for p in stored if not p.cancelled]
        same = {p.series_id for p in stored}
        upcoming = await self.store.upcoming(spec.guild_id, now, drama_slug=drama.slug, limit=500)
        others = [p for p in upcoming if p.series_id not in same]
        if others and request.existing is None:
            raise UserError(
                f"**{drama.display_title}** already has {len(others)} upcoming watch "
                f"{'party' if len(others) == 1 else 'parties'}, the next {_at(others[0].starts_at)}. "
                "Run `/watchparty schedule` again with `existing:replace` to cancel them (and their events) "
                "and plan anew, or with `existing:keep` to plan a second series beside them."
            )
        if live and (changed := changed_options(live[0], spec)):
            raise UserError(
                f"This series of **{drama.display_title}** is already planned with other options: "
                f"{', '.join(changed)}. To change them, cancel the series (`/watchparty cancel` its first party "
                "with `series:True`) and schedule it again."
            )
        needed = sum(p.event_id is None for p in live) if live else len(planned)
        planned_count = plannable(drama, request.episodes_per_party)
        freed = sum(p.event_id is not None for p in others) if request.existing == "replace" else 0
        check_event_room(
            needed,
            await self.calendar.events_taken(spec.guild_id) - freed,
            planned_count,
            request.episodes_per_party if not live else None,
        )
        if others and request.existing == "replace":
            await self.cancel(others, now, by=request.host_id)
        series_id, created, parties = await self.store.create_series(spec, planned, now)
        if created:
            self._added(drama, parties)
        left_out = None
        if planned_count < drama.episode_count:
            first = planned_count + 1
            verb = "is" if first == drama.episode_count else "are"
            later = episodes_label(first, drama.episode_count)
            left_out = f"{later} {verb} left out until TMDB dates them; the plan grows as it does."
        going = 0 if created else await self.store.series_member_count(series_id)
        result = Planned(drama, series_id, created, parties, going, left_out)
        # The plan is the answer, at once; its Discord events follow, which Discord may pace.
        message_id = await self.calendar.announce(reply, result)
        if await self.add_events(drama, series_id, message_id, parties):
            await self.calendar.events_refused(reply)
        return result

    async def add_events(
        self, drama: Drama, series_id: int, announcement_id: int | None, parties: Sequence[Party]
    ) -> bool:
        """Create a Discord event for each party that had none when the series was read, all at
        once (discord.py keeps to Discord's rate limit), then record them and the announcement in
        one write. An event no party takes (the party was cancelled meanwhile, or the same plan
        run twice at once gave it one first) is deleted: no party ends up with two events, and no
        cancelled party with one.

        Returns ``True`` if Discord refused for lack of the Manage Events permission. Any other
        failure is raised once every request has finished and the created events are stored, so
        a second run adds only the missing ones.
        """
        missing = [p for p in parties if p.event_id is None and not p.cancelled]
        outcomes = await asyncio.gather(*(self._event_of(drama, party) for party in missing), return_exceptions=True)
        event_ids: dict[int, int] = {}
        refused = False
        failure: BaseException | None = None
        for party, outcome in zip(missing, outcomes, strict=True):
            if isinstance(outcome, EventsRefused):
                refused = True
            elif isinstance(outcome, BaseException):
                failure = failure or outcome
            else:
                event_ids[party.id] = outcome
        unwanted = await self.store.record_events(series_id, announcement_id, event_ids)
        if parties:
            guild_id = parties[0].guild_id
            await asyncio.gather(*(self.calendar.delete_event(guild_id, event_id) for event_id in unwanted))
        if refused:
            log.warning("Missing Manage Events in series %s; parties are kept without events", series_id)
        if failure is not None:
            raise failure
        return refused

    async def _event_of(self, drama: Drama, party: Party) -> int:
        """The party's event: the one a stopped run made, found again, or a new one."""
        found = await self.calendar.find_event(drama, party)
        return found if found is not None else await self.calendar.create_event(drama, party)

    async def converge(self, now: datetime) -> int:
        """At a start: complete the series a stopped run left half-made. Its announcement and
        events are found again where Discord has them, and made where it has not; nothing is made
        twice. Returns the series completed."""
        completed = 0
        for parties in await self.store.incomplete(now):
            first = parties[0]
            drama = await self.dramas(first.drama_slug, first.guild_id)
            if drama is None or not self.calendar.serves(first.guild_id):
                continue
            announcement = first.announcement_id
            if announcement is None:
                announcement = await self.calendar.find_plan(parties)
            if announcement is None:
                going = await self.store.series_member_count(first.series_id)
                announcement = await self.calendar.post_plan(
                    Planned(drama, first.series_id, True, parties, going, None)
                )
            try:
                await self.add_events(drama, first.series_id, announcement, parties)
            except Exception:
                log.exception("Could not complete the events of series %s", first.series_id)
                continue
            log.info("Completed series %s of %s, which a stopped run left half-made", first.series_id, drama.slug)
            completed += 1
        return completed

    async def cancel(self, parties: Sequence[Party], now: datetime, *, by: int | None) -> list[Party]:
        """Cancel parties with their Discord events, and redraw their series' announcements;
        gives the ones this call cancelled. The events are those stored when the parties were
        cancelled: one made after is refused by its party and deleted by its own plan."""
        cancelled = await self.store.cancel([p.id for p in parties], now, by=by)
        if not cancelled:
            return []
        guild_id = parties[0].guild_id
        gone = [event_id for event_id in cancelled.values() if event_id is not None]
        await asyncio.gather(*(self.calendar.delete_event(guild_id, event_id) for event_id in gone))
        for series_id in sorted({p.series_id for p in parties if p.id in cancelled}):
            await self.calendar.show_plan(series_id)
        return [p for p in parties if p.id in cancelled]

    async def grow(self, drama: Drama) -> int:
        """TMDB dated more episodes of ``drama``: each plan of it grows by the whole parties they
        make, by the same rule (the first party's local time, the gaps between air dates), with
        their Discord events, and its announcement shows them. Returns the parties added."""
        grown = 0
        for parties in await self.store.growing(drama.slug):
            first, last = parties[0], parties[-1]
            if not self.calendar.serves(first.guild_id):
                continue
            planned = _replanned(drama, first)
            new = [p for p in planned if p.number > last.number]
            if not new or new[0].first_episode != last.last_episode + 1:
                continue
            added = [p for p in await self.store.extend(last, new) if p.number > last.number]
            if not added:
                continue
            log.info("Series %s of %s grew by %d parties", first.series_id, drama.slug, len(added))
            grown += len(added)
            self._added(drama, added)
            await self.add_events(drama, first.series_id, first.announcement_id, added)
            await self.calendar.show_plan(first.series_id)
        return grown

    async def follow_dates(self, drama: Drama, now: datetime) -> None:
        """TMDB moved or dropped dated episodes of ``drama``: every plan of it follows, by the
        plan's own rule (the first party's local time, the gaps between air dates). A moved
        party's event is edited, its reminder rescheduled and the plan's announcement redrawn;
        one notice per change goes to the plan's channel. A party whose episodes TMDB dropped is
        cancelled with its event. One that cannot move (its new time has passed, or one of its
        episodes would air after it) keeps its time, and the hosts are told once."""
        for parties in await self.store.series_of(drama.slug):
            first = parties[0]
            live = [p for p in parties if not p.cancelled and p.starts_at > now]
            if not live or not self.calendar.serves(first.guild_id):
                continue
            lines: list[str] = []
            dropped = [p for p in live if p.last_episode > drama.episode_count]
            if dropped:
                await self.cancel(dropped, now, by=None)
                labels = ", ".join(p.episodes_label for p in dropped)
                lines.append(
                    f"TMDB no longer lists {labels}: {'its' if len(dropped) == 1 else 'their'} watch "
                    f"{'party is' if len(dropped) == 1 else 'parties are'} cancelled."
                )
            tz = zone(first.timezone)
            by_number = {p.number: p for p in _replanned(drama, first)}
            moved = False
            for party in live:
                if party in dropped:
                    continue
                new = by_number.get(party.number)
                if new is None or (new.first_episode, new.last_episode) != (party.first_episode, party.last_episode):
                    continue  # not dated now, or the plan's shape changed: it stays as it is
                # a party of several episodes whose later one TMDB moved past it would split: it stays
                late = [n for n in party.episodes if _airs_after(drama, n, new.starts_at, tz)]
                if new.starts_at == party.starts_at and not late:
                    continue
                if late or new.starts_at <= now:
                    why = f"Episode {late[0]} now airs after it" if late else "TMDB's new date puts it in the past"
                    reason = (
                        f"⚠️ The watch party for {party.episodes_label} of **{drama.title}** keeps its time: {why}. "
                        "A host can cancel it with `/watchparty cancel`, or plan again."
                    )
                    if await self.store.tell_stuck(party.id, reason):
                        lines.append(reason)
                    continue
                was = party.starts_at
                stored = await self.store.move(party, new.starts_at, new.ends_at, now)
                if stored is None:
                    continue
                moved = True
                if stored.event_id is not None:
                    await self.calendar.move_event(drama, stored)
                day = was.astimezone(tz).strftime("%A")
                lines.append(
                    f"📅 TMDB moved {party.episodes_label} of **{drama.title}**: its watch party moves from {day} "
                    f"to {_at(stored.starts_at)}."
                )
            if moved:
                self._added(drama, [p for p in await self.store.parties_of(first.series_id) if not p.cancelled])
                await self.calendar.show_plan(first.series_id)
            if lines:
                await self.calendar.tell(first.text_channel_id, "\n".join(lines))

    def _added(self, drama: Drama, parties: list[Party]) -> None:
        for listener in self.on_added:
            listener(drama, parties)


def _at(moment: datetime) -> str:
    """A Discord timestamp every member reads in their own time zone."""
    return f"<t:{int(moment.timestamp())}:F>"


def _replanned(drama: Drama, first: Party) -> list[PlannedParty]:
    """The series' parties by its own rule, on the drama's dates now: the first party's local
    time, the gaps between air dates; empty while nothing can be planned."""
    tz = zone(first.timezone)
    try:
        return plan_series(
            drama, first.starts_at.astimezone(tz).replace(tzinfo=None), tz, episodes_per_party=first.episodes_per_party
        )
    except UserError:
        return []


def _airs_after(drama: Drama, episode: int, starts_at: datetime, tz: ZoneInfo) -> bool:
    """Whether the episode airs on a later day than the party's (local) day."""
    aired = drama.episode(episode).air_date if episode <= drama.episode_count else None
    return aired is not None and aired > starts_at.astimezone(tz).date()
