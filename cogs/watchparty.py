"""Watch parties: `/watchparty schedule|list|cancel|export`, RSVP buttons and reminders."""

from __future__ import annotations

import asyncio
import io
import logging
import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.calendar_export import parties_calendar
from bot.client import ClubTree, DramaClub, Interaction
from bot.drama import Drama
from bot.errors import UserError
from bot.parties import DueNotice, Notice, Party, PartyStore, SeriesSpec, changed_options
from bot.schedule import check_event_room, check_remind, episodes_label, plan_series, plannable
from bot.times import check_start, parse_start, zone
from cogs import _render as render
from cogs._loops import DueLoop
from cogs._options import DramaOption, PartyOption, PrivateDramaOption, TimezoneOption, answer

log = logging.getLogger(__name__)

LIST_LIMIT = 10
RATING_PROMPT_GRACE = timedelta(days=1)
IDLE_SLEEP = 30 * 86400.0  # the longest the reminder loop sleeps: a new plan due sooner wakes it
MISSING_EVENTS_PERMISSION = (
    "I saved the parties and will remind everyone, but Discord refused to create the scheduled events "
    "because my role lacks the **Manage Events** permission. Grant it in Server Settings → Roles, "
    "then run the same `/watchparty schedule` again: it adds the missing events and nothing twice."
)


class RsvpButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"watchparty:(?P<action>join|leave):(?P<series>\d+)",
):
    """Join or Leave on a series announcement; works for any announcement, also after a restart."""

    def __init__(self, action: str, series_id: int) -> None:
        join = action == "join"
        super().__init__(
            discord.ui.Button(
                label="Join" if join else "Leave",
                emoji="🍿" if join else None,
                style=discord.ButtonStyle.success if join else discord.ButtonStyle.secondary,
                custom_id=f"watchparty:{action}:{series_id}",
            )
        )
        self.action = action
        self.series_id = series_id

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> RsvpButton:
        return cls(match["action"], int(match["series"]))

    async def callback(self, interaction: Interaction) -> None:
        try:
            cog = interaction.client.get_cog("WatchParty")
            assert isinstance(cog, WatchPartyCog)
            await cog.rsvp(interaction, self.series_id, join=self.action == "join")
        except Exception as error:
            await ClubTree.report(interaction, error, where=f"the {self.action} button of series {self.series_id}")


def rsvp_view(series_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(RsvpButton("join", series_id))
    view.add_item(RsvpButton("leave", series_id))
    return view


@app_commands.guild_only()
class WatchPartyCog(
    commands.GroupCog, name="WatchParty", group_name="watchparty", group_description="Watch dramas together"
):
    def __init__(self, bot: DramaClub) -> None:
        self.bot = bot
        self.store = PartyStore(bot.storage)
        # Sends reminders and start notices when due. A cancelled party needs no wake-up: its
        # notices are never due.
        self._notices = DueLoop(bot, "watchparty-notices", self._send_notices, idle=IDLE_SLEEP)
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(RsvpButton)
        self._notices.start()

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(RsvpButton)
        self._notices.stop()

    # -- /watchparty schedule ----------------------------------------------------------------

    @app_commands.command(name="schedule", description="Plan watch parties that follow a drama's air dates")
    @app_commands.rename(drama="title")
    @app_commands.describe(
        drama="The drama to watch",
        start='When the first party starts, as "YYYY-MM-DD HH:MM"',
        timezone="The time zone of that start (default: the server's)",
        channel="A voice or stage channel to watch in (otherwise an external event)",
        location="Where, for an event outside Discord (default: Online)",
        episodes_per_party="How many episodes each party watches (default 1)",
        remind="Minutes before each party to remind who's going (0-1440, default 15)",
    )
    @app_commands.checks.has_permissions(manage_events=True)
    async def schedule(
        self,
        interaction: Interaction,
        drama: DramaOption,
        start: app_commands.Range[str, 1, 40],
        timezone: TimezoneOption | None = None,
        channel: discord.VoiceChannel | discord.StageChannel | None = None,
        location: app_commands.Range[str, 1, 100] | None = None,
        episodes_per_party: app_commands.Range[int, 1, 500] = 1,
        remind: app_commands.Range[int, 0, 1440] = 15,
    ) -> None:
        await self.plan(interaction, drama, start, timezone, channel, location, episodes_per_party, remind)

    async def plan(
        self,
        interaction: Interaction,
        drama: Drama,
        start: str,
        timezone: ZoneInfo | None = None,
        channel: discord.VoiceChannel | discord.StageChannel | None = None,
        location: str | None = None,
        episodes_per_party: int = 1,
        remind: int = 15,
    ) -> None:
        """What `/watchparty schedule` does; the winner of a `/pick` is planned the same way."""
        assert interaction.guild is not None and interaction.channel_id is not None
        # Everything is checked before anything is stored or created.
        tz = timezone or zone(self.bot.settings.default_timezone)
        wall = parse_start(start)
        now = discord.utils.utcnow()
        check_start(wall, tz, now)
        planned = plan_series(drama, wall, tz, episodes_per_party=episodes_per_party)
        spec = SeriesSpec(
            guild_id=interaction.guild.id,
            drama_slug=drama.slug,
            timezone=tz.key,
            host_id=interaction.user.id,
            text_channel_id=interaction.channel_id,
            voice_channel_id=channel.id if channel is not None else None,
            location=None if channel is not None else (location or "Online"),
            episodes_per_party=episodes_per_party,
            remind_minutes=check_remind(remind),
        )
        live = [
            p for p in await self.store.planned_at(spec.guild_id, drama.slug, planned[0].starts_at) if not p.cancelled
        ]
        if live and (changed := changed_options(live[0], spec)):
            raise UserError(
                f"This series of **{drama.display_title}** is already planned with other options: "
                f"{', '.join(changed)}. To change them, cancel the series (`/watchparty cancel` its first party "
                "with `series:True`) and schedule it again."
            )
        needed = sum(p.event_id is None for p in live) if live else len(planned)
        taken = sum(
            event.status in (discord.EventStatus.scheduled, discord.EventStatus.active)
            for event in interaction.guild.scheduled_events
        )
        planned_count = plannable(drama, episodes_per_party)
        check_event_room(needed, taken, planned_count, episodes_per_party if not live else None)
        series_id, created, parties = await self.store.create_series(spec, planned, now)
        if created:
            self._notices.wake(min(p.remind_at for p in parties))
            self.bot.dispatch("watch_series_planned", drama)
        going = 0 if created else await self.store.series_member_count(series_id)
        prefix = "" if created else "This series was already planned; here it is again.\n"
        # The plan is the answer, at once; its Discord events follow, which Discord may pace.
        headline = prefix + f"🎬 {len(parties)} watch parties for **{drama.display_title}**:"
        if planned_count < drama.episode_count:
            first = planned_count + 1
            verb = "is" if first == drama.episode_count else "are"
            later = episodes_label(first, drama.episode_count)
            headline += f"\n{later} {verb} left out until TMDB dates them; the plan grows as it does."
        message_id = await answer(
            interaction,
            headline,
            embed=render.plan_embed(drama, parties, going=going),
            view=rsvp_view(series_id),
        )
        refused = await self._create_missing_events(
            interaction.guild, drama.display_title, series_id, message_id, parties
        )
        if refused:
            await interaction.followup.send(MISSING_EVENTS_PERMISSION, ephemeral=True)

    async def _create_missing_events(
        self,
        guild: discord.Guild,
        title: str,
        series_id: int,
        announcement_id: int | None,
        parties: list[Party],
    ) -> bool:
        """Create a Discord event for each party that had none when the series was read, all at
        once (discord.py keeps to Discord's rate limit), then record them and the announcement in
        one write. An event no party takes (the party was cancelled meanwhile, or the same plan
        run twice at once gave it one first) is deleted: no party ends up with two events, and no
        cancelled party with one.

        Returns ``True`` if Discord refused for lack of the Manage Events permission. Any other
        failure is raised once every request has finished and the created events are stored, so
        a second run adds only the missing ones.
        The place is the series' own (as first scheduled), whatever a repeated command says.
        """
        missing = [p for p in parties if p.event_id is None and not p.cancelled]
        outcomes = await asyncio.gather(
            *(self._create_event(guild, title, party) for party in missing), return_exceptions=True
        )
        event_ids: dict[int, int] = {}
        refused = False
        failure: BaseException | None = None
        for party, outcome in zip(missing, outcomes, strict=True):
            if isinstance(outcome, discord.Forbidden):
                refused = True
            elif isinstance(outcome, BaseException):
                failure = failure or outcome
            else:
                event_ids[party.id] = outcome
        unwanted = await self.store.record_events(series_id, announcement_id, event_ids)
        await asyncio.gather(*(self._delete_event(guild, event_id) for event_id in unwanted))
        if refused:
            log.warning("Missing Manage Events in guild %s; parties are kept without events", guild.id)
        if failure is not None:
            raise failure
        return refused

    async def _create_event(self, guild: discord.Guild, title: str, party: Party) -> int:
        """Create one party's Discord event; returns its id."""
        channel = guild.get_channel(party.voice_channel_id) if party.voice_channel_id else None
        drama = await self.bot.dramas.get(party.drama_slug, guild.id)
        name = render.party_name(drama, party.episodes_label) if drama else f"{title} watch party"
        description = f"{title}: {party.episodes_label}. RSVP with the Join button in <#{party.text_channel_id}>."
        options: dict[str, Any] = {
            "name": name,
            "description": render.clip(description, 1000),
            "start_time": party.starts_at,
            "end_time": party.ends_at,
            "privacy_level": discord.PrivacyLevel.guild_only,
        }
        if isinstance(channel, discord.VoiceChannel | discord.StageChannel):
            options["channel"] = channel
            options["entity_type"] = (
                discord.EntityType.stage_instance
                if isinstance(channel, discord.StageChannel)
                else discord.EntityType.voice
            )
        else:
            options["entity_type"] = discord.EntityType.external
            options["location"] = party.location or "Online"
        event = await guild.create_scheduled_event(**options)
        return event.id

    @commands.Cog.listener()
    async def on_drama_refreshed(self, drama: Drama) -> None:
        """TMDB dated more episodes of ``drama``: each plan of it grows by the whole parties they
        make, by the same rule (the first party's local time, the gaps between air dates), with
        their Discord events, and its announcement shows them."""
        for parties in await self.store.growing(drama.slug):
            first, last = parties[0], parties[-1]
            guild = self.bot.get_guild(first.guild_id)
            if guild is None:
                continue
            tz = zone(first.timezone)
            try:
                planned = plan_series(
                    drama,
                    first.starts_at.astimezone(tz).replace(tzinfo=None),
                    tz,
                    episodes_per_party=first.episodes_per_party,
                )
            except UserError:
                continue
            new = [p for p in planned if p.number > last.number]
            if not new or new[0].first_episode != last.last_episode + 1:
                continue
            added = [p for p in await self.store.extend(last, new) if p.number > last.number]
            if not added:
                continue
            log.info("Series %s of %s grew by %d parties", first.series_id, drama.slug, len(added))
            self._notices.wake(min(p.remind_at for p in added))
            await self._create_missing_events(guild, drama.display_title, first.series_id, first.announcement_id, added)
            await self._show_plan(guild, first.series_id)

    # -- /watchparty list, cancel, export ---------------------------------------------------

    @app_commands.command(name="list", description="Upcoming watch parties in this server")
    async def list_parties(self, interaction: Interaction) -> None:
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = discord.utils.utcnow()
        parties = await self.store.upcoming(interaction.guild.id, now, limit=500)
        shown = parties[:LIST_LIMIT]
        await asyncio.gather(*(self._refresh_interest(interaction.guild, p) for p in shown))
        lines = []
        for party in shown:
            going = len(await self.store.attendees(party))
            drama = await self.bot.dramas.get(party.drama_slug, party.guild_id)
            lines.append(render.party_line(drama, party, going))
        await interaction.followup.send(embed=render.party_list_embed(lines, len(parties)), ephemeral=True)

    @app_commands.command(name="cancel", description="Cancel a watch party, or the rest of its series")
    @app_commands.describe(party="The party to cancel", series="Also cancel every later party of the series")
    @app_commands.checks.has_permissions(manage_events=True)
    async def cancel(self, interaction: Interaction, party: PartyOption, series: bool = False) -> None:
        assert interaction.guild is not None
        if party.cancelled:
            raise UserError("That party was already cancelled.")
        targets = [party]
        if series:
            targets = [
                p for p in await self.store.parties_of(party.series_id) if p.number >= party.number and not p.cancelled
            ]
        now = discord.utils.utcnow()
        cancelled = await self.store.cancel([p.id for p in targets], now, by=interaction.user.id)
        if not cancelled:
            raise UserError("That party was already cancelled.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        # The events as stored when the parties were cancelled, deleted together: one made since the
        # parties were read is deleted too (one made after is refused and deleted by its schedule).
        gone = [event_id for event_id in cancelled.values() if event_id is not None]
        await asyncio.gather(*(self._delete_event(interaction.guild, event_id) for event_id in gone))
        await self._show_plan(interaction.guild, party.series_id)
        drama = await self.bot.dramas.get(party.drama_slug, interaction.guild.id)
        title = drama.title if drama else party.drama_slug
        labels = ", ".join(p.episodes_label for p in targets if p.id in cancelled)
        await interaction.followup.send(
            f"Cancelled {render.parties(len(cancelled))} of **{title}** ({labels}).",
            ephemeral=True,
        )

    async def _show_plan(self, guild: discord.Guild, series_id: int) -> None:
        """Show a series' parties as they are now (a cancelled one struck through) on its announcement."""
        parties = await self.store.parties_of(series_id)
        if not parties or parties[0].announcement_id is None:
            return
        channel = self.bot.get_partial_messageable(parties[0].text_channel_id, guild_id=guild.id)
        await self._redraw_plan(channel.get_partial_message(parties[0].announcement_id), parties)

    async def _redraw_plan(self, message: discord.Message | discord.PartialMessage, parties: list[Party]) -> None:
        """Edit an announcement of the series to show ``parties`` (as stored now) and who is going."""
        first = parties[0]
        drama = await self.bot.dramas.get(first.drama_slug, first.guild_id)
        if drama is None:
            return
        going = await self.store.series_member_count(first.series_id)
        try:
            await message.edit(embed=render.plan_embed(drama, parties, going=going))
        except discord.HTTPException as error:  # deleted, or the bot lost access to the channel
            log.info("Could not update the announcement of series %s: %s", first.series_id, error)

    @app_commands.command(name="export", description="Download the upcoming watch parties as a calendar file")
    @app_commands.rename(drama="title")
    @app_commands.describe(drama="Only this drama's parties (default: all)")
    async def export(self, interaction: Interaction, drama: PrivateDramaOption | None = None) -> None:
        assert interaction.guild is not None
        slug = drama.slug if drama is not None else None
        now = discord.utils.utcnow()
        parties = await self.store.upcoming(interaction.guild.id, now, drama_slug=slug, limit=5000)
        if not parties:
            raise UserError("There are no upcoming watch parties to export.")
        dramas = {
            slug: await self.bot.dramas.get(slug, interaction.guild.id) for slug in {p.drama_slug for p in parties}
        }
        data = parties_calendar(
            parties,
            lambda p: dramas[p.drama_slug],
            server_name=interaction.guild.name,
            now=now,
        )
        file = discord.File(io.BytesIO(data), filename=f"watch-parties{'-' + slug if slug else ''}.ics")
        await answer(
            interaction,
            f"{render.parties(len(parties))} coming up; open the file to add them to your calendar.",
            file=file,
            ephemeral=True,
        )

    # -- RSVPs -------------------------------------------------------------------------------

    async def rsvp(self, interaction: Interaction, series_id: int, *, join: bool) -> None:
        parties = await self.store.parties_of(series_id)
        now = discord.utils.utcnow()
        upcoming = [p for p in parties if not p.cancelled and p.ends_at > now]
        if not parties or parties[0].guild_id != interaction.guild_id:
            await interaction.response.send_message("This watch party no longer exists.", ephemeral=True)
            return
        if join and not upcoming:
            await interaction.response.send_message(
                "Every party of this series is over or cancelled, so there is nothing to join.", ephemeral=True
            )
            return
        if join:
            changed = await self.store.join(series_id, interaction.user.id, now)
            text = (
                f"You're going! I'll remind you before each of the {len(upcoming)} upcoming parties."
                if changed
                else "You've already joined this series."
            )
        else:
            changed = await self.store.leave(series_id, interaction.user.id)
            text = "You've left this series; no more reminders." if changed else "You hadn't joined this series."
        await interaction.response.send_message(text, ephemeral=True)
        if changed and interaction.message is not None:
            await self._redraw_plan(interaction.message, parties)

    async def _refresh_interest(self, guild: discord.Guild, party: Party) -> None:
        """Read who marked the party's Discord event "Interested" (no privileged intent needed)."""
        if party.event_id is None:
            return
        try:
            event = guild.get_scheduled_event(party.event_id) or await guild.fetch_scheduled_event(party.event_id)
            users = [user.id async for user in event.users(limit=None)]
        except discord.HTTPException as error:
            log.info("Could not read interest in event %s: %s", party.event_id, error)
            return
        await self.store.set_interest(party.id, users)

    async def _delete_event(self, guild: discord.Guild, event_id: int) -> None:
        event = guild.get_scheduled_event(event_id)
        try:
            if event is None:
                event = await guild.fetch_scheduled_event(event_id)
            await event.delete()
        except discord.NotFound:
            pass  # someone deleted it in Discord already
        except discord.HTTPException as error:
            log.warning("Could not delete scheduled event %s: %s", event_id, error)

    # -- reminders ---------------------------------------------------------------------------

    async def _send_notices(self) -> datetime | None:
        await self.deliver_due(discord.utils.utcnow())
        return await self.store.next_notice_at()

    async def deliver_due(self, now: datetime) -> None:
        for notice in await self.store.due(now):
            await self._deliver(notice, now)

    async def _deliver(self, notice: DueNotice, now: datetime) -> None:
        party = notice.party
        if now >= too_late(notice):
            await self.store.claim(party.id, notice.kind, "skipped")
            log.info("Skipped the %s of party %s: the bot was away until it was too late", notice.kind, party.id)
            return
        if not await self.store.claim(party.id, notice.kind, "sent"):
            return  # another pass already sent it
        if notice.kind is Notice.RATING:
            self.bot.dispatch("watch_party_ended", party)  # the ratings area asks for scores
            return
        drama = await self.bot.dramas.get(party.drama_slug, party.guild_id)
        guild = self.bot.get_guild(party.guild_id)
        try:
            channel = self.bot.get_channel(party.text_channel_id) or await self.bot.fetch_channel(party.text_channel_id)
            if not isinstance(channel, discord.abc.Messageable):
                return
            if notice.kind is Notice.REMINDER:
                if guild is not None:
                    await self._refresh_interest(guild, party)
                going = (await self.store.attendees(party))[: render.MENTION_LIMIT]
                await channel.send(
                    render.reminder_text(drama, party, going),
                    allowed_mentions=discord.AllowedMentions(users=[discord.Object(u) for u in going]),
                )
            else:
                await channel.send(render.start_text(drama, party))
        except discord.HTTPException as error:
            log.warning("Could not post the %s of party %s: %s", notice.kind, party.id, error)


def too_late(notice: DueNotice) -> datetime:
    """A reminder is pointless once the party started, a start notice once it ended, and a
    request for scores a day after it ended."""
    party = notice.party
    if notice.kind is Notice.REMINDER:
        return party.starts_at
    if notice.kind is Notice.START:
        return party.ends_at
    return party.ends_at + RATING_PROMPT_GRACE


async def setup(bot: DramaClub) -> None:
    await bot.add_cog(WatchPartyCog(bot))
