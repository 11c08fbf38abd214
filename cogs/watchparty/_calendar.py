"""Discord's side of planning (:class:`bot.planning.Calendar`): a server's scheduled events and a
plan's announcement with its Join and Leave buttons."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot.drama import Drama
from bot.parties import Party, PartyStore
from bot.planning import EventsRefused, Planned
from bot.servers import ServerStore, country_name
from cogs import _render as common
from cogs._items import ClubItem
from cogs._options import answer
from cogs.watchparty import _render as render

if TYPE_CHECKING:
    from bot.client import DramaClub, Interaction

log = logging.getLogger(__name__)

MISSING_EVENTS_PERMISSION = (
    "I saved the parties and will remind everyone, but Discord refused to create the scheduled events "
    "because my role lacks the **Manage Events** permission. Grant it in Server Settings → Roles, "
    "then run the same `/watchparty schedule` again: it adds the missing events and nothing twice."
)


class RsvpButton(ClubItem[discord.ui.Button[Any]], template=r"watchparty:(?P<action>join|leave):(?P<series>\d+)"):
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
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RsvpButton:
        return cls(match["action"], int(match["series"]))

    async def act(self, interaction: Interaction) -> None:
        store = PartyStore(interaction.client.storage)
        parties = await store.parties_of(self.series_id)
        now = discord.utils.utcnow()
        upcoming = [p for p in parties if not p.cancelled and p.ends_at > now]
        if not parties or parties[0].guild_id != interaction.guild_id:
            await interaction.response.send_message("This watch party no longer exists.", ephemeral=True)
            return
        join = self.action == "join"
        if join and not upcoming:
            await interaction.response.send_message(
                "Every party of this series is over or cancelled, so there is nothing to join.", ephemeral=True
            )
            return
        if join:
            changed = await store.join(self.series_id, interaction.user.id, now)
            text = (
                f"You're going! I'll remind you before each of the {len(upcoming)} upcoming parties."
                if changed
                else "You've already joined this series."
            )
        else:
            changed = await store.leave(self.series_id, interaction.user.id)
            text = "You've left this series; no more reminders." if changed else "You hadn't joined this series."
        await interaction.response.send_message(text, ephemeral=True)
        if changed and interaction.message is not None:
            await DiscordCalendar(interaction.client).redraw(interaction.message, parties)


def rsvp_view(series_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(RsvpButton("join", series_id))
    view.add_item(RsvpButton("leave", series_id))
    return view


class DiscordCalendar:
    def __init__(self, bot: DramaClub) -> None:
        self.bot = bot
        self.store = PartyStore(bot.storage)

    def serves(self, guild_id: int) -> bool:
        return self.bot.get_guild(guild_id) is not None

    async def events_taken(self, guild_id: int) -> int:
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            return 0
        active = (discord.EventStatus.scheduled, discord.EventStatus.active)
        return sum(event.status in active for event in guild.scheduled_events)

    async def announce(self, reply: Interaction, planned: Planned) -> int | None:
        return await answer(
            reply,
            render.plan_headline(planned, await self._where(planned)),
            embed=render.plan_embed(planned.drama, planned.parties, going=planned.going),
            view=rsvp_view(planned.series_id),
        )

    async def post_plan(self, planned: Planned) -> int | None:
        first = planned.parties[0]
        channel = self.bot.get_channel(first.text_channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return None
        try:
            message = await channel.send(
                render.plan_headline(planned, await self._where(planned)),
                embed=render.plan_embed(planned.drama, planned.parties, going=planned.going),
                view=rsvp_view(planned.series_id),
            )
        except discord.HTTPException as error:
            log.warning("Could not post the announcement of series %s: %s", planned.series_id, error)
            return None
        return message.id

    async def find_plan(self, parties: Sequence[Party]) -> int | None:
        first = parties[0]
        channel = self.bot.get_channel(first.text_channel_id)
        if not isinstance(channel, discord.abc.Messageable) or self.bot.user is None:
            return None
        join = f"watchparty:join:{first.series_id}"
        try:
            async for message in channel.history(limit=100):
                if message.author.id == self.bot.user.id and join in _custom_ids(message):
                    return message.id
        except discord.HTTPException as error:
            log.warning("Could not look for the announcement of series %s: %s", first.series_id, error)
        return None

    async def find_event(self, drama: Drama, party: Party) -> int | None:
        guild = self.bot.get_guild(party.guild_id)
        if guild is None or self.bot.user is None:
            return None
        name = render.party_name(drama, party.episodes_label)
        for event in guild.scheduled_events:
            if event.creator_id == self.bot.user.id and event.name == name and event.start_time == party.starts_at:
                return event.id
        return None

    async def _where(self, planned: Planned) -> str | None:
        """Where the drama streams in the server's country, if it set one (from stored data: the
        host's answer does not wait on TMDB)."""
        guild_id = planned.parties[0].guild_id
        region = (await ServerStore(self.bot.storage).of(guild_id)).region
        if region is None:
            return None
        watch = await self.bot.dramas.watch(planned.drama, discord.utils.utcnow(), ask=False)
        name = country_name(region)
        return f"📺 Where to watch ({name}): {common.watch_line(watch, region, name)} *{common.JUSTWATCH}*"

    async def events_refused(self, reply: Interaction) -> None:
        await reply.followup.send(MISSING_EVENTS_PERMISSION, ephemeral=True)

    async def create_event(self, drama: Drama, party: Party) -> int:
        guild = self.bot.get_guild(party.guild_id)
        if guild is None:
            raise LookupError(f"the bot is no longer in server {party.guild_id}")
        channel = guild.get_channel(party.voice_channel_id) if party.voice_channel_id else None
        title = drama.display_title
        description = f"{title}: {party.episodes_label}. RSVP with the Join button in <#{party.text_channel_id}>."
        options: dict[str, Any] = {
            "name": render.party_name(drama, party.episodes_label),
            "description": common.clip(description, 1000),
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
        try:
            event = await guild.create_scheduled_event(**options)
        except discord.Forbidden as error:
            raise EventsRefused() from error
        return event.id

    async def move_event(self, drama: Drama, party: Party) -> None:
        guild = self.bot.get_guild(party.guild_id)
        if guild is None or party.event_id is None:
            return
        try:
            event = guild.get_scheduled_event(party.event_id) or await guild.fetch_scheduled_event(party.event_id)
            await event.edit(start_time=party.starts_at, end_time=party.ends_at)
        except discord.HTTPException as error:
            log.warning("Could not move scheduled event %s: %s", party.event_id, error)

    async def tell(self, channel_id: int, text: str) -> None:
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return
        try:
            await channel.send(common.clip(text, 2000))
        except discord.HTTPException as error:
            log.warning("Could not tell channel %s of a plan's change: %s", channel_id, error)

    async def delete_event(self, guild_id: int, event_id: int) -> None:
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            return
        event = guild.get_scheduled_event(event_id)
        try:
            if event is None:
                event = await guild.fetch_scheduled_event(event_id)
            await event.delete()
        except discord.NotFound:
            pass  # someone deleted it in Discord already
        except discord.HTTPException as error:
            log.warning("Could not delete scheduled event %s: %s", event_id, error)

    async def show_plan(self, series_id: int) -> None:
        parties = await self.store.parties_of(series_id)
        announcement_id = parties[0].announcement_id if parties else None
        if announcement_id is None:
            return
        first = parties[0]
        channel = self.bot.get_partial_messageable(first.text_channel_id, guild_id=first.guild_id)
        await self.redraw(channel.get_partial_message(announcement_id), parties)

    async def redraw(self, message: discord.Message | discord.PartialMessage, parties: list[Party]) -> None:
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


def _custom_ids(message: discord.Message) -> set[str]:
    """The custom ids of a message's buttons."""
    return {
        child.custom_id
        for row in message.components
        if isinstance(row, discord.ActionRow)
        for child in row.children
        if isinstance(child, discord.Button) and child.custom_id is not None
    }
