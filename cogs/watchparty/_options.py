"""The party option of `/watchparty cancel`: a transformer with its autocomplete."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.client import DramaClub, Interaction
from bot.errors import UserError
from bot.parties import Party, PartyStore
from cogs import _render as common
from cogs._options import Choices
from cogs.watchparty import _render as render

PARTY_CHOICES_READ = 200  # upcoming parties read to offer the 25 that match what was typed
SQLITE_MAX_ID = 2**63 - 1


class _PartyTransformer(app_commands.Transformer[DramaClub]):
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

    async def autocomplete(self, interaction: Interaction, value: int | float | str, /) -> Choices:
        wanted = str(value).casefold().strip()
        found = [(label, party) for label, party in await _labelled(interaction) if wanted in label.casefold()]
        return [
            app_commands.Choice(name=label, value=str(party.id)) for label, party in found[: common.CHOICE_COUNT_LIMIT]
        ]


async def _labelled(interaction: Interaction) -> list[tuple[str, Party]]:
    """This server's upcoming parties, soonest first, each with the label autocomplete shows."""
    if interaction.guild_id is None:
        return []
    store = PartyStore(interaction.client.storage)
    parties = await store.upcoming(interaction.guild_id, discord.utils.utcnow(), limit=PARTY_CHOICES_READ)
    dramas = interaction.client.dramas
    return [(render.party_choice(await dramas.get(p.drama_slug, p.guild_id), p), p) for p in parties]


PartyOption = app_commands.Transform[Party, _PartyTransformer]
