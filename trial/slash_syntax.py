"""Reading slash commands typed as text, the way members write them in Discord.

``/watchparty schedule title:Soundtrack #1 start:"2026-12-05 20:00" remind:30``: the command's
name, then ``option:value`` pairs. A value runs until the next known option name, so spaces need
no quotes; quotes are allowed and removed. Pure: the command specs are plain data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_KIND_WORDS = {"integer": "a whole number", "number": "a number", "boolean": "true or false"}
_STRAY_OPTION = re.compile(r"(?:^|\s)([a-z_]+):(?!//)(?=\S)")  # "bogus:1" inside a value; quote a value to keep it
TRUE = {"true", "yes", "on", "1"}
FALSE = {"false", "no", "off", "0"}


class SyntaxProblem(Exception):
    """The line cannot be run as written; the message says why (and shows the usage)."""


@dataclass(frozen=True, slots=True)
class OptionSpec:
    name: str
    kind: str  # string, integer, number, boolean, channel, attachment, user, role
    required: bool
    description: str = ""


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str  # qualified: "watchparty schedule"
    description: str
    options: tuple[OptionSpec, ...]

    def usage(self) -> str:
        parts = [f"/{self.name}"]
        for option in self.options:
            placeholder = f"{option.name}:<{option.kind}>"
            parts.append(placeholder if option.required else f"[{placeholder}]")
        return " ".join(parts)

    def option(self, name: str) -> OptionSpec | None:
        return next((o for o in self.options if o.name == name), None)


def parse(
    line: str, commands: Mapping[str, CommandSpec], *, complete: bool = True
) -> tuple[CommandSpec, dict[str, Any]]:
    """Split a typed line into its command and typed option values (channels and files stay text).

    ``complete=False`` takes a line still being typed: required options may be missing."""
    text = line.strip()
    if text.startswith("/"):
        text = text[1:]
    words = text.split()
    if not words:
        raise SyntaxProblem("Type a command, like /drama title:Soundtrack #1 (or help).")
    spec = None
    for length in (2, 1):
        name = " ".join(words[:length])
        if len(words) >= length and name in commands:
            spec = commands[name]
            break
    if spec is None:
        group = [c for c in commands if c.split()[0] == words[0]]
        if group:
            raise SyntaxProblem(f"/{words[0]} needs one of: " + ", ".join(f"/{c}" for c in sorted(group)))
        raise SyntaxProblem(f"There is no /{words[0]} command. Type help to list them.")
    rest = text.split(None, len(spec.name.split()))[len(spec.name.split()) :]
    values = _split_options(rest[0] if rest else "", spec, complete=complete)
    return spec, {name: _convert(spec, name, raw) for name, raw in values.items()}


def _split_options(rest: str, spec: CommandSpec, *, complete: bool = True) -> dict[str, str]:
    if not spec.options:
        if rest.strip():
            raise SyntaxProblem(f"/{spec.name} takes no options.\nUsage: {spec.usage()}")
        return {}
    names = "|".join(re.escape(o.name) for o in sorted(spec.options, key=lambda o: -len(o.name)))
    marker = re.compile(rf"(?:^|(?<=\s))({names}):")
    found = list(marker.finditer(rest))
    leading = rest[: found[0].start()] if found else rest
    if leading.strip():
        word = leading.split()[0]
        guess = word.split(":")[0] if ":" in word else None
        problem = f"unknown option {guess!r}" if guess else f"{leading.strip()!r} is not an option:value pair"
        raise SyntaxProblem(f"/{spec.name}: {problem}.\nUsage: {spec.usage()}")
    values: dict[str, str] = {}
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(rest)
        name = match.group(1)
        if name in values:
            raise SyntaxProblem(f"/{spec.name}: {name} is given twice.\nUsage: {spec.usage()}")
        raw = rest[match.end() : end].strip()
        stray = _STRAY_OPTION.search(raw) if raw[:1] not in "\"'" else None
        if stray is not None:  # a value runs to the next option: this one is not the command's
            raise SyntaxProblem(f"/{spec.name}: unknown option {stray.group(1)!r}.\nUsage: {spec.usage()}")
        values[name] = _unquote(raw)
    missing = [o.name for o in spec.options if o.required and o.name not in values]
    if missing and complete:
        raise SyntaxProblem(f"/{spec.name} needs {', '.join(missing)}.\nUsage: {spec.usage()}")
    return values


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _convert(spec: CommandSpec, name: str, raw: str) -> Any:
    option = spec.option(name)
    assert option is not None
    try:
        if option.kind == "integer":
            return int(raw)
        if option.kind == "number":
            return float(raw)
        if option.kind == "boolean":
            lowered = raw.casefold()
            if lowered in TRUE | FALSE:
                return lowered in TRUE
            raise ValueError(raw)
    except ValueError:
        wanted = _KIND_WORDS[option.kind]
        raise SyntaxProblem(f"/{spec.name}: {name} must be {wanted}, not {raw!r}.\nUsage: {spec.usage()}") from None
    return raw
