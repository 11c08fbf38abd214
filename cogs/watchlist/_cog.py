"""Choosing the next drama together: `/suggest`, `/watchlist show|remove|history`, and `/pick`,
which puts the most supported suggestions to a native Discord poll and announces the winner.

Discord does not let `/watchlist` be a command and a group at once, so the list is `/watchlist show`.
A poll's result is read from Discord at its end time (also after a restart), or at once when a host
ends it early with `/pick end:True`; :meth:`Watchlist.close` records it once, so it is announced once.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ClubTree, DramaClub, Interaction
from bot.drama import Drama
from bot.errors import UserError
from bot.planning import PlanRequest
from bot.ratings import VoteStore
from bot.servers import ServerStore, country_name
from bot.times import zone
from bot.watchlist import (
    DEFAULT_CHOICES,
    MAX_CHOICES,
    MAX_HOURS,
    MAX_REASON,
    MIN_CHOICES,
    QUESTION,
    Outcome,
    Pick,
    Suggestion,
    Watchlist,
    answer_text,
    check_reason,
    history,
)
from cogs import _render as common
from cogs._checks import is_host
from cogs._items import ClubItem
from cogs._loops import DueLoop
from cogs._options import DramaOption, DramaTransformer, answer, dramas_of
from cogs._paging import send_pages
from cogs.watchlist import _render as render

log = logging.getLogger(__name__)

IDLE_SLEEP = 30 * 86400.0
RECHECK = timedelta(minutes=1)  # Discord finalises a poll shortly after its end: look again then


class PlanButton(ClubItem[discord.ui.Button[Any]], template=r"pick:plan:(?P<suggestion>\d+)"):
    """ "Plan watch parties" under a poll's winner: asks a host for the start, then plans."""

    hosts_only = "Only a host (Manage Events or Manage Server) can plan the watch parties."

    def __init__(self, suggestion_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Plan watch parties",
                emoji="📅",
                style=discord.ButtonStyle.primary,
                custom_id=f"pick:plan:{suggestion_id}",
            )
        )
        self.suggestion_id = suggestion_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PlanButton:
        return cls(int(match["suggestion"]))

    async def act(self, interaction: Interaction) -> None:
        bot = interaction.client
        suggestion = await Watchlist(bot.storage).by_id(self.suggestion_id)
        drama = await bot.dramas.get(suggestion.drama_slug, suggestion.guild_id) if suggestion else None
        if drama is None:
            raise UserError("That drama is no longer on the watchlist.")
        assert suggestion is not None
        now = discord.utils.utcnow()
        upcoming = await bot.planner.store.upcoming(suggestion.guild_id, now, drama_slug=drama.slug, limit=1)
        if upcoming:
            await interaction.response.edit_message(view=planned_view(self.suggestion_id))
            await interaction.followup.send(
                f"**{drama.display_title}** is planned already: `/watchparty list` shows its parties.", ephemeral=True
            )
            return
        zone_name = await bot.default_timezone(suggestion.guild_id)
        await interaction.response.send_modal(PlanModal(drama, zone_name, self.suggestion_id))


def planned_view(suggestion_id: int) -> discord.ui.View:
    """The Plan button once used: disabled, saying the watch parties are planned."""
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(
            label="Planned",
            emoji="✅",
            disabled=True,
            style=discord.ButtonStyle.secondary,
            custom_id=f"pick:planned:{suggestion_id}",
        )
    )
    return view


class PlanModal(discord.ui.Modal, title="Plan watch parties"):
    start: discord.ui.TextInput[PlanModal] = discord.ui.TextInput(
        label="First party (YYYY-MM-DD HH:MM)", placeholder="2027-01-09 20:00", max_length=40, custom_id="start"
    )
    timezone: discord.ui.TextInput[PlanModal] = discord.ui.TextInput(
        label="Time zone", max_length=64, custom_id="timezone"
    )

    def __init__(self, drama: Drama, default_zone: str, suggestion_id: int) -> None:
        super().__init__()
        self.drama = drama
        self.suggestion_id = suggestion_id
        self.timezone.default = default_zone

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        """The same plan `/watchparty schedule` makes, with its defaults."""
        assert interaction.guild_id is not None and interaction.channel_id is not None
        bot: DramaClub = interaction.client
        try:
            request = PlanRequest(
                drama=self.drama,
                start=self.start.value,
                timezone=zone(self.timezone.value.strip()),
                guild_id=interaction.guild_id,
                host_id=interaction.user.id,
                text_channel_id=interaction.channel_id,
            )
            await bot.planner.plan(interaction, request, discord.utils.utcnow())
            if interaction.message is not None:  # the winner's announcement: its button is used
                await interaction.message.edit(view=planned_view(self.suggestion_id))
        except Exception as error:
            await ClubTree.report(interaction, error, where="the watch-party plan of a poll's winner")


class DecideButton(ClubItem[discord.ui.Button[Any]], template=r"pick:decide:(?P<pick>\d+):(?P<suggestion>\d+)"):
    """One button per tied drama: a host's click makes it the winner."""

    hosts_only = "Only a host (Manage Events or Manage Server) can break the tie."

    def __init__(self, pick_id: int, suggestion_id: int, label: str = "Pick this") -> None:
        super().__init__(
            discord.ui.Button(
                label=common.clip(label, 80),
                style=discord.ButtonStyle.secondary,
                custom_id=f"pick:decide:{pick_id}:{suggestion_id}",
            )
        )
        self.pick_id = pick_id
        self.suggestion_id = suggestion_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> DecideButton:
        return cls(int(match["pick"]), int(match["suggestion"]))

    async def act(self, interaction: Interaction) -> None:
        bot = interaction.client
        store = Watchlist(bot.storage)
        pick = await store.pick(self.pick_id)
        decided = await store.decide(pick, self.suggestion_id, discord.utils.utcnow()) if pick else None
        if decided is None:
            raise UserError("This tie was already decided.")
        winner, dropped = decided
        await interaction.response.edit_message(view=None)
        titles = {winner.id: await bot.dramas.get(winner.drama_slug, winner.guild_id)}
        for suggestion in dropped:
            titles[suggestion.id] = await bot.dramas.get(suggestion.drama_slug, suggestion.guild_id)
        assert isinstance(interaction.channel, discord.abc.Messageable)
        await post_winner(bot, interaction.channel, winner, titles, None, dropped)


async def announce(bot: DramaClub, pick: Pick, outcome: Outcome, poll_message: discord.Message) -> None:
    """A closed poll's result, in its channel: the winner, a tie for hosts to break, or no votes."""
    titles = {s.id: await bot.dramas.get(s.drama_slug, s.guild_id) for s in [*outcome.winners, *outcome.dropped]}
    channel = poll_message.channel
    try:
        if not outcome.winners:
            await channel.send("🗳️ Nobody voted in the poll, so the watchlist stays as it was.")
            return
        if len(outcome.winners) > 1:
            view = discord.ui.View(timeout=None)
            for suggestion in outcome.winners:
                drama = titles.get(suggestion.id)
                view.add_item(DecideButton(pick.id, suggestion.id, drama.display_title if drama else "Pick this"))
            await channel.send(render.tie_text(outcome, titles), view=view)
            return
        await post_winner(bot, channel, outcome.winners[0], titles, outcome, outcome.dropped)
    except discord.HTTPException as error:
        log.warning("Could not announce the result of poll %s: %s", pick.id, error)


async def post_winner(
    bot: DramaClub,
    channel: discord.abc.Messageable,
    winner: Suggestion,
    titles: dict[int, Drama | None],
    outcome: Outcome | None,
    dropped: list[Suggestion],
) -> None:
    """The winner's card, with the button that plans its watch parties."""
    drama = titles.get(winner.id)
    if drama is None:
        await channel.send("🏆 The poll's winner is no longer in the catalog.")
        return
    stats = await VoteStore(bot.storage).stats(winner.guild_id, drama.slug)
    view = discord.ui.View(timeout=None)
    view.add_item(PlanButton(winner.id))
    await channel.send(
        render.winner_text(drama, winner, titles, outcome, dropped),
        embed=common.drama_card(drama, stats, in_server=True),
        view=view,
    )


async def listed(interaction: Interaction) -> list[Drama]:
    """The dramas on this server's watchlist: what `/watchlist remove` offers."""
    assert interaction.guild_id is not None
    suggestions = await Watchlist(interaction.client.storage).listed(interaction.guild_id)
    return await dramas_of(interaction, (s.drama_slug for s in suggestions))


ListedDrama = app_commands.Transform[Drama, DramaTransformer(offer=listed)]


class WatchlistCog(commands.Cog, name="Watchlist"):
    watchlist = app_commands.Group(name="watchlist", description="The club's watchlist", guild_only=True)

    def __init__(self, bot: DramaClub) -> None:
        self.bot = bot
        self.list = Watchlist(bot.storage)
        self.votes = VoteStore(bot.storage)
        self._ends = DueLoop(bot, "poll-results", self._close_ended, idle=IDLE_SLEEP)
        self._unposted_checked = False  # polls a previous run stored but may not have posted

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(PlanButton, DecideButton)
        self._ends.start()

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(PlanButton, DecideButton)
        self._ends.stop()

    async def _seen(self, guild_id: int) -> set[str]:
        return {w.drama_slug for w in await history(self.bot.storage, guild_id, discord.utils.utcnow())}

    # -- suggestions -------------------------------------------------------------------------

    @app_commands.command(name="suggest", description="Suggest a drama for the club to watch next")
    @app_commands.rename(drama="title")
    @app_commands.describe(drama="The drama", reason=f"Why the club should watch it (at most {MAX_REASON} characters)")
    @app_commands.guild_only()
    async def suggest(
        self, interaction: Interaction, drama: DramaOption, reason: app_commands.Range[str, 1, 1000] | None = None
    ) -> None:
        assert interaction.guild_id is not None
        why = check_reason(reason)
        suggestion, happened = await self.list.suggest(
            interaction.guild_id,
            drama.slug,
            interaction.user.id,
            why,
            discord.utils.utcnow(),
            member_name=interaction.user.display_name,
        )
        if happened == "already":
            raise UserError(f"You already support **{drama.display_title}** on the watchlist.")
        rewatch = drama.slug in await self._seen(interaction.guild_id)
        await answer(
            interaction, render.suggested_line(interaction.user.display_name, drama, suggestion, happened, rewatch)
        )

    @watchlist.command(name="show", description="The club's suggestions, most supported first")
    async def show(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        suggestions = await self.list.listed(interaction.guild_id)
        if not suggestions:
            raise UserError("The watchlist is empty. Suggest a drama with `/suggest`.")
        seen = await self._seen(interaction.guild_id)
        dramas = {s.drama_slug: await self.bot.dramas.get(s.drama_slug, s.guild_id) for s in suggestions}
        now = discord.utils.utcnow()
        await send_pages(interaction, render.watchlist_pages(suggestions, dramas, seen, now))

    @watchlist.command(name="remove", description="Take a suggestion off the watchlist (yours, or any for hosts)")
    @app_commands.rename(drama="title")
    @app_commands.describe(drama="The suggested drama")
    async def remove(self, interaction: Interaction, drama: ListedDrama) -> None:
        assert interaction.guild_id is not None
        suggestion = await self.list.of(interaction.guild_id, drama.slug)
        if suggestion is None:
            raise UserError(f"**{drama.display_title}** is not on the watchlist. `/watchlist show` lists it.")
        if suggestion.suggested_by != interaction.user.id and not is_host(interaction):
            raise UserError(
                "Only the member who suggested it, or a host (Manage Events or Manage Server), can remove it."
            )
        if (poll := await self.list.poll_holding(suggestion.id)) is not None:
            closes = discord.utils.format_dt(poll.ends_at, "R")
            raise UserError(
                f"**{drama.display_title}** is in the poll that is open now, and its votes count until the poll "
                f"closes {closes}. Remove it after that."
            )
        await self.list.remove(suggestion.id)
        await answer(interaction, f"Removed **{drama.display_title}** from the watchlist.", ephemeral=True)

    @watchlist.command(name="history", description="What the club watched together or rated, newest first")
    async def history(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        watched = await history(self.bot.storage, interaction.guild_id, discord.utils.utcnow())
        if not watched:
            raise UserError("The club has no history yet: rate a drama with `/rate`, or watch one together.")
        rows = []
        for entry in watched:
            drama = await self.bot.dramas.get(entry.drama_slug, interaction.guild_id)
            rows.append((drama, entry, await self.votes.stats(interaction.guild_id, entry.drama_slug)))
        await send_pages(interaction, render.history_pages(rows))

    # -- /pick -------------------------------------------------------------------------------

    @app_commands.command(name="pick", description="Put the top suggestions to a poll: what do we watch next?")
    @app_commands.describe(
        hours=f"How long the poll runs (1-{MAX_HOURS}, default 24)",
        choices=f"How many suggestions it offers ({MIN_CHOICES}-{MAX_CHOICES}; default: the top 5, or all when fewer)",
        multiple="Let members vote for more than one",
        end="End the open poll now and announce its result",
    )
    @app_commands.guild_only()
    async def pick(
        self,
        interaction: Interaction,
        hours: app_commands.Range[int, 1, MAX_HOURS] = 24,
        choices: app_commands.Range[int, MIN_CHOICES, MAX_CHOICES] | None = None,
        multiple: bool = False,
        end: bool = False,
    ) -> None:
        assert interaction.guild_id is not None and interaction.channel_id is not None
        if not is_host(interaction):
            raise UserError("Only a host (Manage Events or Manage Server) can start a poll.")
        if end:
            await self.end_early(interaction)
            return
        missing = [
            name
            for name, granted in (
                ("Send Polls", interaction.app_permissions.send_polls),
                ("Read Message History", interaction.app_permissions.read_message_history),  # to read the result
            )
            if not granted
        ]
        if missing:
            needed = " and ".join(f"**{name}**" for name in missing)
            raise UserError(f"I need {needed} in this channel to run a poll; ask a server admin to grant it.")
        open_pick = await self.list.open_pick(interaction.guild_id, discord.utils.utcnow())
        if open_pick is not None and open_pick.message_id is None:
            raise UserError(
                "A poll was opened a moment ago; one poll at a time. If it never appears, try again in five minutes."
            )
        if open_pick is not None:
            raise UserError(f"A poll is already open: {self.link(open_pick)}. One poll at a time.")
        suggestions = await self.list.listed(interaction.guild_id)
        if not suggestions:
            raise UserError("The watchlist is empty. Suggest dramas with `/suggest` first.")
        have = common.counted(len(suggestions), "suggestion")
        if len(suggestions) < MIN_CHOICES:
            raise UserError(
                f"The watchlist has {have}; a poll needs at least {MIN_CHOICES}. Suggest more with `/suggest`."
            )
        if choices is not None and choices > len(suggestions):
            raise UserError(f"The watchlist has {have}; ask for `choices:{len(suggestions)}` or fewer.")
        top = suggestions[: choices or DEFAULT_CHOICES]
        now = discord.utils.utcnow()
        stored = await self.list.start_pick(
            interaction.guild_id, interaction.channel_id, interaction.user.id, now + timedelta(hours=hours), top, now
        )
        if stored is None:
            raise UserError("A poll was opened a moment ago; one poll at a time.")
        poll = discord.Poll(question=QUESTION, duration=timedelta(hours=hours), multiple=multiple)
        dramas = [await self.bot.dramas.get(s.drama_slug, s.guild_id) for s in top]
        for suggestion, drama in zip(top, dramas, strict=True):
            poll.add_answer(text=answer_text(drama.title, drama.year) if drama else suggestion.drama_slug[:55])
        closes = discord.utils.format_dt(stored.ends_at, "R")
        where = await self._where(interaction.guild_id, [d for d in dramas if d is not None], now)
        try:
            await interaction.response.send_message(
                f"🗳️ Vote for the club's next drama! The poll closes {closes}." + where, poll=poll
            )
            message = await interaction.original_response()
        except discord.HTTPException:
            await self.list.forget(stored.id)
            raise
        await self.list.posted(stored.id, message.id)
        self._ends.wake(stored.ends_at)

    async def end_early(self, interaction: Interaction) -> None:
        """`/pick end:True`: only a poll's author may end it, and the bot is the author: it ends the
        poll through Discord's API, then reads and announces the result as at the poll's end."""
        assert interaction.guild_id is not None
        now = discord.utils.utcnow()
        pick = await self.list.open_pick(interaction.guild_id, now)
        if pick is None or pick.message_id is None:
            raise UserError("No poll is open. Start one with `/pick`.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = self.bot.get_partial_messageable(pick.channel_id, guild_id=pick.guild_id)
        try:
            await channel.get_partial_message(pick.message_id).end_poll()
        except discord.NotFound:
            raise UserError("The poll's message is gone; it closes at its end time without a result.") from None
        await self.list.end_now(pick.id, now)  # due now: the result is read like any ended poll's
        self._ends.wake(now)
        await interaction.followup.send("Ended the poll; its result follows in the channel.", ephemeral=True)

    async def _where(self, guild_id: int, dramas: list[Drama], now: datetime) -> str:
        """Where each drama of a poll streams in the server's country, if it set one: a poll's answers
        have no room, so the message carries it (from stored data: the poll does not wait on TMDB)."""
        region = (await ServerStore(self.bot.storage).of(guild_id)).region
        if region is None or not dramas:
            return ""
        name = country_name(region)
        lines = [
            f"**{d.display_title}**: {common.watch_line(await self.bot.dramas.watch(d, now, ask=False), region, name)}"
            for d in dramas
        ]
        return common.clip(f"\n📺 Where to watch ({name}):\n" + "\n".join(lines) + f"\n*{common.JUSTWATCH}*", 1800)

    def link(self, pick: Pick) -> str:
        return f"https://discord.com/channels/{pick.guild_id}/{pick.channel_id}/{pick.message_id}"

    # -- when a poll ends --------------------------------------------------------------------

    async def _close_ended(self) -> datetime | None:
        """Announce the polls whose end has come; returns when to look again."""
        if not self._unposted_checked:
            await self._adopt_unposted()
            self._unposted_checked = True
        now = discord.utils.utcnow()
        finalising = [pick for pick in await self.list.ending(now) if not await self.finish(pick, now)]
        return now + RECHECK if finalising else await self.list.next_end()

    async def _adopt_unposted(self) -> None:
        """A poll the previous run stored and stopped before recording as posted: if its message
        is in the channel, it is adopted (its votes count); if not, it is forgotten and frees /pick."""
        assert self.bot.user is not None
        for pick in await self.list.unposted():
            found = None
            channel = self.bot.get_channel(pick.channel_id)
            if isinstance(channel, discord.abc.Messageable):
                try:
                    async for message in channel.history(limit=50, after=pick.created_at - timedelta(seconds=1)):
                        poll = message.poll
                        if message.author.id == self.bot.user.id and poll is not None and poll.question == QUESTION:
                            found = message
                            break
                except discord.HTTPException as error:
                    log.warning("Could not look for the message of poll %s: %s", pick.id, error)
            if found is not None:
                await self.list.posted(pick.id, found.id)
                log.info("Poll %s was posted before the bot stopped: adopted message %s", pick.id, found.id)
            else:
                await self.list.forget(pick.id)
                log.info("Poll %s was never posted: forgotten", pick.id)

    async def finish(self, pick: Pick, now: datetime) -> bool:
        """Read the poll's final counts from Discord and announce the result once. False if
        Discord has not finalised the poll yet."""
        if pick.message_id is None:  # never posted: nobody could vote
            await self.list.close(pick, {}, now)
            return True
        channel = self.bot.get_partial_messageable(pick.channel_id, guild_id=pick.guild_id)
        try:
            message = await channel.fetch_message(pick.message_id)
        except (discord.NotFound, discord.Forbidden) as error:
            log.warning("Poll %s can't be read (%s); the watchlist stays as it was", pick.id, error.status)
            await self.list.close(pick, {}, now)
            return True
        poll = message.poll
        if poll is None or not poll.is_finalised():
            return False
        outcome = await self.list.close(pick, {a.id: a.vote_count for a in poll.answers}, now)
        if outcome is not None:
            await announce(self.bot, pick, outcome, message)
        return True
