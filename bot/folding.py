"""How names and titles are compared: folded to keys of letters and digits.

Keys are *folded* before they are compared: Unicode NFKC, case-folded, everything but letters and
digits removed (``"SOUNDTRACK#1"`` and ``"soundtrack 1"`` both become ``"soundtrack1"``). Names are
folded a step further across the common romanizations of Korean (``eo``/``u``, ``oo``/``u``,
``ee``/``i``), so ``Sun-Woo`` meets ``Seon-Woo``.

Validation (:mod:`bot.catalog`) and search (:mod:`bot.search`) both fold, so this module needs
neither.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_NOT_ALNUM = re.compile(r"[\W_]+")
_WORD = re.compile(r"\w+")
# Romanization folds, applied in order to already-folded names.
_ROMANIZATION = (("eo", "u"), ("oo", "u"), ("ou", "u"), ("ee", "i"), ("wu", "u"), ("kk", "k"))


def fold(text: str) -> str:
    """``"Soundtrack #1"`` -> ``"soundtrack1"``. Letters of every script survive."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).casefold())


def fold_title(text: str) -> str:
    """:func:`fold` for titles: a title of symbols alone (``💖💖💖``) keeps its symbols, so it can
    be found, and told from another (``🌸🌸``); a title with a letter folds as any text."""
    folded = fold(text)
    if any(c.isalpha() for c in folded):
        return folded
    return "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c).startswith("S")) + folded


def symbol_names(text: str) -> str:
    """``"💖🌸"`` -> ``"sparkling heart cherry blossom"``: a title of symbols in words."""
    return " ".join(unicodedata.name(c, "") for c in text if unicodedata.category(c).startswith("S")).lower()


def fold_name(text: str) -> str:
    """:func:`fold`, plus folding of romanization variants: ``"Seon-Woo"`` -> ``"sunu"``."""
    folded = fold(text)
    for old, new in _ROMANIZATION:
        folded = folded.replace(old, new)
    return folded


_NOT_ALNUM_OR_LINE = re.compile(r"[^\w\n]+|_")


def fold_names(texts: Sequence[str]) -> list[str]:
    """:func:`fold_name` of each text, in one pass over them all: a catalog's thousands of names
    fold at once. A line break never combines with what is around it, so the texts fold apart."""
    joined = "\n".join(text.replace("\n", " ") for text in texts)
    folded = _NOT_ALNUM_OR_LINE.sub("", unicodedata.normalize("NFKC", joined).casefold())
    for old, new in _ROMANIZATION:
        folded = folded.replace(old, new)
    return folded.split("\n") if texts else []


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(unicodedata.normalize("NFKC", text).casefold()) if w != "_"]
