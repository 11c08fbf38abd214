"""``kdrama-bot try``: the real bot against a simulated Discord server, printed in the terminal.

The same :func:`bot.client.create_bot`, cogs, storage and catalog run inside simcord, an in-memory
Discord.
"""

from __future__ import annotations

import re
import shlex
import sqlite3
import tempfile
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from zoneinfo import ZoneInfo

import discord
from discord import app_commands

from bot.client import DramaClub, create_bot
from bot.settings import Settings
from bot.storage import Storage, bundled_migrations, check_file
from trial.slash_syntax import CommandSpec, OptionSpec, SyntaxProblem, parse

if TYPE_CHECKING:
    import simcord

MISSING_SIMCORD = (
    'kdrama-bot try needs simcord, the simulated Discord it runs the bot in. Install it with: pip install -e ".[try]"'
)
KINDS = {
    discord.AppCommandOptionType.string: "string",
    discord.AppCommandOptionType.integer: "integer",
    discord.AppCommandOptionType.number: "number",
    discord.AppCommandOptionType.boolean: "boolean",
    discord.AppCommandOptionType.channel: "channel",
    discord.AppCommandOptionType.attachment: "attachment",
    discord.AppCommandOptionType.user: "user",
    discord.AppCommandOptionType.role: "role",
}
PSEUDO_COMMANDS = (
    ("help", "list every command with its options"),
    ("as NAME [admin]", "act as another member (admin: Manage Server and Manage Events)"),
    ("click LABEL", "press the newest button with that label, e.g. click Join, click Next"),
    ("pick MENU VALUE", "choose in the newest menu whose name starts with MENU, e.g. pick Rate episode 1 8.5"),
    ("choices /COMMAND OPTION:TEXT", "what autocomplete offers while you type TEXT, e.g. choices /drama title:soun"),
    ("wait DURATION", "let simulated time pass, e.g. wait 30m, wait 2h, wait 7d; shows what the bot posts"),
    ("exit", "leave (Ctrl+D works too)"),
)
PREVIEW_LINES = 5  # of a text file the bot sends (a CSV or calendar export)
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


SIMULATED_SERVER_ID = 1_000_000_000_000_000_001


class TryError(Exception):
    """``try`` cannot start as asked; the message says what to do."""


def command_specs(bot: DramaClub) -> dict[str, CommandSpec]:
    specs = {}
    for command in bot.tree.walk_commands():
        if isinstance(command, app_commands.Command):
            options = tuple(
                OptionSpec(p.display_name, KINDS.get(p.type, "string"), p.required, p.description)
                for p in command.parameters
            )
            specs[command.qualified_name] = CommandSpec(command.qualified_name, command.description, options)
    return dict(sorted(specs.items()))


def check_database(path: Path, *, upgrade: bool) -> str | None:
    """Refuse to migrate a real database silently; returns a note to print, if any."""
    latest = bundled_migrations()[-1].version
    if not path.exists():
        return f"{path} does not exist yet; it will be created."
    check_file(path)
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    if version < latest:
        if not upgrade:
            raise TryError(
                f"{path} has database schema {version}; this bot uses schema {latest}. "
                "Trying it here would upgrade the file. Pass --upgrade to allow that, or copy it first."
            )
        return f"Upgrading {path} from schema {version} to {latest}."
    return None


class Sandbox:
    """One simulated server with the real bot in it; runs typed commands and prints the answers."""

    def __init__(self, settings: Settings, storage: Storage, out: TextIO) -> None:
        self.settings = settings
        self.storage = storage
        self.out = out
        self.names: dict[int, str] = {}
        self.members: dict[str, simcord.MemberActor] = {}
        self.recent: list[Any] = []  # the messages shown, oldest first: what click and pick look in
        self.current = "you"

    async def start(self, *, member: str = "you", admin: bool = False) -> None:
        try:
            import simcord
        except ImportError:
            raise TryError(MISSING_SIMCORD) from None
        # The simulated Discord is new at every run: it always needs the commands registered.
        # simcord waits out an open connection's keep-alive timer after each command: no keep-alive here
        self.bot = create_bot(self.settings, self.storage, force_sync=True, keep_tmdb_connections=False)
        self.env = simcord.Env(self.bot, settle_timeout=60)
        try:
            await self.env.start()
        except BaseException:
            await self.bot.close()
            raise
        assert self.bot.user is not None
        self.names[self.bot.user.id] = "Drama Club"
        # The server, its channels and the first member are made before the clock moves on, so
        # they have the same ids at every run: a --database keeps their votes and parties.
        self.guild = self.env.create_guild(name="Drama Club (simulated)", id=SIMULATED_SERVER_ID)
        self.channel = self.guild.create_text_channel("general")
        self.guild.create_voice_channel("Watch lounge")
        self.admins = self.guild.create_role(
            "Club admin", permissions=discord.Permissions(manage_guild=True, manage_events=True)
        )
        self.act_as(member, admin=admin)
        # Let the simulated clock catch up with today, so dates mean what they say.
        await self.env.advance_time(max(0.0, (datetime.now().astimezone() - self.env.now()).total_seconds()))
        self.specs = command_specs(self.bot)
        self._seen = {m.id for m in self.channel.history()}
        if self.settings.tmdb_token is None:
            self.say("TMDB look-ups are off (TMDB_TOKEN is not set): only the curated catalog answers.")
        else:
            self.say(
                f"TMDB look-ups are on: titles the catalog lacks are looked up live at {self.settings.tmdb_api_url}."
            )

    async def close(self) -> None:
        await self.env.shutdown()
        await self.bot.close()

    def act_as(self, name: str, *, admin: bool = False) -> None:
        name = name.strip() or "you"
        member = self.members.get(name)
        if member is None:
            roles = [self.admins] if admin else []
            member = self.guild.add_member(self.env.create_user(name), roles=roles)
            self.members[name] = member
            self.names[member.id] = name
        elif admin:
            raise TryError(f"{name} already exists; choose a new name for an admin.")
        self.current = name

    @property
    def member(self) -> simcord.MemberActor:
        return self.members[self.current]

    # -- running lines -----------------------------------------------------------------------

    async def run_line(self, line: str) -> bool:
        """Run one typed line; print what a member would see. ``False`` if it failed."""
        text = line.strip()
        if not text or text.startswith("#"):
            return True
        word = text.split()[0].casefold()
        try:
            if word == "help":
                self.print_help()
                return True
            if word == "as":
                parts = shlex.split(text)[1:]
                if not parts:
                    raise TryError("Say who: as NAME (add admin for Manage Server and Manage Events).")
                self.act_as(parts[0], admin=len(parts) > 1 and parts[1].casefold() == "admin")
                self.say(f"You are now {self.current}.")
                return True
            if word == "wait":
                await self.wait(text.split(None, 1)[1] if len(text.split()) > 1 else "")
                return True
            rest = text.split(None, 1)[1] if len(text.split()) > 1 else ""
            if word == "click":
                return await self.click(rest)
            if word == "pick":
                return await self.pick(rest)
            if word == "choices":
                await self.choices(rest)
                return True
            return await self.slash(text)
        except (SyntaxProblem, TryError) as problem:
            self.say(f"✗ {problem}")
            return False

    async def slash(self, text: str) -> bool:
        spec, values = parse(text, self.specs)
        arguments = {name: self._resolve(spec, name, value) for name, value in values.items()}
        import simcord

        try:
            return await self.interact(self.member.slash(self.channel, spec.name, **arguments))
        except (simcord.OptionError, simcord.SetupError) as error:
            raise SyntaxProblem(f"{error}\nUsage: {spec.usage()}") from None

    async def interact(self, action: Awaitable[Any]) -> bool:
        """Run a member's action, print the answers and what was posted; ``False`` if the bot raised."""
        errors_before = len(self.env.errors_since(0))
        result = await action
        answers = [m for m in (result.response, *result.followups) if m is not None]
        for message in answers:
            self.show(
                message.content,
                message.embeds,
                message.components,
                message.attachments,
                message.ephemeral,
                poll=message.message.poll,
            )
            await self.preview(message.attachments)
            self.recent.append(message.message)
        self.show_new_posts(skip={m.id for m in answers})
        return not self.env.errors_since(errors_before)

    def _newest(self, what: str, wanted: Callable[[dict[str, Any]], bool]) -> tuple[Any, dict[str, Any]]:
        """The newest message shown here with a component that is ``wanted``, and that component."""
        for message in reversed(self.recent):
            for row in message.components:
                for item in row.to_dict().get("components", []):
                    if wanted(item):
                        return message, item
        raise TryError(f"Nothing shown so far has {what}; run a command that shows it first.")

    async def click(self, label: str) -> bool:
        if not label.strip():
            raise TryError("Say which button: click LABEL, e.g. click Join.")
        wanted = label.strip().casefold()
        message, button = self._newest(
            f"a {label.strip()!r} button",
            lambda item: item.get("type") == 2 and str(item.get("label", "")).casefold() == wanted,
        )
        return await self.interact(self.member.click(message, custom_id=button["custom_id"]))

    async def pick(self, text: str) -> bool:
        menu, _, value = text.strip().rpartition(" ")
        if not menu or not value:
            raise TryError("Say which menu and what to choose: pick MENU VALUE, e.g. pick Rate episode 1 8.5.")
        wanted = menu.casefold()
        message, item = self._newest(
            f"a menu called {menu!r}",
            lambda item: item.get("type") == 3 and str(item.get("placeholder", "")).casefold().startswith(wanted),
        )
        if value not in [option["value"] for option in item.get("options", [])]:
            choices = ", ".join(option["label"] for option in item.get("options", []))
            raise TryError(f"{item.get('placeholder')} offers {choices}; not {value!r}.")
        return await self.interact(self.member.select(message, [value], custom_id=item["custom_id"]))

    async def choices(self, text: str) -> None:
        spec, values = parse(text, self.specs, complete=False)
        if not values:
            raise TryError(f"Say which option you are typing: choices /{spec.name} OPTION:TEXT.")
        *filled, (option, typed) = values.items()
        found = await self.member.autocomplete(self.channel, spec.name, option, str(typed), **dict(filled))
        if not found:
            self.say(f"  (autocomplete offers nothing for {option}:{typed})")
        for number, choice in enumerate(found, start=1):
            self.say(f"  {number:>2}. {choice['name']}")

    async def preview(self, attachments: list[discord.Attachment]) -> None:
        """The first lines of a text file the bot sent, as a member opening it would see them."""
        for attachment in attachments:
            if attachment.filename.rsplit(".", 1)[-1] not in ("csv", "ics", "txt"):
                continue
            lines = (await attachment.read()).decode("utf-8-sig", errors="replace").splitlines()
            for line in lines[:PREVIEW_LINES]:
                self.say(f"  │ {line}")
            if len(lines) > PREVIEW_LINES:
                self.say(f"  │ … {len(lines) - PREVIEW_LINES} more lines")

    def _resolve(self, spec: CommandSpec, name: str, value: Any) -> Any:
        option = spec.option(name)
        assert option is not None
        if option.kind == "channel":
            wanted = str(value).lstrip("#").casefold()
            for channel_name, handle in self.guild.channels.items():
                if channel_name.casefold() == wanted:
                    return handle
            choices = ", ".join(f"#{n}" for n in self.guild.channels)
            raise TryError(f"There is no channel {value!r} here; the server has {choices}.")
        if option.kind == "attachment":
            path = Path(str(value)).expanduser()
            if not path.is_file():
                raise TryError(f"{name}: no file at {path}.")
            return (path.name, path.read_bytes())
        if option.kind == "user":
            member = self.members.get(str(value).lstrip("@"))
            if member is None:
                raise TryError(f"{name}: there is no member {value!r} (use: as {value} to create one).")
            return member
        return value

    async def wait(self, duration: str) -> None:
        match = _DURATION.match(duration.strip().casefold())
        if match is None:
            raise TryError("Say how long: wait 30m, wait 2h, wait 7d (s, m, h, d or w).")
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
        await self.env.advance_time(seconds)
        self.say(f"… {duration.strip()} later ({self.readable(f'<t:{int(self.env.now().timestamp())}:f>')})")
        if not self.show_new_posts():
            self.say("(nothing new in #general)")

    # -- printing ----------------------------------------------------------------------------

    def say(self, text: str) -> None:
        print(text, file=self.out)

    def print_help(self) -> None:
        self.say("Commands (options in [brackets] are optional):")
        for spec in self.specs.values():
            self.say(f"  {spec.usage()}")
            self.say(f"      {spec.description}")
        self.say("Also:")
        for usage, meaning in PSEUDO_COMMANDS:
            self.say(f"  {usage:<18} {meaning}")

    def show_new_posts(self, skip: Iterable[int] = ()) -> bool:
        """Print what was posted in #general for everyone since last time."""
        shown = False
        skipped = set(skip)
        for message in self.channel.history():
            if message.id in self._seen:
                continue
            self._seen.add(message.id)
            if message.id in skipped or message.flags.ephemeral:
                continue
            self.recent.append(message)
            components = [c.to_dict() for c in message.components]
            self.show(
                message.content,
                message.embeds,
                components,
                message.attachments,
                False,
                author=message.author,
                poll=message.poll,
            )
            shown = True
        return shown

    def show(
        self,
        content: str,
        embeds: list[discord.Embed],
        components: list[Any],
        attachments: list[discord.Attachment],
        ephemeral: bool,
        *,
        author: Any = None,
        poll: discord.Poll | None = None,
    ) -> None:
        who = self.names.get(author.id, author.name) if author is not None else "Drama Club"
        self.say(f"{who}{'  (only you can see this)' if ephemeral else ''}:")
        if content:
            for line in self.readable(content).splitlines():
                self.say(f"  {line}")
        for embed in embeds:
            self.show_embed(embed)
        for row in components:
            for item in row.get("components", []) if isinstance(row, dict) else []:
                if item.get("type") == 2:
                    self.say(f"  [button] {item.get('label') or item.get('emoji', {}).get('name', '?')}")
                elif item.get("type") == 3:
                    options = ", ".join(o["label"] for o in item.get("options", []))
                    self.say(f"  [menu] {item.get('placeholder', 'choose')}: {options}")
        for attachment in attachments:
            self.say(f"  [file] {attachment.filename} ({attachment.size:,} bytes)")
        if poll is not None:
            ends = f", ends {self.readable(discord.utils.format_dt(poll.expires_at, 'R'))}" if poll.expires_at else ""
            self.say(f"  [poll] {poll.question}{ends}")
            for number, choice in enumerate(poll.answers, start=1):
                self.say(f"    {number}. {choice.text}")

    def show_embed(self, embed: discord.Embed) -> None:
        if embed.title:
            self.say(f"  ╭─ {self.readable(embed.title)}")
        if embed.description:
            for line in self.readable(embed.description).splitlines():
                self.say(f"  │ {line}")
        for field in embed.fields:
            lines = self.readable(field.value or "").splitlines() or [""]
            self.say(f"  │ ▸ {self.readable(field.name or '')}: {lines[0]}")
            for line in lines[1:]:
                self.say(f"  │     {line}")
        if embed.footer.text:
            self.say(f"  ╰─ {self.readable(embed.footer.text)}")

    def readable(self, text: str) -> str:
        """Discord markup as a terminal shows it: times, mentions, spoilers, bold."""
        zone = ZoneInfo(self.settings.default_timezone)

        def timestamp(match: re.Match[str]) -> str:
            moment = datetime.fromtimestamp(int(match.group(1)), zone)
            if match.group(2) == "R":
                return relative(moment - self.env.now())
            return f"{moment:%a %d %b %Y %H:%M} {moment.tzname()}"

        text = re.sub(r"<t:(-?\d+)(?::([tTdDfFR]))?>", timestamp, text)
        text = re.sub(r"<@!?(\d+)>", lambda m: "@" + self.names.get(int(m.group(1)), m.group(1)), text)
        text = re.sub(r"<#(\d+)>", lambda m: "#" + self._channel_name(int(m.group(1))), text)
        text = re.sub(r"\|\|(.+?)\|\|", lambda m: f"[spoiler: {m.group(1)}]", text, flags=re.S)
        text = re.sub(r"^```\w*\n|\n```$", "", text)  # code fences around text bars
        return text.replace("**", "").replace("__", "").replace("\u200b", "")

    def _channel_name(self, channel_id: int) -> str:
        for name, handle in self.guild.channels.items():
            if handle.id == channel_id:
                return name
        return str(channel_id)


def relative(delta: timedelta) -> str:
    seconds = delta.total_seconds()
    future = seconds >= 0
    seconds = abs(seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = round(seconds / size)
            words = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"in {words}" if future else f"{words} ago"
    return "now"


def sandbox_settings(
    settings: Settings, database: Path | None
) -> tuple[Settings, tempfile.TemporaryDirectory[str] | None]:
    if database is not None:
        return settings.model_copy(update={"database_path": database, "token": None}), None
    folder = tempfile.TemporaryDirectory(prefix="drama-club-try-")
    return settings.model_copy(update={"database_path": Path(folder.name) / "club.sqlite3", "token": None}), folder
