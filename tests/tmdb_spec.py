"""Check what the bot asks TMDB, and the fields it reads, against TMDB's OpenAPI description.

The description is ``../shared/tmdb-api-spec/openapi.json``. Its response schemas have no
``required`` lists and some wrong types (its README), so answers are checked loosely: every
property name must be one TMDB lists, at any depth; types and required-ness are not checked.
``append_to_response`` adds sub-resources under their own keys (``season/1``), each checked
against that sub-resource's own schema.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import json
import re
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

from tests.tmdb_fake import TOKEN, FakeTmdb, Request, dramas, start

SPEC_PATH = Path(__file__).resolve().parents[2] / "shared" / "tmdb-api-spec" / "openapi.json"
APPENDED = {
    "aggregate_credits": "/3/tv/{series_id}/aggregate_credits",
    "alternative_titles": "/3/tv/{series_id}/alternative_titles",
    "season/*": "/3/tv/{series_id}/season/{season_number}",
}


def spec_available() -> bool:
    return SPEC_PATH.is_file()


@functools.cache
def _spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


def _pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\{[^}]+\\}", r"[^/]+", re.escape(template)) + "$")


def operation(path: str) -> tuple[str, dict[str, Any]] | None:
    """The spec's GET operation a request path matches, with its template; the most literal wins."""
    matches = [
        (template, item["get"])
        for template, item in _spec()["paths"].items()
        if "get" in item and _pattern(template).match(path)
    ]
    matches.sort(key=lambda m: m[0].count("{"))
    return matches[0] if matches else None


@contextlib.asynccontextmanager
async def checked_server(today: date | None = None) -> AsyncIterator[FakeTmdb]:
    """The TMDB test server, running, with one drama airing around ``today`` (default: the real
    today); once it stops, every request it got is checked."""
    fake = FakeTmdb(shows=dramas(today))
    runner = await start(fake)
    try:
        yield fake
    finally:
        await runner.cleanup()
    if spec_available():
        problems = [p for r in fake.requests for p in request_problems(r)]
        assert problems == [], "\n".join(problems)


def request_problems(request: Request) -> list[str]:
    """Path, method and query parameters as TMDB documents them; the token only as a Bearer header."""
    found = operation(request.path)
    if found is None:
        return [f"GET {request.path}: no such path in TMDB's API"]
    template, op = found
    allowed = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
    problems = [f"GET {template}: unknown query parameter {name!r}" for name in request.query if name not in allowed]
    if request.headers.get("Authorization") != f"Bearer {TOKEN}":
        problems.append(f"GET {template}: no Bearer token in the Authorization header")
    if TOKEN in request.url:
        problems.append(f"GET {template}: the token is in the URL")
    appended = [a for a in request.query.get("append_to_response", "").split(",") if a]
    if len(appended) > 20:
        problems.append(f"GET {template}: append_to_response names {len(appended)} sub-resources; TMDB takes 20")
    return problems


def response_schema(template: str) -> dict[str, Any]:
    return _spec()["paths"][template]["get"]["responses"]["200"]["content"]["application/json"]["schema"]


def _names(schema: dict[str, Any]) -> set[str]:
    """Every property name a schema lists, at any depth."""
    names: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.get("properties", {}).items():
                names.add(key)
                stack.append(value)
            if "items" in node:
                stack.append(node["items"])
    return names


def answer_problems(template: str, answer: Any) -> list[str]:
    """Property names in an answer (a test server's) that TMDB's schema for it does not list."""
    known = _names(response_schema(template))
    problems: list[str] = []

    def walk(node: Any, where: str, names: set[str]) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, where, names)
        elif isinstance(node, dict):
            for key, value in node.items():
                sub = _appended(key) if where == "" and template == "/3/tv/{series_id}" else None
                if sub is not None:
                    problems.extend(answer_problems(sub, value))
                    continue
                if key not in names:
                    problems.append(f"{template}: {where}{key} is not in TMDB's schema")
                walk(value, f"{where}{key}.", names)

    walk(answer, "", known)
    return problems


def _appended(key: str) -> str | None:
    if key.startswith("season/"):
        return APPENDED["season/*"]
    return APPENDED.get(key)


def fields_read(source: Path) -> set[str]:
    """The TMDB field names a module reads: string keys of ``x.get("name")`` and ``x["name"]``."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        key = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            if node.args and isinstance(node.args[0], ast.Constant):
                key = node.args[0].value
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            key = node.slice.value
        if isinstance(key, str):
            names.add(key)
    return names


def all_response_names(templates: list[str]) -> set[str]:
    return set().union(*(_names(response_schema(t)) for t in templates))
