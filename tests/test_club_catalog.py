"""A server's view of the catalog: shipped dramas merged with its own, in alphabetical order."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.catalog import parse_drama_text
from bot.club_catalog import ClubCatalog
from bot.search import Indexes
from bot.storage import Storage
from tests.factories import drama_toml

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def drama(title: str, slug: str, plot: str = "A test plot."):  # type: ignore[no-untyped-def]
    text = drama_toml(title, 2020, slug=slug, plot=plot)
    return parse_drama_text(text, f"{slug}.toml"), text


async def test_a_servers_own_dramas_merge_into_the_alphabetical_order() -> None:
    async with Storage.open(":memory:") as storage:
        shipped = [drama("Bravo", "bravo")[0], drama("Delta", "delta")[0]]
        catalog = ClubCatalog(storage, Indexes.build(shipped), {})
        for title, slug, plot in (("Alpha", "alpha", "x"), ("Charlie", "charlie", "x"), ("Delta", "delta", "ours")):
            added, text = drama(title, slug, plot)
            await catalog.add(1, added, text, added_by=7, now=NOW, replace=True)

        assert [(d.title, d.plot) for d in catalog.visible(1)] == [
            ("Alpha", "x"),
            ("Bravo", "A test plot."),
            ("Charlie", "x"),
            ("Delta", "ours"),
        ]
        assert [d.title for d in catalog.suggest("", 1, limit=2)] == ["Alpha", "Bravo"]
        assert [d.title for d in catalog.visible(2)] == ["Bravo", "Delta"]
        assert catalog.visible(2)[1].plot == "A test plot."
