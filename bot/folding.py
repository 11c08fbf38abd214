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
_NOT_ALNUM_OR_BREAK = re.compile(r"(?:[^\w\n]|_)+")
_ASCII_NOT_ALNUM = bytes(c for c in range(128) if not chr(c).isalnum())
_ASCII_NOT_ALNUM_OR_BREAK = _ASCII_NOT_ALNUM.replace(b"\n", b"")
_ASCII_ALNUM = re.compile(r"[0-9A-Za-z]")  # what fold() keeps of ASCII text
_WORD = re.compile(r"\w+")
# Romanization folds, applied in order to already-folded names.
_ROMANIZATION = (("eo", "u"), ("oo", "u"), ("ou", "u"), ("ee", "i"), ("wu", "u"), ("kk", "k"))


def fold(text: str) -> str:
    """``"Soundtrack #1"`` -> ``"soundtrack1"``. Letters of every script survive."""
    return _letters_and_digits(unicodedata.normalize("NFKC", text).casefold(), _ASCII_NOT_ALNUM, _NOT_ALNUM)


def fold_name(text: str) -> str:
    """:func:`fold`, plus folding of romanization variants: ``"Seon-Woo"`` -> ``"sunu"``."""
    return _romanized(fold(text))


def fold_names(names: Sequence[str]) -> list[str]:
    """``[fold_name(name) for name in names]``, 2.5 times quicker for many names: the names are
    folded as one text, a line break between each.

    No step of a fold crosses a line break: it is a starter that composes with nothing (so
    Unicode normalization treats the text on either side as it treats each alone), case folding
    is character by character, no character folds to a line break (a test checks every one),
    and no romanization pattern contains one. A name with a line break of its own is folded alone.
    """
    joined = "\n".join(names)
    if joined.count("\n") != len(names) - 1:
        return [fold_name(name) for name in names]
    folded = unicodedata.normalize("NFKC", joined).casefold()
    return _romanized(_letters_and_digits(folded, _ASCII_NOT_ALNUM_OR_BREAK, _NOT_ALNUM_OR_BREAK)).split("\n")


def _letters_and_digits(folded: str, ascii_drop: bytes, pattern: re.Pattern[str]) -> str:
    """Normalized, case-folded text without what ``ascii_drop`` (ASCII) or ``pattern`` (any
    other text) matches."""
    if folded.isascii():  # nearly every name and title: bytes drop the rest 4x faster than the pattern
        return folded.encode("ascii").translate(None, ascii_drop).decode("ascii")
    return pattern.sub("", folded)


def _romanized(folded: str) -> str:
    for old, new in _ROMANIZATION:
        folded = folded.replace(old, new)
    return folded


def has_key(text: str) -> bool:
    """Whether the text folds to a key (``fold(text) != ""``; :func:`fold_name` never empties a
    key), without folding ASCII text: 4x quicker for the usual name."""
    if text.isascii():
        return _ASCII_ALNUM.search(text) is not None
    return bool(fold(text))


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(unicodedata.normalize("NFKC", text).casefold()) if w != "_"]
