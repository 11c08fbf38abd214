"""Synthetic drama files for tests and benchmarks."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path

from bot.settings import DEFAULT_CATALOG_DIR


def with_soundtrack(folder: Path, others: Mapping[str, str] | None = None) -> Path:
    """``folder`` made a catalog: the shipped Soundtrack #1, beside ``others`` (a file's name
    without ``.toml``: its text)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "soundtrack-1.toml").write_text((DEFAULT_CATALOG_DIR / "soundtrack-1.toml").read_text())
    for name, text in (others or {}).items():
        (folder / f"{name}.toml").write_text(text)
    return folder


def q(text: str) -> str:
    """A TOML basic string (JSON's escaping is valid TOML)."""
    return json.dumps(text, ensure_ascii=False)


def drama_toml(
    title: str,
    year: int = 2021,
    *,
    slug: str | None = None,
    episodes: int = 16,
    minutes: int = 60,
    first_air: date | None = None,
    every_days: int = 7,
    cast: Sequence[tuple[str, str, str]] = (("Kim Min-Jun", "Lee Do-Hyun", "lead"),),
    plot: str = "A test plot.",
    review: bool = True,
    text_length: int = 0,
    aliases: Sequence[str] = (),
    tmdb_id: int | None = None,
) -> str:
    """A valid drama file. ``text_length`` pads plot and review texts to that many characters."""
    if text_length:
        plot = (plot + " " + "x" * text_length)[:text_length]
    lines = [
        "[drama]",
        f"title = {q(title)}",
        f"year = {year}",
        f"episode_count = {episodes}",
        f"episode_minutes = {minutes}",
        f"plot = {q(plot)}",
        'sources = ["Synthetic test data"]',
        f"aliases = [{', '.join(q(a) for a in aliases)}]",
    ]
    if slug:
        lines.append(f"id = {q(slug)}")
    if tmdb_id is not None:
        lines.append(f"tmdb_id = {tmdb_id}")
    if first_air is not None:
        for number in range(1, episodes + 1):
            day = first_air + timedelta(days=every_days * (number - 1))
            lines += ["[[episodes]]", f"number = {number}", f"air_date = {day.isoformat()}"]
    for actor, character, role in cast:
        lines += ["[[cast]]", f"actor = {q(actor)}", f"character = {q(character)}", f"role = {q(role)}"]
    if review:
        summary = "A fine show." if not text_length else ("A fine show. " + "y" * text_length)[:text_length]
        lines += [
            "[review]",
            'source = "Test Reviews"',
            'headline = "Worth it"',
            f"summary = {q(summary)}",
            'verdict = "Watch it."',
            "[[review.points]]",
            'topic = "Acting"',
            f"text = {q(('Strong. ' + 'z' * 1000)[:1000] if text_length else 'Strong.')}",
            "[[review.points]]",
            'topic = "Ending"',
            'text = "They || marry."',
            f"spoiler_from_episode = {episodes}",
        ]
    return "\n".join(lines) + "\n"


def big_cast(size: int = 200, name_length: int = 100) -> list[tuple[str, str, str]]:
    """``size`` cast members with names of exactly ``name_length`` characters."""
    members = []
    for index in range(size):
        actor = f"Actor {index:03d} " + "A" * name_length
        character = f"Character {index:03d} " + "C" * name_length
        members.append((actor[:name_length], character[:name_length], "lead" if index < 2 else "supporting"))
    return members
