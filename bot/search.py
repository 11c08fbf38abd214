"""Finding dramas and people by what members type: any case, spacing, punctuation, small typos.

Keys are folded before they are compared (:mod:`bot.folding`: ``"SOUNDTRACK#1"`` and
``"soundtrack 1"`` both become ``"soundtrack1"``, and ``Sun-Woo`` meets ``Seon-Woo``). Fuzzy
matching is rapidfuzz's.

An index is immutable and built once per set of dramas; :mod:`bot.club_catalog` keeps one for the
shipped catalog and a small one for each server's own additions, and merges their answers.
"""

from __future__ import annotations

import bisect
import itertools
import sys
from array import array
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from bot.catalog import MAX_CAST, CastMember, Drama
from bot.folding import fold, fold_name, fold_names, words

EXACT = 200.0  # the score of a key that matches exactly; fuzzy scores are 0..100
PREFIX = 150.0  # the score of a key the query is the start of (autocomplete only)
FUZZY_CUTOFF = 80.0  # a fuzzy match this good is taken as the member's meaning...
FUZZY_MARGIN = 5.0  # ...if nothing else comes this close
SUGGEST_CUTOFF = 55.0


Entry = tuple[str, str, tuple[str, ...]]  # (owner, whole key, prefix keys)
State = Iterator[Any]  # an index's state: plain values, one after another (see Indexes.state)
_END = object()


def title_entry(owner: str, name: str) -> Entry:
    """A title: found whole, and from the start of any of its words (``river`` finds *Moon River*)."""
    parts = words(name)
    return owner, fold(name), tuple(fold("".join(parts[i:])) for i in range(len(parts)))


def _person_keys(dramas: Sequence[Drama]) -> dict[str, tuple[str, ...]]:
    """The keys of every actor's and character's name in the cast of these dramas: the whole
    name, and the given name alone (``Han Seon-Woo`` -> ``Seon-Woo``); the whole name's first.

    Only these two: syllables such as ``woo`` are shared by thousands of names. Each name is
    folded once (names recur across dramas), and all of them together (:func:`fold_names`).
    """
    names = list(
        dict.fromkeys(
            name
            for drama in dramas
            for member in drama.cast
            for name in (member.actor, *member.actor_aliases, member.character, *member.character_aliases)
        )
    )
    wholes = fold_names(names)
    givens = fold_names([" ".join(name.split()[1:]) for name in names])
    return {
        name: (whole, given) if given and given != whole else (whole,)
        for name, whole, given in zip(names, wholes, givens, strict=True)
    }


def _own(table: dict[str, int | list[int]], key: str, owner: int) -> None:
    """``owner`` owns ``key`` too: a key owned once holds the int, a key owned more a list.

    An owner's keys arrive together, so a repeat is nearly always the last owner; the few others
    are dropped by :func:`_owners_once` (a given name such as "Min-ji" can have thousands of owners).
    """
    held = table.setdefault(key, owner)
    if held == owner:
        return
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


def _join(texts: Collection[str]) -> str:
    """Non-empty keys as one text, a line break between each (folded keys and slugs never
    contain one; an empty key is never stored, so ``""`` is the empty list)."""
    if not texts:
        return ""
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1 or not all(texts):
        raise ValueError("a key is empty or contains a line break")
    return joined


def _split(joined: str) -> list[str]:
    return joined.split("\n") if joined else []


def _pack(held: Iterable[int | tuple[int, ...]]) -> tuple[bytes, tuple[tuple[int, ...], ...]]:
    """Owner numbers as an array's bytes; a tuple of several owners is ``-(n + 1)``, its place
    ``n`` among the returned tuples (the layout of :attr:`_KeyIndex._prefix_owners`)."""
    numbers = array("i")
    shared: list[tuple[int, ...]] = []
    for owners in held:
        if isinstance(owners, int):
            numbers.append(owners)
        else:
            shared.append(owners)
            numbers.append(-len(shared))
    return numbers.tobytes(), tuple(shared)


def _unpack(
    packed: bytes, shared: tuple[tuple[int, ...], ...], numbers: Sequence[int] | None = None
) -> list[int | tuple[int, ...]]:
    """What :func:`_pack` packed. With ``numbers`` (``list(range(n))``), every mention of a
    number is that one object, as in the index that was built, not an object of its own."""
    if numbers is None:
        return [number if number >= 0 else shared[-number - 1] for number in array("i", packed)]
    tuples = [tuple(numbers[n] for n in owners) for owners in shared]
    return [numbers[number] if number >= 0 else tuples[-number - 1] for number in array("i", packed)]


def _refer(texts: list[str], keys: Iterable[str]) -> tuple[bytes, str]:
    """Each of ``texts`` (distinct) as its position among ``keys``, or, if it is not a key,
    as ``-(n + 1)``, its place ``n`` among the returned other texts."""
    wanted = {text: number for number, text in enumerate(texts)}  # the smaller side is mapped
    places = array("i", bytes(4 * len(texts)))
    for position, key in enumerate(keys):
        number = wanted.pop(key, None)
        if number is not None:
            places[number] = position
    for place, number in enumerate(wanted.values()):
        places[number] = -place - 1
    return places.tobytes(), _join(list(wanted))


def _resolve(places: bytes, extra: str, keys: list[str]) -> list[str]:
    """The texts :func:`_refer` described, sharing the key strings rather than copying them."""
    others = _split(extra)
    return [keys[place] if place >= 0 else others[-place - 1] for place in array("i", places)]


def _lengths_that_can_match(length: int) -> tuple[int, int]:
    """The shortest and longest key that can score :data:`SUGGEST_CUTOFF` against a query of
    ``length`` characters (give or take one, so that rounding never drops a key).

    rapidfuzz's ratio is ``200 * LCS / (len(query) + len(key))`` and the longest common
    subsequence is no longer than the shorter of the two, so a key much longer or much shorter
    than the query cannot come close. Autocomplete queries are the start of what a member means
    to type, shorter than most titles: a query of 7 letters can only match keys of 3 to 18.
    """
    cutoff = int(SUGGEST_CUTOFF)
    return length * cutoff // (200 - cutoff) - 1, length * (200 - cutoff) // cutoff + 1


def _by_length(keys: Iterable[str]) -> tuple[list[str], array[int]]:
    """The keys, shortest first (in their order within a length), and where each length starts:
    the keys of ``n`` characters or more are those from ``starts[min(n, len(starts) - 1)]`` on."""
    ordered = sorted(keys, key=len)
    longest = len(ordered[-1]) if ordered else 0
    return ordered, array("i", (bisect.bisect_left(ordered, n, key=len) for n in range(longest + 2)))


def _scan(key: str, keys: Sequence[str], limit: int) -> list[tuple[str, float, int]]:
    """The keys most like ``key`` that reach :data:`SUGGEST_CUTOFF`, best first, as (key, score,
    place in ``keys``): three times ``limit``, as several keys can have one owner."""
    return process.extract(key, keys, scorer=fuzz.ratio, limit=limit * 3, score_cutoff=SUGGEST_CUTOFF)


class _KeyIndex:
    """Folded keys, each owned by one or more ids: exact, prefix and fuzzy look-ups.

    Fuzzy matching scans the whole keys (one per name), kept shortest first so that it reads only
    those of a length that can match (:func:`_lengths_that_can_match`); autocomplete's fuzzy pass
    scans the prefix keys that begin with the query's first character instead. Prefix matching is a
    binary search over sorted prefix keys: for titles these are the start of every word
    (``"river"`` finds *Moon River*), kept in a table of their own; for names
    (:meth:`of_names`) they are the keys themselves, whose owners the exact table already
    holds. Kept compact for catalogs of many thousands: owners are small integers, a key owned
    once maps to an int (not a tuple), and a title prefix's owners sit in one array beside the
    sorted keys (a negative entry points into a table of the few prefixes several owners share).
    Built in one pass with no temporary pairs, so building costs little more memory than the
    index itself.
    """

    __slots__ = (
        "_exact",
        "_length_starts",
        "_owners",
        "_prefix_keys",
        "_prefix_owners",
        "_shared_prefixes",
        "_whole_keys",
    )

    def __init__(self, entries: Iterable[Entry], exact_only: Iterable[tuple[str, str]] = ()) -> None:
        """``entries`` are found whole and by their prefixes; ``exact_only`` (key, owner) pairs
        only whole."""
        numbers: dict[str, int] = {}
        exact: dict[str, int | list[int]] = {}
        starts: dict[str, int | list[int]] = {}
        for owner, whole, prefixes in entries:
            number = numbers.setdefault(owner, len(numbers))
            if whole:
                _own(exact, whole, number)
            for start in prefixes:
                if start:
                    _own(starts, start, number)
        self._whole_keys, self._length_starts = _by_length(exact)
        for key, owner in exact_only:
            if key:
                _own(exact, key, numbers.setdefault(owner, len(numbers)))
        self._owners = list(numbers)
        del numbers
        self._exact = _freeze(exact)
        prefixes = _freeze(starts)
        self._prefix_keys = sorted(prefixes)
        packed, self._shared_prefixes = _pack(prefixes[key] for key in self._prefix_keys)
        self._prefix_owners: array[int] | None = array("i", packed)

    @classmethod
    def of_names(cls, owners: list[str], exact: dict[str, int | list[int]]) -> _KeyIndex:
        """Names, found whole and by their start (their prefixes are the keys themselves):
        ``exact`` holds each key's owners as places in ``owners``, as :func:`_own` writes them."""
        index = cls.__new__(cls)
        index._owners = owners
        index._whole_keys, index._length_starts = _by_length(exact)
        index._exact = _freeze(exact)
        index._prefix_keys = sorted(exact)
        index._prefix_owners = None
        index._shared_prefixes = ()
        return index

    def state(self) -> State:
        """The index as a few strings, arrays and small tuples, made one at a time; :meth:`thaw`
        rebuilds it.

        Compact on purpose: a key appears once, as text, and every other mention of it (a
        prefix, an owner) is its position, so ``marshal`` writes the state with little more
        memory than its own size (the dicts and lists themselves would need a table of every
        shared object).
        """
        keys = self._exact.keys()
        yield _join(keys)
        yield _pack(self._exact.values())
        yield len(self._whole_keys)  # the whole keys are the exact table's first ones
        yield _refer(self._owners, keys)
        if self._prefix_owners is None:  # the prefixes are the whole keys, sorted again by thaw()
            yield None
        else:
            yield (*_refer(self._prefix_keys, keys), self._prefix_owners.tobytes(), self._shared_prefixes)

    @classmethod
    def thaw(cls, state: State) -> _KeyIndex:
        """The index :meth:`state` described; ``ValueError`` if its parts do not fit together."""
        keys = _split(next(state))
        exact_owners, exact_shared = next(state)
        whole = next(state)
        owners = next(state)
        prefixes = next(state)
        index = cls.__new__(cls)
        index._owners = _resolve(*owners, keys)
        numbers = list(range(len(index._owners)))
        index._exact = dict(zip(keys, _unpack(exact_owners, exact_shared, numbers), strict=True))
        if len(index._exact) != len(keys):
            raise ValueError("a key is listed twice")
        whole_keys = keys if whole == len(keys) else keys[:whole]
        index._whole_keys, index._length_starts = _by_length(whole_keys)
        if prefixes is None:
            index._prefix_keys = sorted(whole_keys)
            index._prefix_owners = None
            index._shared_prefixes = ()
        else:
            places, extra, prefix_owners, index._shared_prefixes = prefixes
            index._prefix_keys = _resolve(places, extra, keys)
            index._prefix_owners = array("i", prefix_owners)
            if len(index._prefix_owners) != len(index._prefix_keys):
                raise ValueError("the prefix keys and their owners differ in number")
        return index

    @property
    def owners(self) -> list[str]:
        """Every owner, in the order the entries named them first."""
        return self._owners

    def _named(self, held: int | tuple[int, ...] | None) -> tuple[str, ...]:
        if held is None:
            return ()
        if isinstance(held, int):
            return (self._owners[held],)
        return tuple(self._owners[n] for n in held)

    def exact(self, key: str) -> tuple[str, ...]:
        return self._named(self._exact.get(key))

    def _prefix_held(self, place: int) -> int | tuple[int, ...]:
        """The owners of the prefix key at ``place`` in :attr:`_prefix_keys`."""
        owners = self._prefix_owners
        if owners is None:  # the prefixes are the keys
            return self._exact[self._prefix_keys[place]]
        owner = owners[place]
        return owner if owner >= 0 else self._shared_prefixes[-owner - 1]

    def prefixed(self, key: str, limit: int) -> list[str]:
        keys = self._prefix_keys
        places = itertools.takewhile(
            lambda place: keys[place].startswith(key), range(bisect.bisect_left(keys, key), len(keys))
        )
        return list(self._best_owners(((PREFIX, self._prefix_held(place)) for place in places), limit))

    def _best_owners(self, matches: Iterable[tuple[float, int | tuple[int, ...]]], limit: int) -> dict[str, float]:
        """The best ``limit`` owners and their scores, from (score, owners) best first: an
        owner's first score is its best, and an owner found later ranks no higher than those
        found before it. Naming every owner would cost more than the scan: a given name such
        as "Su-Su" can have a thousand.
        """
        best: dict[str, float] = {}
        for score, held in matches:
            for number in (held,) if isinstance(held, int) else held:
                if len(best) >= limit:
                    return best
                best.setdefault(self._owners[number], score)
        return best

    def fuzzy(self, key: str, limit: int) -> dict[str, float]:
        """The ``limit`` owners of the keys most like ``key`` (rapidfuzz's normalized Indel
        ratio, 0..100), best first; of equal scores, the shorter key's owners first."""
        shortest, longest = _lengths_that_can_match(len(key))
        starts, last = self._length_starts, len(self._length_starts) - 1
        keys = self._whole_keys[starts[min(max(shortest, 0), last)] : starts[min(longest + 1, last)]]
        return self._best_owners(((score, self._exact[match]) for match, score, _ in _scan(key, keys, limit)), limit)

    def fuzzy_same_start(self, key: str, limit: int) -> dict[str, float]:
        """Autocomplete's fuzzy pass: as :meth:`fuzzy`, but over the prefix keys (the start of
        every word of a title; every key of a name) that begin with the query's first character.

        A member typing a name or title rarely gets its first letter wrong, and the command
        itself still reads every key. This reads a fraction of them: with 10,000 dramas, the
        largest first-letter group of names has 18,778 of 121,166 keys. It also finds a typo in
        any word of a title ("rivr" finds *Moon River*), where the whole title scores too low.
        """
        keys = self._prefix_keys
        start = bisect.bisect_left(keys, key[0])
        end = bisect.bisect_left(keys, chr(ord(key[0]) + 1), start) if key[0] < chr(sys.maxunicode) else len(keys)
        found = _scan(key, keys[start:end], limit)
        return self._best_owners(((score, self._prefix_held(start + place)) for _, score, place in found), limit)

    def ranked(self, key: str, *, limit: int, prefix: bool) -> dict[str, float]:
        """Owner -> score: exact matches :data:`EXACT`, prefix ones :data:`PREFIX`, else fuzzy:
        :meth:`fuzzy`, or for autocomplete (``prefix``) :meth:`fuzzy_same_start`."""
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
            fuzzy = self.fuzzy_same_start(key, limit) if prefix else self.fuzzy(key, limit)
            for owner, score in fuzzy.items():
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

    def state(self) -> State:
        """Everything but the dramas, as plain data (see :meth:`thaw`)."""
        place = {slug: number for number, slug in enumerate(self.dramas)}
        yield array("i", [place[drama.slug] for drama in self.ordered]).tobytes()
        yield from self._keys.state()

    @classmethod
    def thaw(cls, dramas: Iterable[Drama], state: State) -> TitleIndex:
        """The index :meth:`build` made of these dramas, from its :meth:`state`."""
        by_slug = {drama.slug: drama for drama in dramas}
        listed = list(by_slug.values())
        ordered = tuple(listed[number] for number in array("i", next(state)))
        return cls(by_slug, ordered, _KeyIndex.thaw(state))

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
    _roles: dict[str, int | tuple[int, ...]]  # actor key (in the key index's owner order) -> packed roles
    _keys: _KeyIndex

    @classmethod
    def build(cls, dramas: Iterable[Drama]) -> PeopleIndex:
        dramas = tuple(dramas)
        keys = _person_keys(dramas)
        roles: dict[str, int | list[int]] = {}  # actor key -> packed roles, actors numbered in order
        numbers: dict[str, int] = {}
        exact: dict[str, int | list[int]] = {}  # every name's keys -> the numbers of the actors
        for number, drama in enumerate(dramas):
            for position, member in enumerate(drama.cast):
                actor = keys[member.actor][0]
                owner = numbers.setdefault(actor, len(numbers))
                _own(roles, actor, number * MAX_CAST + position)
                for name in (member.actor, *member.actor_aliases, member.character, *member.character_aliases):
                    for key in keys[name]:
                        if key:
                            _own(exact, key, owner)
        del keys  # before the index sorts its keys: the peak of building it
        index = _KeyIndex.of_names(list(numbers), exact)
        return cls(dramas, tuple(sorted(roles)), _freeze(roles), index)

    def state(self) -> State:
        """Everything but the dramas, as plain data (see :meth:`thaw`).

        The actor keys are not written twice: :meth:`build` adds them to ``_roles`` in the order
        the key index numbers its owners, so the owners are the keys of ``_roles``.
        """
        if any(actor != owner for actor, owner in zip(self._roles, self._keys.owners, strict=True)):
            raise ValueError("the roles are not in the key index's owner order")
        yield _pack(self._roles.values())
        yield from self._keys.state()

    @classmethod
    def thaw(cls, dramas: Iterable[Drama], state: State) -> PeopleIndex:
        """The index :meth:`build` made of these dramas, from its :meth:`state`."""
        packed, shared = next(state)
        index = _KeyIndex.thaw(state)
        roles = dict(zip(index.owners, _unpack(packed, shared), strict=True))
        return cls(tuple(dramas), tuple(sorted(roles)), roles, index)

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


@dataclass(frozen=True, slots=True)
class Indexes:
    """A set of dramas' title and people indexes."""

    titles: TitleIndex
    people: PeopleIndex

    @classmethod
    def build(cls, dramas: Sequence[Drama]) -> Indexes:
        return cls(TitleIndex.build(dramas), PeopleIndex.build(dramas))

    def state(self) -> State:
        """Both indexes as a dozen strings, bytes, numbers and small tuples, which ``marshal``
        stores and reads back ten times faster than :meth:`build` builds them.

        Made one part at a time, so a caller that writes each part before taking the next never
        holds more than one part's copy beside the indexes themselves.
        """
        yield len(self.people.dramas)
        yield from self.titles.state()
        yield from self.people.state()

    @classmethod
    def thaw(cls, dramas: Sequence[Drama], state: Iterable[Any]) -> Indexes:
        """The indexes :meth:`build` made of exactly these dramas, from the parts of their :meth:`state`.

        Raises ``ValueError``, ``TypeError`` or ``IndexError`` for a state that does not fit.
        """
        parts = iter(state)
        try:
            count = next(parts)
            if count != len(dramas):
                raise ValueError(f"the state describes {count} dramas, not {len(dramas)}")
            indexes = cls(TitleIndex.thaw(dramas, parts), PeopleIndex.thaw(dramas, parts))
        except StopIteration:
            raise ValueError("the state ends too early") from None
        if next(parts, _END) is not _END:
            raise ValueError("the state has more parts than the indexes")
        return indexes


def _by_year(roles: Sequence[Role]) -> tuple[Role, ...]:
    """Newest first; dramas of the same year by title."""
    if len(roles) == 1:
        return (roles[0],)
    return tuple(sorted(roles, key=lambda r: (-r.drama.year, r.drama.title)))


def merge_people(found: Sequence[Person]) -> Person:
    """One actor seen in several indexes (the shipped catalog and a server's own dramas)."""
    roles = {(r.drama.slug, r.member.character): r for person in found for r in person.roles}
    return Person(found[0].key, found[0].name, _by_year(list(roles.values())))
