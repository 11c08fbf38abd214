"""Ratings: `/rate` in chat, `/ratings show|top|mine|remove|export`, and post-party episode votes."""

from __future__ import annotations

import io
import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import DramaClub, Interaction
from bot.drama import Drama
from bot.errors import UserError
from bot.parties import Party, PartyStore
from bot.ratings import (
    MAX_COMMENT,
    VoteStore,
    check_aired,
    check_comment,
    check_episode,
    check_score,
    points,
    votes_csv,
)
from cogs import _render as common
from cogs._checks import catalog_admin
from cogs._items import ClubItem
from cogs._options import DramaOption, DramaTransformer, answer, dramas_of
from cogs.ratings import _render as render

log = logging.getLogger(__name__)

SCORE_OPTIONS = [f"{half / 2:g}" for half in range(20, 1, -1)]  # 10, 9.5, ..., 1
MAX_PROMPT_EPISODES = 5  # a message holds at most five select menus


class EpisodeVoteSelect(ClubItem[discord.ui.Select[Any]], template=r"rating:party:(?P<party>\d+):(?P<episode>\d+)"):
    """A 1-10 menu under a finished party's "rate the episode" message; survives restarts."""

    def __init__(self, party_id: int, episode: int) -> None:
        super().__init__(
            discord.ui.Select(
                placeholder=f"Rate episode {episode}",
                options=[discord.SelectOption(label=score, value=score) for score in SCORE_OPTIONS],
                custom_id=f"rating:party:{party_id}:{episode}",
            )
        )
        self.party_id = party_id
        self.episode = episode

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> EpisodeVoteSelect:
        return cls(int(match["party"]), int(match["episode"]))

    async def act(self, interaction: Interaction) -> None:
        party = await PartyStore(interaction.client.storage).party(self.party_id)
        drama = await interaction.client.dramas.get(party.drama_slug, party.guild_id) if party is not None else None
        if party is None or drama is None or party.guild_id != interaction.guild_id:
            await interaction.response.send_message("That drama is no longer in the catalog.", ephemeral=True)
            return
        score = float(self.item.values[0])
        half_points, number, before = await record_vote(interaction, drama, score, self.episode, None)
        replaced = "" if before is None else f" (was {points(before)})"
        await interaction.response.send_message(
            f"Saved: {points(half_points)}/10 for {drama.title}, episode {number}{replaced}.", ephemeral=True
        )


async def record_vote(
    interaction: Interaction,
    drama: Drama,
    score: float,
    episode: int | None,
    comment: str | None,
    *,
    private: bool = False,
) -> tuple[int, int, int | None]:
    """Check and store the member's vote: ``(half points, episode or 0, the replaced score)``."""
    assert interaction.guild_id is not None
    half_points = check_score(score)
    number = check_episode(drama, episode)
    now = discord.utils.utcnow()
    check_aired(drama, number, now.date())
    before = await VoteStore(interaction.client.storage).cast(
        guild_id=interaction.guild_id,
        drama_slug=drama.slug,
        episode=number,
        user_id=interaction.user.id,
        half_points=half_points,
        comment=comment,
        now=now,
        private=private,
        member_name=interaction.user.display_name,
    )
    return half_points, number, before


def episode_vote_view(party: Party) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for episode in list(party.episodes)[:MAX_PROMPT_EPISODES]:
        view.add_item(EpisodeVoteSelect(party.id, episode))
    return view


async def rated(interaction: Interaction) -> list[Drama]:
    """The dramas the member rated here, newest vote first: what `/ratings remove` offers."""
    assert interaction.guild_id is not None
    votes = await VoteStore(interaction.client.storage).of_member(interaction.guild_id, interaction.user.id)
    return await dramas_of(interaction, (v.drama_slug for v in votes))


RatedDrama = app_commands.Transform[Drama, DramaTransformer(private=True, offer=rated)]


class RatingsCog(commands.Cog, name="Ratings"):
    ratings = app_commands.Group(name="ratings", description="The club's scores", guild_only=True)

    def __init__(self, bot: DramaClub) -> None:
        self.bot = bot
        self.votes = VoteStore(bot.storage)
        self.parties = PartyStore(bot.storage)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(EpisodeVoteSelect)
        self.bot.planner.on_ended.append(self.ask_for_scores)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(EpisodeVoteSelect)
        self.bot.planner.on_ended.remove(self.ask_for_scores)

    # -- /rate --------------------------------------------------------------------------------

    @app_commands.command(name="rate", description="Score a drama (or one episode) from 1 to 10")
    @app_commands.guild_only()
    @app_commands.rename(drama="title")
    @app_commands.describe(
        drama="The drama you watched",
        score="1 to 10; halves are fine, like 8.5",
        episode="Rate just this episode",
        comment=f"A few words, up to {MAX_COMMENT} characters",
        private="Keep it to yourself: it counts in the club's numbers, but nobody sees your score or comment",
    )
    async def rate(
        self,
        interaction: Interaction,
        drama: DramaOption,
        score: app_commands.Range[float, 1, 10],
        episode: app_commands.Range[int, 1, 500] | None = None,
        comment: app_commands.Range[str, 1, 1000] | None = None,
        private: bool = False,
    ) -> None:
        note = check_comment(comment)
        half_points, number, before = await record_vote(interaction, drama, score, episode, note, private=private)
        line = render.vote_line(interaction.user.display_name, drama, number, half_points, before, note)
        if private:
            replaced = ""
            if before == half_points:
                replaced = " (unchanged)"
            elif before is not None:
                replaced = f" (it replaces your earlier {points(before)})"
            what = drama.display_title + (f", episode {number}" if number else "")
            await answer(
                interaction,
                f"Saved your {points(half_points)}/10 for {what}{replaced}. Only you can see this.",
                ephemeral=True,
            )
        else:
            await answer(interaction, line)

    # -- /ratings ... -------------------------------------------------------------------------

    @ratings.command(name="show", description="The club's scores for a drama")
    @app_commands.rename(drama="title")
    @app_commands.describe(drama="The drama")
    async def show(self, interaction: Interaction, drama: DramaOption) -> None:
        """The club's numbers for everyone; the member's own score in a note only they see."""
        assert interaction.guild_id is not None
        guild = interaction.guild_id
        embed = render.ratings_embed(
            drama,
            await self.votes.stats(guild, drama.slug),
            await self.votes.episode_means(guild, drama.slug),
            await self.votes.recent_comments(guild, drama.slug),
        )
        await answer(interaction, embed=embed)
        own = await self.votes.vote_of(guild, drama.slug, interaction.user.id)
        note = f"Your score: {render.score_text(own.half_points)}" if own else "You haven't rated it yet: `/rate`."
        await interaction.followup.send(note, ephemeral=True)

    @ratings.command(name="top", description="The club's leaderboard")
    async def top(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        ranked = await self.votes.leaderboard(interaction.guild_id)
        rows = [(await self.bot.dramas.get(r.drama_slug, interaction.guild_id), r) for r in ranked]
        held = await self.votes.held_back(interaction.guild_id)
        await interaction.response.send_message(embed=render.leaderboard_embed(rows, held))

    @ratings.command(name="mine", description="Your own scores, newest first")
    async def mine(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        votes = await self.votes.of_member(interaction.guild_id, interaction.user.id)
        rows = [(await self.bot.dramas.get(v.drama_slug, interaction.guild_id), v) for v in votes]
        await interaction.response.send_message(embed=render.my_votes_embed(rows), ephemeral=True)

    @ratings.command(name="remove", description="Withdraw your score for a drama or an episode")
    @app_commands.rename(drama="title")
    @app_commands.describe(drama="The drama", episode="Withdraw only this episode's score")
    async def remove(
        self,
        interaction: Interaction,
        drama: RatedDrama,
        episode: app_commands.Range[int, 1, 500] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        number = check_episode(drama, episode)
        removed = await self.votes.withdraw(
            guild_id=interaction.guild_id, drama_slug=drama.slug, episode=number, user_id=interaction.user.id
        )
        what = drama.display_title + (f", episode {number}" if number else "")
        if removed is None:
            raise UserError(f"You have no score for {what} to withdraw.")
        await answer(interaction, f"Withdrew your {points(removed)}/10 for {what}.", ephemeral=True)

    @ratings.command(name="export", description="Download every vote in this server as CSV (admins)")
    @catalog_admin()
    async def export(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        votes = await self.votes.all_votes(interaction.guild_id)
        titles = {d.slug: d.title for d in self.bot.catalog.visible(interaction.guild_id)}
        for slug in {v.drama_slug for v in votes} - titles.keys():  # TMDB's dramas
            drama = await self.bot.dramas.get(slug, interaction.guild_id)
            if drama is not None:
                titles[slug] = drama.title
        data = votes_csv(votes, titles)
        await interaction.response.send_message(
            f"{common.counted(len(votes), 'vote')}.",
            file=discord.File(io.BytesIO(data), filename="votes.csv"),
            ephemeral=True,
        )

    # -- after a watch party ---------------------------------------------------------------

    async def ask_for_scores(self, party: Party) -> None:
        """Ask the room to rate the episodes they just watched."""
        drama = await self.bot.dramas.get(party.drama_slug, party.guild_id)
        if drama is None:
            return
        channel = self.bot.get_channel(party.text_channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return
        try:
            await channel.send(
                f"🎬 That's a wrap on **{drama.title} · {party.episodes_label}**! How was it? Pick a score below.",
                view=episode_vote_view(party),
            )
        except discord.HTTPException as error:
            log.warning("Could not post the rating prompt for party %s: %s", party.id, error)
