"""Settings: read once from the environment and .env; bad values stop the program clearly."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.settings import DEFAULT_CATALOG_DIR, DEFAULT_DATABASE_PATH, Settings, SettingsError

SETTINGS = (
    "DISCORD_TOKEN",
    "DATABASE_PATH",
    "DEV_GUILD_ID",
    "DEFAULT_TIMEZONE",
    "LOG_LEVEL",
    "CATALOG_DIR",
    "TMDB_TOKEN",
    "TMDB_API_URL",
    "TMDB_LANGUAGE",
)


@pytest.fixture
def read(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Settings]:
    """Read the settings from exactly ``environ`` (and ``env_file``), as the program does."""

    def read(environ: dict[str, str], env_file: Path | None = None) -> Settings:
        for name in SETTINGS:
            monkeypatch.delenv(name, raising=False)
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        return Settings.from_env(env_file=env_file)

    return read


def test_defaults_with_only_a_token(read: Callable[..., Settings]) -> None:
    settings = read({"DISCORD_TOKEN": "abc.def.ghi"})
    assert settings.token is not None and settings.token.get_secret_value() == "abc.def.ghi"
    assert settings.database_path == DEFAULT_DATABASE_PATH == Path("data/club.sqlite3")
    assert settings.dev_guild_id is None
    assert settings.default_timezone == "Asia/Seoul"
    assert settings.log_level == "INFO" and settings.log_level_number == logging.INFO
    assert settings.catalog_dir == DEFAULT_CATALOG_DIR
    assert settings.tmdb_token is None  # TMDB look-ups are off
    assert settings.tmdb_api_url == "https://api.themoviedb.org"
    assert settings.tmdb_language == "en-US"


def test_every_setting_is_read(read: Callable[..., Settings]) -> None:
    settings = read(
        {
            "DISCORD_TOKEN": "t",
            "DATABASE_PATH": "/tmp/x.sqlite3",
            "DEV_GUILD_ID": "123456789012345678",
            "DEFAULT_TIMEZONE": "Europe/Berlin",
            "LOG_LEVEL": "debug",
            "CATALOG_DIR": "/srv/dramas",
            "TMDB_TOKEN": "eyJ-read-access",
            "TMDB_API_URL": "http://127.0.0.1:8080/",
            "TMDB_LANGUAGE": "ko-KR",
        }
    )
    assert settings.tmdb_token is not None and settings.tmdb_token.get_secret_value() == "eyJ-read-access"
    assert settings.tmdb_api_url == "http://127.0.0.1:8080"
    assert settings.tmdb_language == "ko-KR"
    assert settings.database_path == Path("/tmp/x.sqlite3")
    assert settings.dev_guild_id == 123456789012345678
    assert settings.default_timezone == "Europe/Berlin"
    assert settings.log_level == "DEBUG"
    assert settings.catalog_dir == Path("/srv/dramas")


def test_dotenv_file_is_read_and_the_environment_wins(read: Callable[..., Settings], tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DISCORD_TOKEN=from-file\nDEFAULT_TIMEZONE=Asia/Tokyo\n")
    settings = read({"DEFAULT_TIMEZONE": "America/New_York"}, env_file)
    assert settings.token is not None and settings.token.get_secret_value() == "from-file"
    assert settings.default_timezone == "America/New_York"


@pytest.mark.parametrize(
    ("environ", "setting", "words"),
    [
        ({}, "DISCORD_TOKEN", "is not set"),
        ({"DISCORD_TOKEN": "   "}, "DISCORD_TOKEN", "is not set"),
        ({"DISCORD_TOKEN": "t", "DEV_GUILD_ID": "my-server"}, "DEV_GUILD_ID", "numeric server id"),
        ({"DISCORD_TOKEN": "t", "DEFAULT_TIMEZONE": "Mars/Olympus"}, "DEFAULT_TIMEZONE", "IANA time zone"),
        ({"DISCORD_TOKEN": "t", "DEFAULT_TIMEZONE": "../etc/passwd"}, "DEFAULT_TIMEZONE", "IANA time zone"),
        ({"DISCORD_TOKEN": "t", "LOG_LEVEL": "LOUD"}, "LOG_LEVEL", "must be one of"),
        ({"DISCORD_TOKEN": "t", "TMDB_API_URL": "api.themoviedb.org"}, "TMDB_API_URL", "http(s) address"),
        ({"DISCORD_TOKEN": "t", "TMDB_API_URL": "https://x.org/?api_key=1"}, "TMDB_API_URL", "http(s) address"),
        ({"DISCORD_TOKEN": "t", "TMDB_LANGUAGE": "korean"}, "TMDB_LANGUAGE", "language tag"),
    ],
)
def test_bad_settings_name_the_setting_and_the_example_file(
    read: Callable[..., Settings], environ: dict[str, str], setting: str, words: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        read(environ)
    assert caught.value.setting == setting
    assert str(caught.value).startswith(setting)
    assert words in str(caught.value)
    assert str(caught.value).endswith("(see .env.example)")


def test_the_token_never_shows_itself(read: Callable[..., Settings]) -> None:
    settings = read({"DISCORD_TOKEN": "super-secret-token", "TMDB_TOKEN": "tmdb-secret-token"})
    assert "super-secret-token" not in repr(settings)
    assert "tmdb-secret-token" not in repr(settings)
    assert "super-secret-token" not in str(settings.token)
    assert "super-secret-token" not in f"{settings.token}"


def test_example_file_documents_every_setting() -> None:
    example = (Path(__file__).parent.parent / ".env.example").read_text()
    assert {field.alias for field in Settings.model_fields.values()} == set(SETTINGS)
    for name in SETTINGS:
        assert f"\n{name}=" in f"\n{example}" or f"\n# {name}=" in f"\n{example}", name
    # a comment explains each one
    lines = example.splitlines()
    for index, line in enumerate(lines):
        if "=" in line and not line.startswith("#"):
            assert lines[index - 1].startswith("#"), f"{line!r} has no comment above it"
