"""Autocomplete callbacks shared by every command that takes a drama title or a person."""

from __future__ import annotations

from discord import app_commands

from bot.client import Interaction
from cogs import _render as render


async def drama_titles(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    dramas = interaction.client.catalog.suggest(current, interaction.guild_id, limit=render.CHOICE_COUNT_LIMIT)
    return [app_commands.Choice(name=render.choice_name(d.display_title), value=d.slug) for d in dramas]


async def people(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    found = interaction.client.catalog.suggest_people(current, interaction.guild_id, limit=render.CHOICE_COUNT_LIMIT)
    choices = []
    for person in found:
        latest = person.roles[0]
        label = f"{person.name} ({latest.member.character}, {latest.drama.title})"
        choices.append(app_commands.Choice(name=render.choice_name(label), value=render.clip(person.name, 100)))
    return choices
