"""The request checker itself: it must catch bad bodies, or the e2e checks prove nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import discord_spec

pytestmark = pytest.mark.skipif(not discord_spec.spec_available(), reason="../shared is not beside the checkout")

CALLBACK = "/interactions/123/token/callback"


def test_a_good_message_callback_passes() -> None:
    body = {"type": 4, "data": {"content": "hi", "flags": 64, "embeds": [{"title": "t"}]}}
    assert discord_spec.schema_problems("POST", CALLBACK, body) == []
    assert discord_spec.limit_problems(body) == []


def test_a_malformed_callback_is_caught() -> None:
    problems = discord_spec.schema_problems("POST", CALLBACK, {"type": "four", "data": {"embeds": "x"}})
    assert problems


def test_limits_the_schema_leaves_out_are_caught() -> None:
    fields = [{"name": "n", "value": "v" * 1000} for _ in range(7)]
    body = {"type": 4, "data": {"content": "x" * 2001, "embeds": [{"title": "t", "fields": fields}]}}
    problems = discord_spec.limit_problems(body)
    assert any("limit is 2000" in p for p in problems)
    assert any("limit is 6000" in p for p in problems)
    choices = {"type": 8, "data": {"choices": [{"name": "x" * 101, "value": "v"}] * 26}}
    problems = discord_spec.limit_problems(choices)
    assert any("limit is 25" in p for p in problems)
    assert any("over 100 characters" in p for p in problems)


def test_an_unknown_route_is_reported() -> None:
    with pytest.raises(AssertionError, match="not an operation"):
        discord_spec.operation_for("POST", "/no/such/route")


def test_a_run_without_the_api_description_says_so_loudly(tmp_path: Path) -> None:
    environment = {**os.environ, "DISCORD_API_SPEC": str(tmp_path / "missing.json")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_discord_spec.py"],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=environment,
    )
    assert "Discord API checks did not run" in result.stdout
    assert f"{tmp_path / 'missing.json'} is missing, so no request body the bot sent was checked" in result.stdout
