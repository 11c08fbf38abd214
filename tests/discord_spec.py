"""Check the requests the bot sends against Discord's official OpenAPI description.

The spec lives in ``../shared/discord-api-spec/openapi.json`` (MIT). It does not check every
documented limit, so :func:`limit_problems` adds Discord's limits that it leaves out.

One difference is smoothed over: discord.py sends some snowflakes (``channel_id``) as JSON
numbers, which Discord accepts, while the spec types every snowflake as a string. Integer values
of keys named ``id`` or ``*_id`` are compared as strings; nothing else is relaxed.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import referencing
from referencing.jsonschema import DRAFT202012

# DISCORD_API_SPEC names another copy (the tests use it to check what happens without one).
SPEC_PATH = Path(
    os.environ.get("DISCORD_API_SPEC")
    or Path(__file__).resolve().parents[2] / "shared" / "discord-api-spec" / "openapi.json"
)
SPEC_URI = "https://discord.com/openapi.json"


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    pattern: re.Pattern[str]
    schema: dict[str, Any] | None


@functools.cache
def _spec() -> tuple[referencing.Registry, list[Operation]]:
    spec = json.loads(SPEC_PATH.read_text())
    resource = referencing.Resource.from_contents(spec, default_specification=DRAFT202012)
    registry: referencing.Registry = referencing.Registry().with_resource(SPEC_URI, resource)
    operations: list[Operation] = []
    for template, item in spec["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$")
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            operations.append(Operation(method.upper(), template, pattern, schema))
    return registry, operations


def spec_available() -> bool:
    return SPEC_PATH.is_file()


def operation_for(method: str, path: str) -> Operation:
    _, operations = _spec()
    path = path.split("?")[0]
    for operation in operations:
        if operation.method == method.upper() and operation.pattern.match(path):
            return operation
    raise AssertionError(f"{method} {path} is not an operation in Discord's API description")


def schema_problems(method: str, path: str, body: Any) -> list[str]:
    """Every way ``body`` breaks the request schema of the operation at ``method path``."""
    registry, _ = _spec()
    operation = operation_for(method, path)
    if operation.schema is None or body is None:
        return []
    schema = {"$ref": SPEC_URI + "#", **_absolute(operation.schema)}
    del schema["$ref"]
    validator = jsonschema.Draft202012Validator(schema, registry=registry)
    body = _snowflakes_as_strings(body)
    return [
        f"{method} {operation.template}: {'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message[:300]}"
        for e in validator.iter_errors(body)
    ]


def _snowflakes_as_strings(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: str(v)
            if (k == "id" or k.endswith("_id")) and isinstance(v, int) and not isinstance(v, bool)
            else _snowflakes_as_strings(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_snowflakes_as_strings(v) for v in node]
    return node


def _absolute(node: Any) -> Any:
    """Point ``#/components/...`` references at the registered spec."""
    if isinstance(node, dict):
        return {
            k: (SPEC_URI + v if k == "$ref" and isinstance(v, str) and v.startswith("#") else _absolute(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_absolute(v) for v in node]
    return node


def _embed_length(embed: dict[str, Any]) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    for field in embed.get("fields") or []:
        total += len(field.get("name") or "") + len(field.get("value") or "")
    return total


def limit_problems(body: Any) -> list[str]:
    """Discord's documented limits that the schema does not carry."""
    if not isinstance(body, dict):
        return []
    message = body.get("data") if "type" in body and isinstance(body.get("data"), dict) else body
    problems: list[str] = []
    content = message.get("content")
    if isinstance(content, str) and len(content) > 2000:
        problems.append(f"content is {len(content)} characters; the limit is 2000")
    embeds = message.get("embeds") or []
    if len(embeds) > 10:
        problems.append(f"{len(embeds)} embeds; the limit is 10")
    total = sum(_embed_length(e) for e in embeds)
    if total > 6000:
        problems.append(f"embeds hold {total} characters; the limit is 6000")
    for embed in embeds:
        if len(embed.get("fields") or []) > 25:
            problems.append("more than 25 fields in an embed")
        for field in embed.get("fields") or []:
            if len(field.get("value") or "") > 1024:
                problems.append(f"field {field.get('name')!r} value is over 1024 characters")
    choices = message.get("choices")
    if isinstance(choices, list):
        if len(choices) > 25:
            problems.append(f"{len(choices)} autocomplete choices; the limit is 25")
        for choice in choices:
            if len(choice.get("name", "")) > 100 or len(str(choice.get("value", ""))) > 100:
                problems.append(f"autocomplete choice {choice!r} is over 100 characters")
    return problems
