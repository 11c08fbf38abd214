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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.catalog import CastMember, Drama

_NOT_ALNUM = re.compile(r"[\W_]+")
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


def name_keys(name: str) -> set[str]:
    """A person's keys: the whole name, and the given name alone (``"Han Seon-Woo"`` -> ``"sunu"``)."""
    keys = {fold_name(name)}
    parts = name.split()
    if len(parts) > 1:
        keys.add(fold_name(" ".join(parts[1:])))
    keys.discard("")
    return keys


class _KeyIndex:
    """Sorted folded keys, each owned by one or more ids: exact, prefix and fuzzy look-ups."""

    __slots__ = ("_owners", "_sorted_keys", "_sorted_owners")

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        owners: dict[str, list[str]] = {}
        for key, owner in pairs:
            bucket = owners.setdefault(key, [])
            if owner not in bucket:
                bucket.append(owner)
        self._owners = {k: tuple(v) for k, v in owners.items()}
        self._sorted_keys = sorted(self._owners)
        self._sorted_owners = [self._owners[k] for k in self._sorted_keys]

    def exact(self, key: str) -> tuple[str, ...]:
        return self._owners.get(key, ())

    def prefixed(self, key: str, limit: int) -> list[str]:
        found: dict[str, None] = {}
        start = bisect.bisect_left(self._sorted_keys, key)
        for index in range(start, len(self._sorted_keys)):
            if not self._sorted_keys[index].startswith(key) or len(found) >= limit:
                break
            for owner in self._sorted_owners[index]:
                found.setdefault(owner)
        return list(found)[:limit]

    def fuzzy(self, key: str, limit: int, *, strict: bool) -> dict[str, float]:
        """Whole-key similarity when ``strict`` (deciding), else rapidfuzz's forgiving WRatio (suggesting)."""
        scorer = fuzz.ratio if strict else fuzz.WRatio
        best: dict[str, float] = {}
        for _, score, index in process.extract(
            key, self._sorted_keys, scorer=scorer, limit=limit * 3, score_cutoff=SUGGEST_CUTOFF
        ):
            for owner in self._sorted_owners[index]:
                best[owner] = max(score, best.get(owner, 0.0))
        return best

    def ranked(self, key: str, *, limit: int, prefix: bool, strict: bool) -> dict[str, float]:
        """Owner -> score: exact matches :data:`EXACT`, prefix ones :data:`PREFIX`, else fuzzy."""
        scores = self.fuzzy(key, limit, strict=strict) if key else {}
        if prefix and key:
            for owner in self.prefixed(key, limit):
                scores[owner] = max(scores.get(owner, 0.0), PREFIX)
        for owner in self.exact(key):
            scores[owner] = EXACT
        return scores


def pick(scores: dict[str, float], loose: dict[str, float] | None = None) -> tuple[list[str], list[str]]:
    """Decide what a typed query meant: ``(meant, suggestions)``.

    ``scores`` come from strict matching. ``meant`` holds one id when the query is clear, several
    when they tie exactly (a title two dramas share), and none when the member has to choose from
    ``suggestions``, which are ranked by the ``loose`` scores where given.
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
    if loose is not None:
        ranked = sorted({**loose, **scores}.items(), key=lambda item: -item[1])
    return [], [owner for owner, score in ranked if score >= SUGGEST_CUTOFF][:5]


@dataclass(frozen=True, slots=True)
class TitleIndex:
    """Dramas by title, alias, native title and "title year"; drama slugs are the owners."""

    dramas: dict[str, Drama]
    _keys: _KeyIndex

    @classmethod
    def build(cls, dramas: Iterable[Drama]) -> TitleIndex:
        by_slug = {drama.slug: drama for drama in dramas}
        pairs = ((key, slug) for slug, drama in by_slug.items() for key in title_keys(drama))
        return cls(by_slug, _KeyIndex(pairs))

    def scores(
        self, query: str, *, limit: int, prefix: bool = False, strict: bool = False
    ) -> dict[str, float]:
        query = query.strip()
        scores = self._keys.ranked(fold(query), limit=limit, prefix=prefix, strict=strict)
        if query in self.dramas:  # an autocomplete choice's value is the slug
            scores[query] = EXACT + 1
        return scores

    def alphabetical(self, limit: int) -> list[Drama]:
        return sorted(self.dramas.values(), key=lambda d: (fold(d.title), d.year))[:limit]


def title_keys(drama: Drama) -> set[str]:
    names = [drama.title, *drama.aliases]
    if drama.native_title:
        names.append(drama.native_title)
    keys = {fold(name) for name in names}
    keys |= {fold(f"{name} {drama.year}") for name in names}
    keys.discard("")
    return keys


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
    """Actors by their names and by the names of the characters they play."""

    people: dict[str, Person]  # by actor key
    _keys: _KeyIndex

    @classmethod
    def build(cls, dramas: Iterable[Drama]) -> PeopleIndex:
        roles: dict[str, list[Role]] = {}
        names: dict[str, str] = {}
        pairs: list[tuple[str, str]] = []
        for drama in dramas:
            for member in drama.cast:
                key = fold_name(member.actor)
                names.setdefault(key, member.actor)
                roles.setdefault(key, []).append(Role(drama, member))
                for name in (member.actor, *member.actor_aliases):
                    pairs.extend((k, key) for k in name_keys(name))
                for name in (member.character, *member.character_aliases):
                    pairs.extend((k, key) for k in name_keys(name))
        people = {
            key: Person(key, names[key], tuple(sorted(found, key=lambda r: (-r.drama.year, r.drama.title))))
            for key, found in roles.items()
        }
        return cls(people, _KeyIndex(pairs))

    def scores(
        self, query: str, *, limit: int, prefix: bool = False, strict: bool = False
    ) -> dict[str, float]:
        return self._keys.ranked(fold_name(query), limit=limit, prefix=prefix, strict=strict)


def merge_people(found: Sequence[Person]) -> Person:
    """One actor seen in several indexes (the shipped catalog and a server's own dramas)."""
    roles = {(r.drama.slug, r.member.character): r for person in found for r in person.roles}
    ordered = sorted(roles.values(), key=lambda r: (-r.drama.year, r.drama.title))
    return Person(found[0].key, found[0].name, tuple(ordered))
