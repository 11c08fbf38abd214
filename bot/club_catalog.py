"""The catalog as each server sees it: the shipped dramas plus the ones that server added.

Dramas added with ``/catalog add`` are stored in SQLite (``guild_dramas``) and belong to the
server that added them; one with the slug of a shipped drama replaces it in that server only.
Look-ups merge the shipped index with the server's small one.
"""

from __future__ import annotations

import asyncio
import dataclasses
import heapq
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from bot.catalog import CatalogError, check_unique, parse_drama_text
from bot.drama import Drama
from bot.errors import UserError
from bot.folding import fold, fold_name, fold_title
from bot.search import PREFIX, Indexes, Person, merge_people, pick, title_order
from bot.storage import DRAMA_RECORDS, Storage
from bot.text import clip

log = logging.getLogger(__name__)

# The server's records that point at a drama (their ``guild_id`` and ``drama_slug`` columns), as a
# member names them: /catalog remove refuses while any exist.


def _shown(query: str) -> str:
    """What a member typed, cut to fit an answer."""
    return clip(query, 80)


def _not_found(opening: str, query: str, suggestions: list[str]) -> str:
    """``opening`` names the query (``{query}``); the closest names follow as suggestions."""
    text = opening.format(query=_shown(query))
    if suggestions:
        text += " Did you mean " + ", ".join(f"**{name}**" for name in suggestions) + "?"
    return text


ADD_HINT = "A server admin can add a drama with `/catalog add`."
TMDB_OFF_HINT = (
    "A server admin can add a drama with `/catalog add`, and the bot's owner can turn on look-ups of any drama "
    "on TMDB by setting `TMDB_TOKEN` (see the README)."
)


class DramaNotFound(UserError):
    def __init__(self, query: str, suggestions: list[str], hint: str = ADD_HINT) -> None:
        super().__init__(_not_found("I couldn't find a drama called “{query}”.", query, suggestions) + " " + hint)
        self.query = query
        self.suggestions = suggestions


class AmbiguousTitle(UserError):
    def __init__(self, candidates: list[str]) -> None:
        names = ", ".join(f"**{name}**" for name in candidates)
        super().__init__(f"More than one drama has that title: {names}. Pick one from the list, or add the year.")
        self.candidates = candidates


class AmbiguousPerson(UserError):
    def __init__(self, query: str, candidates: list[Person]) -> None:
        names = ", ".join(f"**{p.name}** ({p.roles[0].member.character}, {p.roles[0].drama.title})" for p in candidates)
        super().__init__(f"“{_shown(query)}” could be {names}. Pick one from the list, or type more of the name.")
        self.candidates = candidates


class DramaInUse(UserError):
    """A server's own drama that its records still point at: removing it takes them along, once confirmed."""

    def __init__(self, drama: Drama, records: str) -> None:
        super().__init__(
            f"**{drama.display_title}** can't be removed: this server still has {records} for it. Remove those "
            "first, or remove the drama with them (the button below)."
        )
        self.records = records


class PersonNotFound(UserError):
    def __init__(self, query: str, suggestions: list[Person]) -> None:
        super().__init__(
            _not_found("Nobody called “{query}” appears in the catalog.", query, [p.name for p in suggestions])
        )
        self.suggestions = suggestions


@dataclass(frozen=True, slots=True)
class Added:
    drama: Drama
    replaced: Drama | None


def _counted(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _numbers(episodes: list[int]) -> str:
    """``episode 9`` or ``episodes 9, 10 and 12``."""
    if len(episodes) == 1:
        return f"episode {episodes[0]}"
    return "episodes " + ", ".join(map(str, episodes[:-1])) + f" and {episodes[-1]}"


class ClubCatalog:
    """Find, suggest, add and remove dramas, as seen from one server (``guild_id``)."""

    def __init__(self, storage: Storage, shipped: Indexes, added: dict[int, list[Drama]]) -> None:
        self._storage = storage
        self._titles = shipped.titles
        self._shipped = shipped
        self._twins = {d.tmdb_id: d.slug for d in shipped.titles.ordered if d.tmdb_id is not None}
        # each server's own dramas and their indexes
        self._shelves = {guild: Indexes.build(dramas) for guild, dramas in added.items() if dramas}
        self._lock = asyncio.Lock()

    @classmethod
    async def load(cls, storage: Storage, shipped: Indexes) -> ClubCatalog:
        rows = await storage.fetchall("SELECT guild_id, slug, document FROM guild_dramas ORDER BY guild_id, slug")

        def parse() -> dict[int, list[Drama]]:
            added: dict[int, list[Drama]] = {}
            for row in rows:
                try:
                    drama = parse_drama_text(row["document"], f"server {row['guild_id']}: {row['slug']}")
                except CatalogError as error:
                    log.warning("Skipping a stored drama that no longer validates: %s", error)
                    continue
                added.setdefault(int(row["guild_id"]), []).append(dataclasses.replace(drama, slug=row["slug"]))
            return added

        return cls(storage, shipped, await asyncio.to_thread(parse))

    # -- reading ---------------------------------------------------------------------------

    def _shelf(self, guild_id: int | None) -> Indexes | None:
        return None if guild_id is None else self._shelves.get(guild_id)

    def get(self, slug: str, guild_id: int | None) -> Drama | None:
        shelf = self._shelf(guild_id)
        if shelf is not None and slug in shelf.titles.dramas:
            return shelf.titles.dramas[slug]
        return self._titles.dramas.get(slug)

    def by_tmdb_id(self, tmdb_id: int, guild_id: int | None) -> Drama | None:
        """The curated drama that names ``tmdb_id`` in this server: it stands for TMDB's."""
        shelf = self._shelf(guild_id)
        if shelf is not None:
            own = next((d for d in shelf.titles.dramas.values() if d.tmdb_id == tmdb_id), None)
            if own is not None:
                return own
        slug = self._twins.get(tmdb_id)
        drama = self.get(slug, guild_id) if slug is not None else None
        return drama if drama is not None and drama.tmdb_id == tmdb_id else None

    def _alphabetical(self, guild_id: int | None) -> Iterator[Drama]:
        """The dramas this server sees, alphabetically: the shipped order merged with its own."""
        shelf = self._shelf(guild_id)
        if shelf is None:
            return iter(self._titles.ordered)
        own = shelf.titles.dramas
        shipped = (d for d in self._titles.ordered if d.slug not in own)
        return heapq.merge(shipped, shelf.titles.ordered, key=title_order)

    def visible(self, guild_id: int | None) -> list[Drama]:
        return list(self._alphabetical(guild_id))

    def _title_scores(self, query: str, guild_id: int | None, *, limit: int, prefix: bool = False) -> dict[str, float]:
        scores = self._titles.scores(query, limit=limit, prefix=prefix)
        shelf = self._shelf(guild_id)
        if shelf is not None:
            for slug in shelf.titles.dramas:  # replaced in this server: scored by its own keys
                scores.pop(slug, None)
            scores.update(shelf.titles.scores(query, limit=limit, prefix=prefix))
        return scores

    def find(self, query: str, guild_id: int | None) -> Drama:
        """The one drama a member meant, or a :class:`UserError` that says what to try."""
        meant, suggestions = pick(self._title_scores(query, guild_id, limit=8))
        dramas = [d for d in (self.get(s, guild_id) for s in meant) if d is not None]
        if len(dramas) == 1:
            return dramas[0]
        if len(dramas) > 1:
            raise AmbiguousTitle([d.display_title for d in sorted(dramas, key=lambda d: d.year)])
        if not fold_title(query):
            raise UserError("Type a drama's title (its letters, digits or emoji), or pick one from the list.")
        raise DramaNotFound(query, [d.display_title for d in (self.get(s, guild_id) for s in suggestions) if d])

    def suggest(self, query: str, guild_id: int | None, *, limit: int = 25) -> list[Drama]:
        """Autocomplete: best first, at most ``limit``; everything alphabetically for an empty query."""
        if not fold_title(query):
            return list(islice(self._alphabetical(guild_id), limit))
        scores = self._title_scores(query, guild_id, limit=limit, prefix=True)
        ranked = sorted(scores.items(), key=lambda item: -item[1])[:limit]
        return [d for d in (self.get(slug, guild_id) for slug, _ in ranked) if d is not None]

    def _people_found(self, query: str, guild_id: int | None, *, limit: int, prefix: bool = False) -> dict[str, float]:
        scores = self._shipped.people.scores(query, limit=limit, prefix=prefix)
        shelf = self._shelf(guild_id)
        if shelf is not None:
            for key, score in shelf.people.scores(query, limit=limit, prefix=prefix).items():
                scores[key] = max(score, scores.get(key, 0.0))
        return scores

    def person(self, key: str, guild_id: int | None) -> Person | None:
        """Everything an actor played in the dramas this server sees."""
        shelf = self._shelf(guild_id)
        hidden = set(shelf.titles.dramas) if shelf else set()
        found: list[Person] = []
        shipped = self._shipped.people.person(key)
        if shipped is not None:
            roles = tuple(r for r in shipped.roles if r.drama.slug not in hidden)
            if roles:
                found.append(dataclasses.replace(shipped, roles=roles))
        own = shelf.people.person(key) if shelf is not None else None
        if own is not None:
            found.append(own)
        return merge_people(found) if found else None

    def find_person(self, query: str, guild_id: int | None) -> Person:
        """The one person a member meant; a name that starts several people's (``Park``) gets
        the people it could mean."""
        meant, suggestions = pick(self._people_found(query, guild_id, limit=8))
        people = [p for p in (self.person(k, guild_id) for k in meant) if p is not None]
        if people:  # two actors sharing a name exactly: the first, as their roles are listed by year
            return people[0]
        found = self._people_found(query, guild_id, limit=10, prefix=True)
        starting = [p for p in (self.person(k, guild_id) for k, s in found.items() if s >= PREFIX) if p is not None]
        if len(starting) == 1:
            return starting[0]
        if starting:
            raise AmbiguousPerson(query, starting)
        if not fold_name(query):
            raise UserError("Type an actor's or a character's name (its letters or digits), or pick one from the list.")
        raise PersonNotFound(query, [p for p in (self.person(k, guild_id) for k in suggestions) if p])

    def suggest_people(self, query: str, guild_id: int | None, *, limit: int = 25) -> list[Person]:
        if not fold(query):
            keys = list(self._shipped.people.ordered_keys[:limit])
            shelf = self._shelf(guild_id)
            if shelf is not None:
                keys = sorted({*keys, *shelf.people.ordered_keys})[:limit]
        else:
            scores = self._people_found(query, guild_id, limit=limit, prefix=True)
            keys = [k for k, _ in sorted(scores.items(), key=lambda item: -item[1])[:limit]]
        return [p for p in (self.person(k, guild_id) for k in keys) if p is not None]

    # -- changing --------------------------------------------------------------------------

    def _existing(self, drama: Drama, guild_id: int) -> Drama | None:
        """The drama this one would replace: same id, or same title and year (refused if those are two)."""
        by_slug = self.get(drama.slug, guild_id)
        by_title = next(
            (
                d
                for d in self.visible(guild_id)
                if fold_title(d.title) == fold_title(drama.title) and d.year == drama.year
            ),
            None,
        )
        if by_slug is not None and by_title is not None and by_slug.slug != by_title.slug:
            raise UserError(
                f"Nothing was added: this file's id is that of **{by_slug.display_title}** (`{by_slug.slug}`), "
                f"but its title and year are those of **{by_title.display_title}** (`{by_title.slug}`). "
                "Set `id` in the file to the drama it should replace."
            )
        return by_slug or by_title

    async def add(
        self, guild_id: int, drama: Drama, document: str, *, added_by: int, now: datetime, replace: bool
    ) -> Added:
        """Store a validated drama for a server; refuses to overwrite unless ``replace``."""
        async with self._lock:
            existing = self._existing(drama, guild_id)
            if existing is not None and not replace:
                raise UserError(
                    f"**{existing.display_title}** is already in the catalog. "
                    "Run the command again with `replace:True` to update it."
                )
            if existing is not None:
                drama = dataclasses.replace(drama, slug=existing.slug)
                await self._check_episodes_kept(guild_id, existing, drama)
            shelf = self._shelf_after(guild_id, drama)
            await self._storage.execute(
                "INSERT INTO guild_dramas (guild_id, slug, title, year, document, added_by, added_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (guild_id, slug) DO UPDATE SET title = excluded.title, year = excluded.year,"
                " document = excluded.document, added_by = excluded.added_by, added_at = excluded.added_at",
                (guild_id, drama.slug, drama.title, drama.year, document, added_by, now.isoformat()),
            )
            self._put_shelf(guild_id, shelf)
            return Added(drama, existing)

    async def _check_episodes_kept(self, guild_id: int, existing: Drama, drama: Drama) -> None:
        """Refuse a replacement without episodes that this server's votes or parties point at."""
        count = drama.episode_count
        if count >= existing.episode_count:
            return
        votes = await self._storage.fetchall(
            "SELECT episode, count(*) FROM votes WHERE guild_id = ? AND drama_slug = ? AND episode > ?"
            " GROUP BY episode ORDER BY episode",
            (guild_id, drama.slug, count),
        )
        parties = await self._storage.fetchall(
            "SELECT first_episode, last_episode FROM watch_parties WHERE guild_id = ? AND drama_slug = ?"
            " AND last_episode > ? AND cancelled_at IS NULL ORDER BY number",
            (guild_id, drama.slug, count),
        )
        used = []
        if votes:
            episodes = _numbers([int(row[0]) for row in votes])
            used.append(f"{_counted(sum(int(row[1]) for row in votes), 'vote')} for {episodes}")
        if parties:
            numbers = sorted({n for row in parties for n in range(max(row[0], count + 1), row[1] + 1)})
            used.append(f"{_counted(len(parties), 'watch party', 'watch parties')} for {_numbers(numbers)}")
        if used:
            raise UserError(
                f"Nothing was added: this file gives **{drama.display_title}** {count} episodes, but this server "
                f"still has {' and '.join(used)}. Withdraw or cancel those first, or keep the episodes."
            )

    def _shelf_after(self, guild_id: int, changed: Drama | None, removed: str | None = None) -> Indexes | None:
        """The server's shelf as it will be after a change: built (and checked) before it is stored."""
        shelf = self._shelves.get(guild_id)
        own = dict(shelf.titles.dramas) if shelf else {}
        if removed is not None:
            own.pop(removed, None)
        if changed is not None:
            own[changed.slug] = changed
        dramas = list(own.values())
        check_unique(dramas)
        return Indexes.build(dramas) if dramas else None

    def _put_shelf(self, guild_id: int, shelf: Indexes | None) -> None:
        if shelf is None:
            self._shelves.pop(guild_id, None)
        else:
            self._shelves[guild_id] = shelf

    async def remove(self, guild_id: int, drama: Drama, *, with_records: bool = False) -> Drama | None:
        """Remove a drama this server added; return the shipped drama that shows again, if any.
        ``with_records`` (an admin confirmed it) removes the server's records of it in the same
        transaction; without it they refuse the removal (:class:`DramaInUse`).

        A drama of the server's own is refused while the server's records point at it
        (:data:`bot.storage.DRAMA_RECORDS`); they are counted and the drama deleted in one transaction.
        """
        async with self._lock:
            shelf = self._shelves.get(guild_id)
            if drama.from_tmdb:
                raise UserError(
                    f"**{drama.display_title}** comes from TMDB, not from this server's catalog: "
                    "only dramas added with `/catalog add` can be removed."
                )
            if shelf is None or drama.slug not in shelf.titles.dramas:
                raise UserError(
                    f"**{drama.display_title}** ships with the bot, so it can't be removed here. "
                    "You can replace it with `/catalog add replace:True`."
                )
            shipped = self._titles.dramas.get(drama.slug)
            shelf = self._shelf_after(guild_id, None, removed=drama.slug)
            async with self._storage.transaction() as db:
                if shipped is None:
                    used = []
                    for table, (one, many) in DRAMA_RECORDS.items():
                        row = await db.fetchone(
                            f"SELECT count(*) FROM {table} WHERE guild_id = ? AND drama_slug = ?",
                            (guild_id, drama.slug),
                        )
                        count = int(row[0]) if row is not None else 0
                        if count:
                            used.append(_counted(count, one, many))
                    if used and not with_records:
                        raise DramaInUse(drama, ", ".join(used))
                    for table in DRAMA_RECORDS if with_records else ():  # constants of storage, never input
                        await db.execute(
                            f"DELETE FROM {table} WHERE guild_id = ? AND drama_slug = ?", (guild_id, drama.slug)
                        )
                await db.execute("DELETE FROM guild_dramas WHERE guild_id = ? AND slug = ?", (guild_id, drama.slug))
            self._put_shelf(guild_id, shelf)
            return shipped
