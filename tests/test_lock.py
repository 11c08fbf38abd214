"""The lock files: every dependency of the bot, `try` and the tests at an exact version, agreeing
with pyproject.toml. After changing a dependency, `requirements/lock` writes them again."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
LOCKS = {"bot.txt": [], "try.txt": ["try"], "test.txt": ["test", "try"]}
_PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)")


def pins(lock: str) -> dict[str, str]:
    found = {}
    for line in (ROOT / "requirements" / lock).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _PIN.match(line)
        assert match, f"{lock}: {line!r} is not pinned to one version"
        found[canonicalize_name(match[1])] = match[2]
    return found


def wanted(extras: list[str]) -> list[Requirement]:
    listed = [*PROJECT["dependencies"], *(r for extra in extras for r in PROJECT["optional-dependencies"][extra])]
    return [Requirement(r) for r in listed]


@pytest.mark.parametrize(("lock", "extras"), LOCKS.items())
def test_every_requirement_of_pyproject_is_locked_within_its_range(lock: str, extras: list[str]) -> None:
    locked = pins(lock)
    for requirement in wanted(extras):
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{lock} lacks {requirement}: run requirements/lock"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"{lock} pins {name}=={locked[name]}, outside pyproject.toml's {requirement}: run requirements/lock"
        )


@pytest.mark.parametrize(("lock", "extras"), LOCKS.items())
def test_every_locked_package_brings_its_own_dependencies_locked(lock: str, extras: list[str]) -> None:
    """What the locked packages need, down to the last one, is in the lock too (read from the
    installed packages, which the test command installs from test.txt)."""
    locked = pins(lock)
    environment = {**default_environment(), "extra": ""}
    queue = [(canonicalize_name(r.name), set(r.extras)) for r in wanted(extras)]
    seen: set[tuple[str, frozenset[str]]] = set()
    while queue:
        name, chosen = queue.pop()
        if (name, frozenset(chosen)) in seen:
            continue
        seen.add((name, frozenset(chosen)))
        assert name in locked, f"{lock} lacks {name}, which a locked package needs: run requirements/lock"
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            marker = requirement.marker
            if marker is None or any(marker.evaluate({**environment, "extra": e}) for e in ["", *sorted(chosen)]):
                queue.append((canonicalize_name(requirement.name), set(requirement.extras)))


def test_the_test_lock_holds_the_versions_installed_here() -> None:
    for name, version in pins("test.txt").items():
        assert metadata.version(name) == version, f"{name} {metadata.version(name)} is installed, {version} locked"


def test_the_readme_installs_from_the_locks() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "pip install -r requirements/try.txt -e ." in readme
    assert "pip install -r requirements/test.txt -e ." in readme
