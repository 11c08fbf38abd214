"""Finding dramas and people by what members type: any case, spacing, punctuation, small typos.

Keys are *folded* before they are compared: Unicode NFKC, case-folded, everything but letters and
digits removed (``"SOUNDTRACK#1"`` and ``"soundtrack 1"`` both become ``"soundtrack1"``). Names are
folded a step further across the common romanizations of Korean (``eo``/``u``, ``oo``/``u``,
``ee``/``i``), so ``Sun-Woo`` meets ``Seon-Woo``. Fuzzy matching is rapidfuzz's.

An index is immutable and built once per set of dramas; :mod:`bot.club_catalog` keeps one for the
shipped catalog and a small one for each server's own additions, and merges their answers.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.catalog import MAX_CAST, CastMember, Drama

_NOT_ALNUM = re.compile(r"[\W_]+")
_WORD = re.compile(r"\w+")
# Romanization folds, applied in order to already-folded names.
_ROMANIZATION = (("eo", "u"), ("oo", "u"), ("ou", "u"), ("ee", "i"), ("wu", "u"), ("kk", "k"))

EXACT = 200.0  # the score of a key that matches exactly; fuzzy scores are 0..100
PREFIX = 150.0  # the score of a key the query is the start of (autocomplete only)
FUZZY_CUTOFF = 80.0  # a fuzzy match this good is taken as the member's meaning...
FUZZY_MARGIN = 5.0  # ...if nothing else comes this close
SUGGEST_CUTOFF = 55.0


def fold(text: str) -> str:
    """``"Soundtrack #1"`` -> ``"soundtrack1"``. Letters of every script survive."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).casefold())


def fold_name(text: str) -> str:
    """:func:`fold`, plus folding of romanization variants: ``"Seon-Woo"`` -> ``"sunu"``."""
    folded = fold(text)
    for old, new in _ROMANIZATION:
        folded = folded.replace(old, new)
    return folded


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(unicodedata.normalize("NFKC", text).casefold()) if w != "_"]


Entry = tuple[str, str, tuple[str, ...]]  # (owner, whole key, prefix keys)


def title_entry(owner: str, name: str) -> Entry:
    """A title: found whole, and from the start of any of its words (``river`` finds *Moon River*)."""
    parts = words(name)
    return owner, fold(name), tuple(fold("".join(parts[i:])) for i in range(len(parts)))


def person_entries(owner: str, name: str, fold_once: Callable[[str], str] = fold_name) -> tuple[Entry, ...]:
    """A person: the whole name, and the given name alone (``Han Seon-Woo`` -> ``Seon-Woo``).

    Only these two are prefixes: syllables such as ``woo`` are shared by thousands of names.
    """
    whole = fold_once(name)
    given = fold_once(" ".join(name.split()[1:]))
    if given and given != whole:
        return (owner, whole, (whole, given)), (owner, given, ())
    return ((owner, whole, (whole,)),)


def _own(table: dict[str, int | list[int]], key: str, owner: int) -> None:
    """``owner`` also owns ``key`` (the rare case: the common one is written inline).

    An owner's keys arrive together, so a repeat is nearly always the last owner; the few others
    are dropped by :func:`_owners_once` (a given name such as "Min-ji" can have thousands of owners).
    """
    held = table[key]
    if isinstance(held, int):
        table[key] = [held, owner]
    elif held[-1] != owner:
        held.append(owner)


def _owners_once(held: list[int]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(held))


def _freeze(table: dict[str, int | list[int]]) -> dict[str, int | tuple[int, ...]]:
    """The same table with every owner list made a tuple, each owner once (in place)."""
    for key, held in table.items():
        if not isinstance(held, int):
            table[key] = _owners_once(held)  # type: ignore[assignment]
    return table  # type: ignore[return-value]


class _KeyIndex:
    """Folded keys, each owned by one or more ids: exact, prefix and fuzzy look-ups.

    Fuzzy matching scans only the whole keys (one per name); prefix matching also finds a query
    at the start of any later word (``"river"`` finds *Moon River*) with a binary search. Kept
    compact for catalogs of many thousands: owners are small integers, a key owned once maps to
    an int (not a tuple), and prefix owners sit in one array beside the sorted keys (a negative
    entry points into a table of the few prefixes several owners share). Built in one pass with
    no temporary pairs, so building costs little more memory than the index itself.
    """

    __slots__ = ("_exact", "_owners", "_prefix_keys", "_prefix_owners", "_shared_prefixes", "_whole_keys")

    def __init__(self, entries: Iterable[Entry], exact_only: Iterable[tuple[str, str]] = ()) -> None:
        """``entries`` are found whole and by prefix; ``exact_only`` (key, owner) pairs only whole."""
        numbers: dict[str, int] = {}
        exact: dict[str, int | list[int]] = {}
        starts: dict[str, int | list[int]] = {}
        for owner, whole, prefixes in entries:
            number = numbers.setdefault(owner, len(numbers))
            if whole:
                held = exact.setdefault(whole, number)
                if held != number:
                    _own(exact, whole, number)
            for start in prefixes:
                if start:
                    held = starts.setdefault(start, number)
                    if held != number:
                        _own(starts, start, number)
        self._whole_keys = list(exact)
        for key, owner in exact_only:
            if key:
                number = numbers.setdefault(owner, len(numbers))
                if exact.setdefault(key, number) != number:
                    _own(exact, key, number)
        self._owners = list(numbers)
        del numbers
        self._exact = _freeze(exact)
        self._prefix_keys = sorted(starts)
        self._prefix_owners = array("l", bytes(8 * len(self._prefix_keys)))
        shared: list[tuple[int, ...]] = []
        for index, key in enumerate(self._prefix_keys):
            held = starts[key]
            if isinstance(held, int):
                self._prefix_owners[index] = held
            else:
                shared.append(_owners_once(held))
                self._prefix_owners[index] = -len(shared)
        self._shared_prefixes = tuple(shared)

    def _named(self, held: int | tuple[int, ...] | None) -> tuple[str, ...]:
        if held is None:
            return ()
        if isinstance(held, int):
            return (self._owners[held],)
        return tuple(self._owners[n] for n in held)

    def exact(self, key: str) -> tuple[str, ...]:
        return self._named(self._exact.get(key))

    def prefixed(self, key: str, limit: int) -> list[str]:
        found: dict[str, None] = {}
        start = bisect.bisect_left(self._prefix_keys, key)
        for index in range(start, len(self._prefix_keys)):
            if not self._prefix_keys[index].startswith(key) or len(found) >= limit:
                break
            owner = self._prefix_owners[index]
            for number in (owner,) if owner >= 0 else self._shared_prefixes[-owner - 1]:
                found.setdefault(self._owners[number])
        return list(found)[:limit]

    def fuzzy(self, key: str, limit: int) -> dict[str, float]:
        """Whole-key similarity (rapidfuzz's normalized Indel ratio), 0..100."""
        best: dict[str, float] = {}
        for match, score, _ in process.extract(
            key, self._whole_keys, scorer=fuzz.ratio, limit=limit * 3, score_cutoff=SUGGEST_CUTOFF
        ):
            for owner in self._named(self._exact[match]):
                best[owner] = max(score, best.get(owner, 0.0))
        return best

    def ranked(self, key: str, *, limit: int, prefix: bool) -> dict[str, float]:
        """Owner -> score: exact matches :data:`EXACT`, prefix ones :data:`PREFIX`, else fuzzy."""
        if not key:
            return {}
        exact = self.exact(key)
        if exact and not prefix:  # an exact key is what the member meant; no need to look further
            return dict.fromkeys(exact, EXACT)
        scores: dict[str, float] = {}
        if prefix:
            for owner in self.prefixed(key, limit):
                scores[owner] = PREFIX
        if len(scores) < limit:
            for owner, score in self.fuzzy(key, limit).items():
                scores[owner] = max(score, scores.get(owner, 0.0))
        for owner in exact:
            scores[owner] = EXACT
        return scores


def pick(scores: dict[str, float]) -> tuple[list[str], list[str]]:
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
    ordered: tuple[Drama, ...]  # alphabetically, sorted once rather than on every keystroke
    _keys: _KeyIndex

    @classmethod
    def build(cls, dramas: Iterable[Drama]) -> TitleIndex:
        by_slug = {drama.slug: drama for drama in dramas}
        entries = [title_entry(slug, name) for slug, d in by_slug.items() for name in title_names(d)]
        with_year = [(fold(f"{name} {d.year}"), slug) for slug, d in by_slug.items() for name in title_names(d)]
        ordered = tuple(sorted(by_slug.values(), key=title_order))
        return cls(by_slug, ordered, _KeyIndex(entries, with_year))

    def scores(self, query: str, *, limit: int, prefix: bool = False) -> dict[str, float]:
        query = query.strip()
        scores = self._keys.ranked(fold(query), limit=limit, prefix=prefix)
        if query in self.dramas:  # an autocomplete choice's value is the slug
            scores[query] = EXACT + 1
        return scores


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


@dataclass(frozen=True, slots=True)
class PeopleIndex:
    """Actors by their names and by the names of the characters they play.

    Compact for catalogs of many thousands: an actor's roles are kept as integers (the drama's
    place in :attr:`dramas` times :data:`MAX_CAST`, plus the cast member's place in its cast),
    and a :class:`Person` is made when one is asked for.
    """

    dramas: tuple[Drama, ...]
    ordered_keys: tuple[str, ...]  # the actor keys, sorted once
    _roles: dict[str, int | tuple[int, ...]]  # actor key -> packed roles, in catalog order
    _keys: _KeyIndex

    @classmethod
    def build(cls, dramas: Iterable[Drama]) -> PeopleIndex:
        dramas = tuple(dramas)
        roles: dict[str, int | list[int]] = {}
        folded: dict[str, str] = {}  # an actor or a character name recurs across dramas: fold it once

        def fold_once(name: str) -> str:
            key = folded.get(name)
            if key is None:
                key = folded[name] = fold_name(name)
            return key

        def entries() -> Iterator[Entry]:  # streamed: 60,000 cast members make many keys
            for number, drama in enumerate(dramas):
                for position, member in enumerate(drama.cast):
                    key = fold_once(member.actor)
                    packed = number * MAX_CAST + position
                    if roles.setdefault(key, packed) != packed:
                        _own(roles, key, packed)
                    for name in (member.actor, *member.actor_aliases, member.character, *member.character_aliases):
                        yield from person_entries(key, name, fold_once)
            folded.clear()  # before the index sorts its keys: the peak of building it

        index = _KeyIndex(entries())
        return cls(dramas, tuple(sorted(roles)), _freeze(roles), index)

    def __contains__(self, key: str) -> bool:
        return key in self._roles

    def person(self, key: str) -> Person | None:
        """The actor with this key and their roles, newest first; ``None`` if nobody has it."""
        held = self._roles.get(key)
        if held is None:
            return None
        roles = [
            Role(self.dramas[packed // MAX_CAST], self.dramas[packed // MAX_CAST].cast[packed % MAX_CAST])
            for packed in ((held,) if isinstance(held, int) else held)
        ]
        return Person(key, roles[0].member.actor, _by_year(roles))

    def scores(self, query: str, *, limit: int, prefix: bool = False) -> dict[str, float]:
        return self._keys.ranked(fold_name(query), limit=limit, prefix=prefix)


def _by_year(roles: Sequence[Role]) -> tuple[Role, ...]:
    """Newest first; dramas of the same year by title."""
    if len(roles) == 1:
        return (roles[0],)
    return tuple(sorted(roles, key=lambda r: (-r.drama.year, r.drama.title)))


def merge_people(found: Sequence[Person]) -> Person:
    """One actor seen in several indexes (the shipped catalog and a server's own dramas)."""
    roles = {(r.drama.slug, r.member.character): r for person in found for r in person.roles}
    return Person(found[0].key, found[0].name, _by_year(list(roles.values())))
