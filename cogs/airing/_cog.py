"""Following dramas while they air: `/follow add|list`, `/unfollow`, `/airing`, each episode's
announcement with its discussion thread, and a daily look at TMDB for newly dated episodes.

Discord does not let `/follow` be a command and a group at once, so following is `/follow add`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import DramaClub, Interaction
from bot.drama import TMDB_PREFIX, Drama
from bot.errors import UserError
from bot.follows import (
    DEFAULT_AIR_TIME,
    DEFAULT_AIR_ZONE,
    LATE_LIMIT,
    Announcement,
    Follow,
    FollowStore,
    parse_air_time,
    still_airs,
)
from bot.parties import Party
from bot.times import zone
from bot.tmdb import TmdbNotFound, TmdbUnavailable
from bot.tmdb_answers import tmdb_id_of
from cogs import _render as common
from cogs._checks import host
from cogs._loops import DueLoop
from cogs._options import DramaOption, DramaTransformer, TimezoneOption, answer, dramas_of
from cogs.airing import _render as render

log = logging.getLogger(__name__)

IDLE_SLEEP = 30 * 86400.0  # the longest either loop sleeps: a new follow (or plan) wakes them
REFRESH_EVERY = timedelta(days=1)  # how often followed (and planned) dramas that still air are fetched again
RETRY_FAILED = timedelta(hours=1)  # how soon a fetch TMDB failed is tried again
LATE_AFTER = timedelta(minutes=5)  # an announcement posted later than this says when the episode aired
MAX_DAYS = 30


async def followed(interaction: Interaction) -> list[Drama]:
    """The dramas this server follows: what `/unfollow` offers."""
    assert interaction.guild_id is not None
    follows = await FollowStore(interaction.client.storage).of_server(interaction.guild_id)
    return await dramas_of(interaction, (f.drama_slug for f in follows))


FollowedDrama = app_commands.Transform[Drama, DramaTransformer(offer=followed)]


class AiringCog(commands.Cog, name="Airing"):
    follow = app_commands.Group(name="follow", description="Follow a drama while it airs", guild_only=True)

    def __init__(self, bot: DramaClub) -> None:
        self.bot = bot
        self.store = FollowStore(bot.storage)
        self._announcements = DueLoop(bot, "episode-announcements", self._announce_due, idle=IDLE_SLEEP)
        self._refresh = DueLoop(bot, "airing-refresh", self._refresh_due, idle=IDLE_SLEEP)
        self._retry_at: dict[int, datetime] = {}
        self._unposted_checked = False  # TMDB ids whose fetch failed: when to try again

    async def cog_load(self) -> None:
        self._announcements.start()
        self.bot.planner.on_added.append(self._planned)
        if self.bot.dramas.tmdb is not None:
            self.bot.dramas.tmdb.on_fetched.append(self._fetched)
            self._refresh.start()

    async def cog_unload(self) -> None:
        self.bot.planner.on_added.remove(self._planned)
        if self.bot.dramas.tmdb is not None:
            self.bot.dramas.tmdb.on_fetched.remove(self._fetched)
        self._announcements.stop()
        self._refresh.stop()

    def _fetched(self, drama: Drama) -> None:
        """New data about a drama that airs (a member looked at it): follows and plans take it now."""
        if drama.airing:
            self._refresh.wake(discord.utils.utcnow())

    def _planned(self, drama: Drama, parties: list[Party]) -> None:
        """A plan of a drama that airs grows as TMDB dates its episodes: look at it daily."""
        if drama.airing:
            self._refresh.wake(discord.utils.utcnow())

    # -- /follow add, /follow list, /unfollow ------------------------------------------------

    @follow.command(name="add", description="Announce each new episode of a drama, with a thread to talk")
    @app_commands.rename(drama="title", at="time")
    @app_commands.describe(
        drama="The drama to follow",
        channel="Where to announce (default: here)",
        at=f'The local time its episodes air, as "HH:MM" (default {DEFAULT_AIR_TIME})',
        timezone=f"The time zone of that time (default {DEFAULT_AIR_ZONE})",
        role="A role to ping with each announcement",
    )
    @host()
    async def follow_add(
        self,
        interaction: Interaction,
        drama: DramaOption,
        channel: discord.TextChannel | None = None,
        at: app_commands.Range[str, 1, 10] = DEFAULT_AIR_TIME,
        timezone: TimezoneOption | None = None,
        role: discord.Role | None = None,
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        air_time = parse_air_time(at)
        tz = timezone or zone(DEFAULT_AIR_ZONE)
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel):
            raise UserError("Episodes are announced in a text channel: pick one with `channel`.")
        perms = target.permissions_for(guild.me)
        if not (perms.view_channel and perms.send_messages):
            raise UserError(
                f"I can't post in {target.mention}: give my role **View Channel** and **Send Messages** there, "
                "or pick another channel. Nothing was saved."
            )
        existing = await self.store.of(guild.id, drama.slug)
        if existing is not None:
            raise UserError(
                f"This server already follows **{drama.display_title}** in <#{existing.channel_id}>. "
                "To change how, `/unfollow` it and follow it again."
            )
        now = discord.utils.utcnow()
        if not still_airs(drama, now, air_time, tz):
            raise UserError(
                f"**{drama.display_title}** has ended: there is nothing left to announce. "
                "To watch it together, plan parties with `/watchparty schedule`."
            )
        spec = Follow(
            0,
            guild.id,
            drama.slug,
            target.id,
            air_time.strftime("%H:%M"),
            tz.key,
            role.id if role else None,
            interaction.user.id,
            None,
        )
        stored = await self.store.add(spec, drama, now)
        if stored is None:
            raise UserError(f"This server already follows **{drama.display_title}**.")
        coming = await self.store.next_of(stored.id, now)
        if coming is not None:
            self._announcements.wake(coming.airs_at)
        self._refresh.wake(discord.utils.utcnow())
        notes = []
        if not perms.create_public_threads:
            notes.append(
                f"I can't open threads in {target.mention}: give my role **Create Public Threads** there, "
                "or the announcements come without one."
            )
        if role is not None and not role.mentionable and not perms.mention_everyone:
            notes.append(
                f"{role.mention} can't be pinged by me: make it mentionable, or give my role **Mention All Roles**."
            )
        await answer(interaction, render.follow_started(drama, stored, coming), ephemeral=False)
        if notes:
            await interaction.followup.send("\n".join(notes), ephemeral=True)

    @follow.command(name="list", description="The dramas this server follows, with each one's next episode")
    async def follow_list(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        now = discord.utils.utcnow()
        lines = []
        for follow in await self.store.of_server(interaction.guild_id):
            drama = await self.bot.dramas.get(follow.drama_slug, follow.guild_id)
            coming = await self.store.next_of(follow.id, now)
            problem = follow.problem if follow.created_by == interaction.user.id else None
            lines.append(render.follow_line(drama, follow, coming, problem))
        if not lines:
            raise UserError("This server follows no drama yet. Follow one that airs with `/follow add`.")
        await interaction.response.send_message(embed=render.follow_list_embed(lines), ephemeral=True)

    @app_commands.command(name="unfollow", description="Stop announcing a drama's episodes")
    @app_commands.rename(drama="title")
    @app_commands.describe(drama="The drama to stop following")
    @app_commands.guild_only()
    @host()
    async def unfollow(self, interaction: Interaction, drama: FollowedDrama) -> None:
        assert interaction.guild_id is not None
        follow = await self.store.of(interaction.guild_id, drama.slug)
        if follow is None or not await self.store.remove(follow.id):
            raise UserError(f"This server doesn't follow **{drama.display_title}**. `/follow list` shows what it does.")
        await answer(
            interaction, f"Stopped following **{drama.display_title}**. Its episode threads stay.", ephemeral=False
        )

    @app_commands.command(name="airing", description="The followed dramas' episodes that air in the coming days")
    @app_commands.describe(days=f"How many days ahead (1-{MAX_DAYS}, default 7)")
    @app_commands.guild_only()
    async def airing(self, interaction: Interaction, days: app_commands.Range[int, 1, MAX_DAYS] = 7) -> None:
        assert interaction.guild_id is not None
        now = discord.utils.utcnow()
        coming = await self.store.upcoming(interaction.guild_id, now, now + timedelta(days=days))
        follows = await self.store.of_server(interaction.guild_id)
        if not follows:
            raise UserError("This server follows no drama yet. Follow one that airs with `/follow add`.")
        # the followed dramas with nothing in these days: their next date further on, or none yet
        quiet = [f for f in follows if f.drama_slug not in {a.follow.drama_slug for a in coming}]
        later = [(f, await self.store.next_of(f.id, now)) for f in quiet]
        titles = {f.drama_slug: await self.bot.dramas.get(f.drama_slug, f.guild_id) for f in follows}
        await interaction.response.send_message(embed=render.airing_embed(coming, titles, days, later))

    # -- announcements -----------------------------------------------------------------------

    async def _announce_due(self) -> datetime | None:
        """Announce what is due; returns when the next announcement is."""
        now = discord.utils.utcnow()
        if not self._unposted_checked:  # the first look after a start: what a stopped run left half-done
            for announcement in await self.store.unposted(now):
                await self._post(announcement, now, find_first=True)
            self._unposted_checked = True
        for announcement in await self.store.due(now):
            await self.announce(announcement, now)
        return await self.store.next_due_at()

    async def announce(self, announcement: Announcement, now: datetime) -> None:
        """Post one episode's announcement and open its thread, at most once. One missed while
        the bot was down is posted up to :data:`LATE_LIMIT` late, and skipped after that."""
        follow = announcement.follow
        if now - announcement.airs_at > LATE_LIMIT:
            await self.store.claim(announcement, "skipped")
            log.info("Skipped episode %s of %s: the bot was away too long", announcement.episode, follow.drama_slug)
            return
        if not await self.store.claim(announcement, "sent"):
            return
        await self._post(announcement, now)

    async def _post(self, announcement: Announcement, now: datetime, *, find_first: bool = False) -> None:
        """Post a claimed announcement, open its thread and record its message; ``find_first`` (at
        a start) adopts the message a stopped run posted, and opens its thread if it has none."""
        follow = announcement.follow
        drama = await self.bot.dramas.get(follow.drama_slug, follow.guild_id)
        guild = self.bot.get_guild(follow.guild_id)
        channel = guild.get_channel(follow.channel_id) if guild is not None else None
        what = f"Episode {announcement.episode} ({common.plain_date(announcement.airs_at.date())})"
        if drama is None or guild is None or not isinstance(channel, discord.TextChannel):
            log.warning("Could not announce %s of %s: the channel is gone", what, follow.drama_slug)
            await self.store.note_problem(follow.id, f"{what} was not announced: its channel is gone.")
            return
        perms = channel.permissions_for(guild.me)
        if not (perms.view_channel and perms.send_messages):
            log.warning("Could not announce %s of %s in channel %s: no permission", what, drama.slug, channel.id)
            await self.store.note_problem(
                follow.id, f"{what} was not announced: I lack **Send Messages** in {channel.mention}."
            )
            return
        mentions = discord.AllowedMentions(roles=[discord.Object(follow.role_id)] if follow.role_id else False)
        message = await self._posted_before(channel, announcement, drama) if find_first else None
        try:
            if message is None:
                message = await channel.send(
                    render.episode_announcement(
                        drama,
                        announcement,
                        follow.role_id,
                        threads=perms.create_public_threads,
                        late=now - announcement.airs_at > LATE_AFTER,
                    ),
                    allowed_mentions=mentions,
                )
        except discord.HTTPException as error:
            log.warning("Could not announce %s of %s: %s", what, drama.slug, error)
            await self.store.note_problem(follow.id, f"{what} was not announced: Discord refused ({error.status}).")
            return
        problem: str | None = None
        if find_first and channel.get_thread(message.id) is not None:
            pass  # the thread was opened before the bot stopped
        elif not perms.create_public_threads:
            problem = f"{what} had no thread: I lack **Create Public Threads** in {channel.mention}."
            log.warning("No thread for %s of %s in channel %s: no permission", what, drama.slug, channel.id)
        else:
            try:
                await message.create_thread(name=render.thread_name(drama, announcement.episode))
            except discord.HTTPException as error:
                problem = f"{what} had no thread: Discord refused ({error.status})."
                log.warning("Could not open the thread for %s of %s: %s", what, drama.slug, error)
        await self.store.posted(announcement, message.id)
        await self.store.note_problem(follow.id, problem)
        if announcement.last:
            await self.store.remove(follow.id)
            log.info("%s has ended: server %s no longer follows it", drama.slug, follow.guild_id)

    async def _posted_before(
        self, channel: discord.TextChannel, announcement: Announcement, drama: Drama
    ) -> discord.Message | None:
        """The announcement's message, if a stopped run posted it: the bot's, from its air time on."""
        opening = render.announcement_opening(drama, announcement)
        me = self.bot.user.id if self.bot.user is not None else None
        async for message in channel.history(limit=50, after=announcement.airs_at - timedelta(minutes=1)):
            if message.author.id == me and opening in message.content:
                return message
        return None

    # -- TMDB's new dates ---------------------------------------------------------------------

    async def _refresh_due(self) -> datetime | None:
        """Fetch again each followed or planned TMDB drama that airs once its stored data is a day
        old, and carry what TMDB says into the follows and the plans; returns when the oldest
        data next comes due. Due from the data's stored age: restarts neither skip nor repeat it."""
        tmdb = self.bot.dramas.tmdb
        assert tmdb is not None
        now = discord.utils.utcnow()
        follows = await self.store.every()
        slugs = {f.drama_slug for f in follows} | set(await self.bot.planner.store.planned_dramas(TMDB_PREFIX))
        next_at: datetime | None = None
        for slug in sorted(slugs):
            tmdb_id = tmdb_id_of(slug)
            if tmdb_id is None:
                continue  # a curated drama: its dates are the file's
            drama = await tmdb.stored(tmdb_id)
            followed = [f for f in follows if f.drama_slug == slug]
            if drama is not None and not drama.airing and not followed:
                continue  # a planned drama that has ended: nothing more to date
            due = drama.fetched_at + REFRESH_EVERY if drama is not None and drama.fetched_at else now
            if due <= now and now >= self._retry_at.get(tmdb_id, now):
                try:
                    drama = await tmdb.fetch(tmdb_id, now)
                    self._retry_at.pop(tmdb_id, None)
                    due = now + REFRESH_EVERY
                except (TmdbUnavailable, TmdbNotFound) as error:
                    log.warning("Could not fetch %s again for its new episodes: %s", slug, error)
                    self._retry_at[tmdb_id] = due = now + RETRY_FAILED
            elif tmdb_id in self._retry_at:
                due = self._retry_at[tmdb_id]
            if drama is not None:
                await self._update_follows(followed, drama, now)
                await self.bot.planner.follow_dates(drama, now)
                await self.bot.planner.grow(drama)
            next_at = due if next_at is None else min(next_at, due)
        coming = await self.store.next_due_at()
        if coming is not None:
            self._announcements.wake(coming)
        return next_at

    async def _update_follows(self, follows: list[Follow], drama: Drama, now: datetime) -> None:
        for follow in follows:
            synced = await self.store.sync(follow, drama, now)
            notice = render.schedule_change(drama, follow, synced)
            if notice is not None:
                await self.bot.planner.calendar.tell(follow.channel_id, notice)
            if synced.pending == 0 and not drama.airing:
                await self.store.remove(follow.id)
                log.info("%s has ended: server %s no longer follows it", drama.slug, follow.guild_id)
