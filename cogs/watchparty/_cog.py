"""Watch parties: `/watchparty schedule|list|cancel|export`, RSVP buttons and reminders."""

from __future__ import annotations

import asyncio
import io
import logging
from datetime import datetime, timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.calendar_export import parties_calendar
from bot.client import DramaClub, Interaction
from bot.drama import Drama
from bot.errors import UserError
from bot.parties import DueNotice, Notice, Party, PartyStore
from bot.planning import Existing, PlanRequest
from bot.times import zone
from cogs._checks import host
from cogs._loops import DueLoop
from cogs._options import DramaOption, PrivateDramaOption, TimezoneOption, answer
from cogs.watchparty import _render as render
from cogs.watchparty._calendar import RsvpButton
from cogs.watchparty._options import PartyOption

log = logging.getLogger(__name__)

LIST_LIMIT = 10
RATING_PROMPT_GRACE = timedelta(days=1)
IDLE_SLEEP = 30 * 86400.0  # the longest the reminder loop sleeps: a new plan due sooner wakes it


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
        self._converged = False
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(RsvpButton)
        self.bot.planner.on_added.append(self._wake_for)
        self._notices.start()

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(RsvpButton)
        self.bot.planner.on_added.remove(self._wake_for)
        self._notices.stop()

    def _wake_for(self, drama: Drama, parties: list[Party]) -> None:
        """New parties: their first reminder may be due before the loop's next look."""
        self._notices.wake(min(p.remind_at for p in parties))

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
        existing="If the drama already has upcoming parties: replace them, or keep them beside a second series",
    )
    @host()
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
        existing: Existing | None = None,
    ) -> None:
        assert interaction.guild_id is not None and interaction.channel_id is not None
        request = PlanRequest(
            drama=drama,
            start=start,
            timezone=timezone or zone(await self.bot.default_timezone(interaction.guild_id)),
            guild_id=interaction.guild_id,
            host_id=interaction.user.id,
            text_channel_id=interaction.channel_id,
            voice_channel_id=channel.id if channel is not None else None,
            location=location,
            episodes_per_party=episodes_per_party,
            remind_minutes=remind,
            existing=existing,
        )
        await self.bot.planner.plan(interaction, request, discord.utils.utcnow())

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
    @host()
    async def cancel(self, interaction: Interaction, party: PartyOption, series: bool = False) -> None:
        assert interaction.guild is not None
        if party.cancelled:
            raise UserError("That party was already cancelled.")
        targets = [party]
        if series:
            targets = [
                p for p in await self.store.parties_of(party.series_id) if p.number >= party.number and not p.cancelled
            ]
        await interaction.response.defer(ephemeral=True, thinking=True)
        cancelled = await self.bot.planner.cancel(targets, discord.utils.utcnow(), by=interaction.user.id)
        if not cancelled:
            raise UserError("That party was already cancelled.")
        drama = await self.bot.dramas.get(party.drama_slug, interaction.guild.id)
        title = drama.title if drama else party.drama_slug
        labels = ", ".join(p.episodes_label for p in cancelled)
        await interaction.followup.send(
            f"Cancelled {render.parties(len(cancelled))} of **{title}** ({labels}).",
            ephemeral=True,
        )
        await self._tell_members(party, render.cancelled_text(title, labels, interaction.user.id))

    async def _tell_members(self, party: Party, text: str) -> None:
        """Tell the members who joined the series, once, in a reply to its announcement."""
        going = (await self.store.series_members(party.series_id))[: render.MENTION_LIMIT]
        if not going or party.announcement_id is None:
            return
        channel = self.bot.get_partial_messageable(party.text_channel_id, guild_id=party.guild_id)
        try:
            await channel.get_partial_message(party.announcement_id).reply(
                f"{text}\n{render.mention_list(going)}",
                allowed_mentions=discord.AllowedMentions(users=[discord.Object(u) for u in going]),
                mention_author=False,
            )
        except discord.HTTPException as error:
            log.warning("Could not tell the members of series %s: %s", party.series_id, error)

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

    # -- reminders ---------------------------------------------------------------------------

    async def _send_notices(self) -> datetime | None:
        if not self._converged:  # the first look after a start: what a stopped run left half-done
            await self.bot.planner.converge(discord.utils.utcnow())
            for notice in await self.store.unposted(discord.utils.utcnow()):
                await self._post(notice, find_first=True)
            self._converged = True
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
            for listener in self.bot.planner.on_ended:
                await listener(party)
            return
        await self._post(notice)

    async def _post(self, notice: DueNotice, *, find_first: bool = False) -> None:
        """Post a claimed reminder or start notice and record its message; ``find_first`` (at a
        start) adopts the one a stopped run posted before it could record it."""
        party = notice.party
        drama = await self.bot.dramas.get(party.drama_slug, party.guild_id)
        guild = self.bot.get_guild(party.guild_id)
        try:
            channel = self.bot.get_channel(party.text_channel_id) or await self.bot.fetch_channel(party.text_channel_id)
            if not isinstance(channel, discord.abc.Messageable):
                return
            if find_first and (found := await self._posted_before(channel, notice, drama)) is not None:
                await self.store.posted(party.id, notice.kind, found)
                return
            if notice.kind is Notice.REMINDER:
                if guild is not None:
                    await self._refresh_interest(guild, party)
                going = (await self.store.attendees(party))[: render.MENTION_LIMIT]
                message = await channel.send(
                    render.reminder_text(drama, party, going),
                    allowed_mentions=discord.AllowedMentions(users=[discord.Object(u) for u in going]),
                )
            else:
                message = await channel.send(render.start_text(drama, party))
        except discord.HTTPException as error:
            log.warning("Could not post the %s of party %s: %s", notice.kind, party.id, error)
            return
        await self.store.posted(party.id, notice.kind, message.id)

    async def _posted_before(
        self, channel: discord.abc.Messageable, notice: DueNotice, drama: Drama | None
    ) -> int | None:
        """The notice's message, if a stopped run posted it: the bot's, after the notice was due."""
        party = notice.party
        due = party.remind_at if notice.kind is Notice.REMINDER else party.starts_at
        opening = render.notice_opening(drama, party, notice.kind is Notice.REMINDER)
        async for message in channel.history(limit=50, after=due - timedelta(minutes=1)):
            if (
                self.bot.user is not None
                and message.author.id == self.bot.user.id
                and message.content.startswith(opening)
            ):
                return message.id
        return None


def too_late(notice: DueNotice) -> datetime:
    """A reminder is pointless once the party started, a start notice once it ended, and a
    request for scores a day after it ended."""
    party = notice.party
    if notice.kind is Notice.REMINDER:
        return party.starts_at
    if notice.kind is Notice.START:
        return party.ends_at
    return party.ends_at + RATING_PROMPT_GRACE
