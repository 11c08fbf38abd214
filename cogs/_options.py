"""Options that name something the club knows, as discord.py transformers with their autocomplete.

A command declares ``title: DramaOption`` and receives the :class:`Drama` itself. A refusal (an
unknown title, a party of another server, a zone that does not exist) is a :class:`UserError`,
which the tree's error handler shows the member in its own words.

A title that needs TMDB defers the answer before the first request, so Discord hears back within
its 3 seconds; a command then answers with :func:`answer`, which takes whichever way is open.
``PrivateDramaOption`` defers privately, for commands that answer only the member.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands

from bot.client import Interaction
from bot.drama import Drama
from bot.errors import UserError
from bot.parties import Party, PartyStore
from bot.times import suggest_timezones, zone
from cogs import _render as render

MAX_QUERY = 200
PARTY_CHOICES_READ = 200  # upcoming parties read to offer the 25 that match what was typed
SQLITE_MAX_ID = 2**63 - 1


class _DramaTransformer(app_commands.Transformer):
    """A drama by title, alias, Korean title or an autocomplete choice's id; small typos are fine."""

    def __init__(self, *, private: bool = False) -> None:
        self.private = private

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

    async def autocomplete(self, interaction: Interaction, value: str, /) -> list[app_commands.Choice[str]]:  # type: ignore[override]
        found = await interaction.client.dramas.suggest(
            value, interaction.guild_id, discord.utils.utcnow(), limit=render.CHOICE_COUNT_LIMIT
        )
        return [app_commands.Choice(name=render.choice_name(label), value=slug) for label, slug in found]


async def think(interaction: Interaction, *, private: bool) -> None:
    """Defer the answer ("thinking"), once; a private defer keeps every answer private."""
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=private, thinking=True)
        interaction.extras["thinking"] = "private" if private else "public"


async def answer(interaction: Interaction, content: str | None = None, **kwargs: Any) -> int | None:
    """Send the command's answer, deferred or not; returns the message's id when Discord gives it."""
    if interaction.response.is_done():
        interaction.extras.pop("thinking", None)
        message = await interaction.followup.send(content, wait=True, **kwargs)
        return message.id
    sent = await interaction.response.send_message(content, **kwargs)
    return sent.message_id


class _PartyTransformer(app_commands.Transformer):
    """A watch party of this server: the id autocomplete gives, or the label it shows, typed out."""

    async def transform(self, interaction: Interaction, value: str, /) -> Party:
        text = value.strip()
        found = None
        if text.isascii() and text.isdigit() and int(text) <= SQLITE_MAX_ID:
            found = await PartyStore(interaction.client.storage).party(int(text))
        elif text:
            found = next((p for label, p in await _labelled(interaction) if label.casefold() == text.casefold()), None)
        if found is None or found.guild_id != interaction.guild_id:
            raise UserError("I couldn't find that party. Pick one from the list the option offers.")
        return found

    async def autocomplete(self, interaction: Interaction, value: str, /) -> list[app_commands.Choice[str]]:  # type: ignore[override]
        wanted = value.casefold().strip()
        found = [(label, party) for label, party in await _labelled(interaction) if wanted in label.casefold()]
        return [
            app_commands.Choice(name=label, value=str(party.id)) for label, party in found[: render.CHOICE_COUNT_LIMIT]
        ]


async def _labelled(interaction: Interaction) -> list[tuple[str, Party]]:
    """This server's upcoming parties, soonest first, each with the label autocomplete shows."""
    if interaction.guild_id is None:
        return []
    store = PartyStore(interaction.client.storage)
    parties = await store.upcoming(interaction.guild_id, discord.utils.utcnow(), limit=PARTY_CHOICES_READ)
    dramas = interaction.client.dramas
    return [(render.party_choice(await dramas.get(p.drama_slug, p.guild_id), p), p) for p in parties]


class _TimezoneTransformer(app_commands.Transformer):
    """An IANA time zone (``Asia/Seoul``); what was typed is matched anywhere in the name."""

    @property
    def max_value(self) -> int:
        return 64

    async def transform(self, interaction: Interaction, value: str, /) -> ZoneInfo:
        return zone(value.strip())

    async def autocomplete(self, interaction: Interaction, value: str, /) -> list[app_commands.Choice[str]]:  # type: ignore[override]
        return [app_commands.Choice(name=name, value=name) for name in suggest_timezones(value)]


DramaOption = app_commands.Transform[Drama, _DramaTransformer]
PrivateDramaOption = app_commands.Transform[Drama, _DramaTransformer(private=True)]
PartyOption = app_commands.Transform[Party, _PartyTransformer]
TimezoneOption = app_commands.Transform[ZoneInfo, _TimezoneTransformer]


async def people(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for an actor's or a character's name: each actor with their latest role."""
    found = interaction.client.catalog.suggest_people(current, interaction.guild_id, limit=render.CHOICE_COUNT_LIMIT)
    choices = []
    for person in found:
        latest = person.roles[0]
        label = f"{person.name} ({latest.member.character}, {latest.drama.title})"
        choices.append(app_commands.Choice(name=render.choice_name(label), value=render.clip(person.name, 100)))
    return choices
