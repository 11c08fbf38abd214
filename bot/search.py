"""Finding dramas and people by what members type: any case, spacing, punctuation, small typos.

Keys are folded before they are compared (:mod:`bot.folding`: ``"SOUNDTRACK#1"`` and
``"soundtrack 1"`` both become ``"soundtrack1"``, and ``Sun-Woo`` meets ``Seon-Woo``). Fuzzy
matching is rapidfuzz's.

An index is immutable and built once per set of dramas; :mod:`bot.club_catalog` keeps one for the
shipped catalog and a small one for each server's own additions, and merges their answers.
"""

from __future__ import annotations

import bisect
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from rapidfuzz import fuzz, process

from bot.drama import CastMember, Drama
from bot.folding import fold, fold_name, fold_names, fold_title, words

K = TypeVar("K")  # what a score is for: a drama's slug, a TMDB id

EXACT = 200.0  # the score of a key that matches exactly; fuzzy scores are 0..100
PREFIX = 150.0  # the score of a key the query is the start of (autocomplete only)
FUZZY_CUTOFF = 80.0  # a fuzzy match this good is taken as the member's meaning...
FUZZY_MARGIN = 5.0  # ...if nothing else comes this close
SUGGEST_CUTOFF = 55.0


def _owners(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Each key's owners, in the order first seen, each once; an empty key is never stored."""
    table: dict[str, dict[str, None]] = {}
    for key, owner in pairs:
        table.setdefault(key, {})[owner] = None
    table.pop("", None)
    return {key: list(owners) for key, owners in table.items()}


class _KeyIndex:
    """Folded keys, each owned by one or more ids (drama slugs, actor keys).

    A key is found whole (``exact``), by its start (``prefixed``, a binary search over the sorted
    prefix keys) and by similarity (``fuzzy``). For titles the prefix keys are the start of every
    word (``"river"`` finds *Moon River*); for names they are the whole keys.
    """

    def __init__(
        self,
        whole: Iterable[tuple[str, str]],
        prefixes: Iterable[tuple[str, str]],
        exact_only: Iterable[tuple[str, str]] = (),
    ) -> None:
        """Each argument holds ``(key, owner)`` pairs; ``exact_only`` keys are found only whole."""
        exact = _owners(whole)
        self._fuzzy_keys = sorted(exact, key=len)  # of equal scores, the shorter key first
        starts = exact.copy() if prefixes is whole else _owners(prefixes)  # names: the same keys
        for key, owners in _owners(exact_only).items():
            exact[key] = list(dict.fromkeys([*exact.get(key, ()), *owners]))
        self._exact = exact
        self._prefix_keys = sorted(starts)
        self._prefix_owners = [starts[key] for key in self._prefix_keys]

    def exact(self, key: str) -> list[str]:
        return self._exact.get(key, [])

    def prefixed(self, key: str, limit: int) -> dict[str, float]:
        place = bisect.bisect_left(self._prefix_keys, key)
        matches = []
        while place < len(self._prefix_keys) and self._prefix_keys[place].startswith(key):
            matches.append((PREFIX, self._prefix_owners[place]))
            place += 1
        return _best_owners(matches, limit)

    def fuzzy(self, key: str, limit: int) -> dict[str, float]:
        """The ``limit`` owners of the whole keys most like ``key`` (rapidfuzz's normalized Indel
        ratio, 0..100), best first."""
        found = _scan(key, self._fuzzy_keys, limit)
        return _best_owners([(score, self._exact[match]) for match, score, _ in found], limit)

    def fuzzy_same_start(self, key: str, limit: int) -> dict[str, float]:
        """Autocomplete's fuzzy pass: as :meth:`fuzzy`, over the prefix keys that begin with the
        query's first character. A member typing rarely gets the first letter wrong (the command
        itself still reads every key), and a typo in any word of a title is found ("rivr")."""
        keys = self._prefix_keys
        start = bisect.bisect_left(keys, key[0])
        end = bisect.bisect_left(keys, chr(ord(key[0]) + 1), start) if ord(key[0]) < sys.maxunicode else len(keys)
        found = _scan(key, keys[start:end], limit)
        return _best_owners([(score, self._prefix_owners[start + place]) for _, score, place in found], limit)

    def ranked(self, key: str, *, limit: int, prefix: bool) -> dict[str, float]:
        """Owner -> score: exact matches :data:`EXACT`, prefix ones :data:`PREFIX`, else fuzzy:
        :meth:`fuzzy`, or for autocomplete (``prefix``) :meth:`fuzzy_same_start`."""
        if not key:
            return {}
        exact = self.exact(key)
        if exact and not prefix:  # an exact key is what the member meant; no need to look further
            return dict.fromkeys(exact, EXACT)
        scores = self.prefixed(key, limit) if prefix else {}
        if len(scores) < limit:
            fuzzy = self.fuzzy_same_start(key, limit) if prefix else self.fuzzy(key, limit)
            for owner, score in fuzzy.items():
                scores[owner] = max(score, scores.get(owner, 0.0))
        for owner in exact:
            scores[owner] = EXACT
        return scores


def _scan(key: str, keys: Sequence[str], limit: int) -> list[tuple[str, float, int]]:
    """The keys most like ``key`` that reach :data:`SUGGEST_CUTOFF`, best first, as (key, score,
    place in ``keys``): three times ``limit``, as several keys can have one owner."""
    return process.extract(key, keys, scorer=fuzz.ratio, limit=limit * 3, score_cutoff=SUGGEST_CUTOFF)


def _best_owners(matches: Iterable[tuple[float, list[str]]], limit: int) -> dict[str, float]:
    """The first ``limit`` owners of (score, owners) matches given best first, with their best score."""
    best: dict[str, float] = {}
    for score, owners in matches:
        for owner in owners:
            if len(best) >= limit:
                return best
            best.setdefault(owner, score)
    return best


def pick(scores: Mapping[K, float]) -> tuple[list[K], list[K]]:
    """Decide what a typed query meant: ``(meant, suggestions)``.

    ``meant`` holds one id when the query is clear, several when they tie exactly (a title two
    dramas share), and none when the member has to choose from ``suggestions``.
    """
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    exact = [owner for owner, score in ranked if score >= EXACT]
    if exact:
        return exact, []
    if ranked:
        best, best_score = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if best_score >= FUZZY_CUTOFF and best_score - runner_up >= FUZZY_MARGIN:
            return [best], []
    return [], [owner for owner, score in ranked if score >= SUGGEST_CUTOFF][:5]


@dataclass(frozen=True, slots=True)
class TitleIndex:
    """Dramas by title, alias, native title and "title year"; drama slugs are the owners."""

    dramas: dict[str, Drama]
    ordered: tuple[Drama, ...]  # alphabetically
    _keys: _KeyIndex

    @classmethod
    def build(cls, dramas: Iterable[Drama]) -> TitleIndex:
        by_slug = {drama.slug: drama for drama in dramas}
        names = [(slug, name, drama.year) for slug, drama in by_slug.items() for name in title_names(drama)]
        keys = _KeyIndex(
            whole=[(fold_title(name), slug) for slug, name, _ in names],
            prefixes=[(start, slug) for slug, name, _ in names for start in word_starts(name)],
            exact_only=[(fold_title(f"{name} {year}"), slug) for slug, name, year in names],
        )
        return cls(by_slug, tuple(sorted(by_slug.values(), key=title_order)), keys)

    def scores(self, query: str, *, limit: int, prefix: bool = False) -> dict[str, float]:
        query = query.strip()
        scores = self._keys.ranked(fold_title(query), limit=limit, prefix=prefix)
        if query in self.dramas:  # an autocomplete choice's value is the slug
            scores[query] = EXACT + 1
        return scores


def word_starts(name: str) -> list[str]:
    """A title is found from the start of any of its words: ``river`` finds *Moon River*."""
    parts = words(name)
    if not any(c.isalpha() for part in parts for c in part):  # symbols (and numbers): from the start only
        return [fold_title(name)]
    return [fold("".join(parts[i:])) for i in range(len(parts))]


def title_order(drama: Drama) -> tuple[str, int]:
    return (fold(drama.title), drama.year)


def title_names(drama: Drama) -> list[str]:
    names = [drama.title, *drama.aliases]
    if drama.native_title:
        names.append(drama.native_title)
    return names


@dataclass(frozen=True, slots=True)
class Role:
    drama: Drama
    member: CastMember


@dataclass(frozen=True, slots=True)
class Person:
    """An actor and every role of theirs in a set of dramas."""

    key: str
    name: str
    roles: tuple[Role, ...]


def name_keys(name: str) -> list[str]:
    """The whole name, and the given name alone (``Han Seon-Woo`` -> ``Seon-Woo``).

    Only these two: syllables such as ``woo`` are shared by thousands of names.
    """
    whole, given = fold_name(name), fold_name(" ".join(name.split()[1:]))
    return [whole, given] if given and given != whole else [whole]


@dataclass(frozen=True, slots=True)
class PeopleIndex:
    """Actors by their names and by the names of the characters they play; actor keys are the owners."""

    ordered_keys: tuple[str, ...]  # the actor keys, sorted
    _people: dict[str, Person]
    _keys: _KeyIndex

    @classmethod
    def build(cls, dramas: Iterable[Drama]) -> PeopleIndex:
        members = [(drama, member) for drama in dramas for member in drama.cast]
        names = [(m.actor, *m.actor_aliases, m.character, *m.character_aliases) for _, m in members]
        # name_keys() of every name, folded in one pass: the whole name, then the given name alone
        texts = [text for own in names for name in own for text in (name, " ".join(name.split()[1:]))]
        folded = iter(fold_names(texts))
        roles: dict[str, list[Role]] = {}
        keys: list[tuple[str, str]] = []
        for (drama, member), own in zip(members, names, strict=True):
            pairs = [(next(folded), next(folded)) for _ in own]
            actor = pairs[0][0]
            roles.setdefault(actor, []).append(Role(drama, member))
            for whole, given in pairs:
                keys.append((whole, actor))
                if given and given != whole:
                    keys.append((given, actor))
        people = {key: Person(key, found[0].member.actor, by_year(found)) for key, found in roles.items()}
        return cls(tuple(sorted(people)), people, _KeyIndex(whole=keys, prefixes=keys))

    def __contains__(self, key: str) -> bool:
        return key in self._people

    def person(self, key: str) -> Person | None:
        """The actor with this key and their roles, newest first; ``None`` if nobody has it."""
        return self._people.get(key)

    def scores(self, query: str, *, limit: int, prefix: bool = False) -> dict[str, float]:
        return self._keys.ranked(fold_name(query), limit=limit, prefix=prefix)


class Indexes:
    """A set of dramas' title and people indexes.

    Titles are indexed at once: nearly every command looks a drama up. The people index, which
    only /actor uses, is built at its first use; the bot builds it on a worker thread once it is
    ready to answer, so that a start does not wait for it. The lock makes it one build when that
    thread and an early /actor ask at the same time (the second waits for the first).
    """

    def __init__(self, titles: TitleIndex, dramas: Sequence[Drama]) -> None:
        self.titles = titles
        self._dramas = dramas
        self._people: PeopleIndex | None = None
        self._building = threading.Lock()

    @classmethod
    def build(cls, dramas: Sequence[Drama]) -> Indexes:
        return cls(TitleIndex.build(dramas), dramas)

    @property
    def people(self) -> PeopleIndex:
        with self._building:
            if self._people is None:
                self._people = PeopleIndex.build(self._dramas)
            return self._people


def by_year(roles: Sequence[Role]) -> tuple[Role, ...]:
    """Newest first; dramas of the same year by title."""
    return tuple(sorted(roles, key=lambda r: (-r.drama.year, r.drama.title)))


def merge_people(found: Sequence[Person]) -> Person:
    """One actor seen in several indexes (the shipped catalog and a server's own dramas)."""
    roles = {(r.drama.slug, r.member.character): r for person in found for r in person.roles}
    return Person(found[0].key, found[0].name, by_year(list(roles.values())))
