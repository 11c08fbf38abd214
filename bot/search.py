"""Finding dramas and people by what members type: any case, spacing, punctuation, small typos.

Keys are *folded* before they are compared: Unicode NFKC, case-folded, everything but letters and
digits removed (``"SOUNDTRACK#1"`` and ``"soundtrack 1"`` both become ``"soundtrack1"``). Names are
folded a step further across the common romanizations of Korean (``eo``/``u``, ``oo``/``u``,
``ee``/``i``), so ``Sun-Woo`` meets ``Seon-Woo``. Fuzzy matching is rapidfuzz's.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.catalog import Drama
from bot.errors import UserError

_NOT_ALNUM = re.compile(r"[\W_]+")
# Romanization folds, applied in order to already-folded names.
_ROMANIZATION = (("eo", "u"), ("oo", "u"), ("ou", "u"), ("ee", "i"), ("wu", "u"), ("kk", "k"))
FUZZY_CUTOFF = 80.0
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


class DramaNotFound(UserError):
    def __init__(self, query: str, suggestions: list[Drama]) -> None:
        shown = query if len(query) <= 80 else query[:79] + "…"
        text = f"I couldn't find a drama called “{shown}”."
        if suggestions:
            text += " Did you mean " + ", ".join(f"**{d.display_title}**" for d in suggestions) + "?"
        text += " A server admin can add a drama with `/catalog add`."
        super().__init__(text)
        self.query = query
        self.suggestions = suggestions


class AmbiguousTitle(UserError):
    def __init__(self, candidates: list[Drama]) -> None:
        names = ", ".join(f"**{d.display_title}**" for d in candidates)
        super().__init__(f"More than one drama has that title: {names}. Add the year, e.g. `title (2022)`.")
        self.candidates = candidates


@dataclass(frozen=True, slots=True)
class TitleIndex:
    """An immutable index over a set of dramas; rebuilt (cheaply) when the catalog changes."""

    dramas: dict[str, Drama]  # by slug
    keys: list[str]  # folded keys, sorted, for prefix search
    owners: list[tuple[str, ...]]  # slugs owning keys[i]
    _key_owners: dict[str, tuple[str, ...]]

    @classmethod
    def build(cls, dramas: Iterable[Drama]) -> TitleIndex:
        by_slug: dict[str, Drama] = {}
        key_owners: dict[str, list[str]] = {}
        for drama in dramas:
            by_slug[drama.slug] = drama
            for key in title_keys(drama):
                owners = key_owners.setdefault(key, [])
                if drama.slug not in owners:
                    owners.append(drama.slug)
        keys = sorted(key_owners)
        frozen = {k: tuple(v) for k, v in key_owners.items()}
        return cls(by_slug, keys, [frozen[k] for k in keys], frozen)

    def find(self, query: str) -> Drama:
        """The one drama the member meant, or :class:`DramaNotFound` / :class:`AmbiguousTitle`."""
        query = query.strip()
        if query in self.dramas:  # an autocomplete choice's value is the slug
            return self.dramas[query]
        folded = fold(query)
        if not folded:
            raise DramaNotFound(query, [])
        exact = self._key_owners.get(folded)
        if exact:
            if len(exact) > 1:
                raise AmbiguousTitle(sorted((self.dramas[s] for s in exact), key=lambda d: d.year))
            return self.dramas[exact[0]]
        ranked = self._ranked(folded, limit=6)
        if ranked:
            best_slug, best_score = ranked[0]
            runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
            if best_score >= FUZZY_CUTOFF and best_score - runner_up >= 5:
                return self.dramas[best_slug]
        suggestions = [self.dramas[slug] for slug, score in ranked if score >= SUGGEST_CUTOFF][:5]
        raise DramaNotFound(query, suggestions)

    def suggest(self, query: str, limit: int = 25) -> list[Drama]:
        """Autocomplete: prefix matches first, then fuzzy ones, best first, at most ``limit``."""
        folded = fold(query)
        if not folded:
            return sorted(self.dramas.values(), key=lambda d: (fold(d.title), d.year))[:limit]
        result: dict[str, None] = {}
        start = bisect.bisect_left(self.keys, folded)
        for index in range(start, len(self.keys)):
            if not self.keys[index].startswith(folded) or len(result) >= limit:
                break
            for slug in self.owners[index]:
                result.setdefault(slug)
        if len(result) < limit:
            for slug, score in self._ranked(folded, limit=limit * 2):
                if score < SUGGEST_CUTOFF or len(result) >= limit:
                    break
                result.setdefault(slug)
        return [self.dramas[slug] for slug in list(result)[:limit]]

    def _ranked(self, folded: str, *, limit: int) -> list[tuple[str, float]]:
        """Best score per drama, best first."""
        best: dict[str, float] = {}
        for key, score, index in process.extract(
            folded, self.keys, scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=SUGGEST_CUTOFF
        ):
            del key
            for slug in self.owners[index]:
                if score > best.get(slug, -1.0):
                    best[slug] = score
        return sorted(best.items(), key=lambda item: -item[1])[:limit]


def title_keys(drama: Drama) -> set[str]:
    names = [drama.title, *drama.aliases]
    if drama.native_title:
        names.append(drama.native_title)
    keys = {fold(name) for name in names}
    keys |= {fold(f"{name} {drama.year}") for name in names}
    keys.discard("")
    return keys
