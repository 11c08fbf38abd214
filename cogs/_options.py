"""Options that name something the club knows, as discord.py transformers with their autocomplete.

A command declares ``title: DramaOption`` and receives the :class:`Drama` itself. A refusal (an
unknown title, a zone that does not exist) is a :class:`UserError`,
which the tree's error handler shows the member in its own words.

A title that needs TMDB defers the answer before the first request, so Discord hears back within
its 3 seconds; a command then answers with :func:`answer`, which takes whichever way is open.
``PrivateDramaOption`` defers privately, for commands that answer only the member.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.utils import MISSING

from bot.client import DramaClub, Interaction
from bot.drama import Drama
from bot.folding import fold_title
from bot.servers import suggest_countries
from bot.times import suggest_timezones, zone
from cogs import _render as common

MAX_QUERY = 200
Choices = list[app_commands.Choice[int | float | str]]  # what discord.py's autocomplete returns


Offer = Callable[[Interaction], Awaitable[list[Drama]]]  # the dramas a command can act on


class DramaTransformer(app_commands.Transformer[DramaClub]):
    """A drama by title, alias, Korean title or an autocomplete choice's id; small typos are fine.

    Autocomplete offers any drama, or with ``offer`` only those the command can act on (the
    server's follows, the watchlist, the member's votes); what is typed is still found anywhere."""

    def __init__(self, *, private: bool = False, offer: Offer | None = None) -> None:
        self.private = private
        self.offer = offer

    @property
    def min_value(self) -> int:
        return 1

    @property
    def max_value(self) -> int:
        return MAX_QUERY

    async def transform(self, interaction: Interaction, value: str, /) -> Drama:
        # /rate private:True answers privately too
        private = self.private or getattr(interaction.namespace, "private", None) is True

        async def defer() -> None:
            await think(interaction, private=private)

        return await interaction.client.dramas.find(value, interaction.guild_id, discord.utils.utcnow(), defer)

    async def autocomplete(self, interaction: Interaction, value: int | float | str, /) -> Choices:
        if self.offer is not None:
            wanted = fold_title(str(value))
            dramas = [d for d in await self.offer(interaction) if wanted in fold_title(d.display_title)]
            return [
                app_commands.Choice(name=common.choice_name(d.display_title), value=d.slug)
                for d in dramas[: common.CHOICE_COUNT_LIMIT]
            ]
        found = await interaction.client.dramas.suggest(
            str(value), interaction.guild_id, discord.utils.utcnow(), limit=common.CHOICE_COUNT_LIMIT
        )
        return [app_commands.Choice(name=common.choice_name(label), value=slug) for label, slug in found]


async def dramas_of(interaction: Interaction, slugs: Iterable[str]) -> list[Drama]:
    """The dramas these records point at, once each, in order; what no longer exists is left out."""
    found = [await interaction.client.dramas.get(slug, interaction.guild_id) for slug in dict.fromkeys(slugs)]
    return [drama for drama in found if drama is not None]


async def think(interaction: Interaction, *, private: bool) -> None:
    """Defer the answer ("thinking"), once; a private defer keeps every answer private."""
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=private, thinking=True)
        interaction.extras["thinking"] = "private" if private else "public"


async def answer(
    interaction: Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed = MISSING,
    view: discord.ui.View = MISSING,
    file: discord.File = MISSING,
    ephemeral: bool = False,
) -> int | None:
    """Send the command's answer, deferred or not; returns the message's id when Discord gives it."""
    if interaction.response.is_done():
        interaction.extras.pop("thinking", None)
        message = await interaction.followup.send(
            content or MISSING, embed=embed, view=view, file=file, ephemeral=ephemeral, wait=True
        )
        return message.id
    sent = await interaction.response.send_message(content, embed=embed, view=view, file=file, ephemeral=ephemeral)
    return sent.message_id


class _TimezoneTransformer(app_commands.Transformer[DramaClub]):
    """An IANA time zone (``Asia/Seoul``); what was typed is matched anywhere in the name."""

    @property
    def max_value(self) -> int:
        return 64

    async def transform(self, interaction: Interaction, value: str, /) -> ZoneInfo:
        return zone(value.strip())

    async def autocomplete(self, interaction: Interaction, value: int | float | str, /) -> Choices:
        return [app_commands.Choice(name=name, value=name) for name in suggest_timezones(str(value))]


DramaOption = app_commands.Transform[Drama, DramaTransformer]
PrivateDramaOption = app_commands.Transform[Drama, DramaTransformer(private=True)]
TimezoneOption = app_commands.Transform[ZoneInfo, _TimezoneTransformer]


async def people(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for an actor's or a character's name: each actor with their latest role."""
    found = interaction.client.catalog.suggest_people(current, interaction.guild_id, limit=common.CHOICE_COUNT_LIMIT)
    choices = []
    for person in found:
        latest = person.roles[0]
        label = f"{person.name} ({latest.member.character}, {latest.drama.title})"
        choices.append(app_commands.Choice(name=common.choice_name(label), value=common.clip(person.name, 100)))
    return choices


async def countries(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for a country: its name, with its code."""
    return [
        app_commands.Choice(name=f"{name} ({code})", value=code)
        for code, name in suggest_countries(current, limit=common.CHOICE_COUNT_LIMIT)
    ]
