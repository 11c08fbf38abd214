"""``kdrama-bot try``: the real bot against a simulated Discord server, printed in the terminal.

The same :func:`bot.client.create_bot`, cogs, storage and catalog run inside simcord, an in-memory
Discord.
"""

from __future__ import annotations

import logging
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
from bot.follows import FollowStore
from bot.parties import PartyStore
from bot.settings import Settings
from bot.storage import Storage, bundled_migrations, check_file
from bot.watchlist import Watchlist
from trial.network import RealClockTransport
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
    ("vote ANSWER", "vote in the newest poll, by number or by the start of the answer, e.g. vote 2"),
    ("fill FIELD=VALUE; ...", "fill in and send the open form, e.g. fill First party=2027-01-09 20:00"),
    ("choices /COMMAND OPTION:TEXT", "what autocomplete offers while you type TEXT, e.g. choices /drama title:soun"),
    ("wait DURATION", "let simulated time pass, e.g. wait 30m, wait 2h, wait 7d; shows what the bot posts"),
    ("wait next", "let time pass until the bot's next reminder, announcement or poll end"),
    ("exit", "leave (Ctrl+D works too)"),
)
LONGEST_WAIT = timedelta(weeks=520)  # one wait: ten years
LAST_YEAR = 9000  # well before Python's dates end, at the year 9999
NEXT_GRACE_MINUTES = 5  # after "wait next": minutes more for Discord to do its part (a poll's results)
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
    check_file(path, "--database")
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


class ErrorCount(logging.Handler):
    """Counts the errors the bot logs, so that the terminal can say where their tracebacks are."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class Sandbox:
    """One simulated server with the real bot in it; runs typed commands and prints the answers."""

    def __init__(self, settings: Settings, storage: Storage, out: TextIO) -> None:
        self.settings = settings
        self.storage = storage
        self.out = out
        self.names: dict[int, str] = {}
        self.members: dict[str, simcord.MemberActor] = {}
        self.recent: list[Any] = []  # the messages shown, oldest first: what click, pick and vote look in
        self.current = "you"
        self.form: Any = None  # the InteractionResult whose modal is open, waiting for fill
        self.errors = ErrorCount()
        self.log_file: Path | None = None  # where the bot's log goes, when a file

    async def start(
        self,
        *,
        member: str = "you",
        admin: bool = False,
        also_admin: str | None = None,
        commands: Iterable[app_commands.Command[Any, Any, Any]] = (),
    ) -> None:
        """Start the bot in a new simulated server, acting as ``member``. ``also_admin`` names a
        second member, an admin; ``commands`` are added to the bot's own (the page's clock)."""
        try:
            import simcord
        except ImportError:
            raise TryError(MISSING_SIMCORD) from None
        # The simulated Discord is new at every run: it always needs the commands registered.
        self.bot = create_bot(self.settings, self.storage, force_sync=True, tmdb_transport=RealClockTransport())
        for command in commands:
            self.bot.tree.add_command(command)
        self.env = simcord.Env(self.bot, settle_timeout=60)
        logging.getLogger().addHandler(self.errors)
        try:
            await self.env.start()
        except BaseException:
            await self.bot.close()
            raise
        assert self.bot.user is not None
        await self.bot.user.edit(username="Drama Club")  # simcord's bot is "TestBot" until told
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
        # Made after the first member, so that the ids made before stay what they were.
        self.guild.create_role("Drama fans")  # a role to mention, e.g. /follow add role:Drama fans
        self.guild.create_text_channel("announcements")  # e.g. /follow add channel:announcements
        if also_admin is not None:
            self.act_as(also_admin, admin=True)
            self.act_as(member)
        # Let the simulated clock catch up with today, so dates mean what they say.
        await self.env.advance_time(max(0.0, (datetime.now().astimezone() - self.env.now()).total_seconds()))
        self.specs = command_specs(self.bot)
        self._seen = {m.id for channel in self.text_channels() for m in channel.history()}
        if self.settings.tmdb_token is None:
            self.say("TMDB look-ups are off (TMDB_TOKEN is not set): only the curated catalog answers.")
        else:
            self.say(
                f"TMDB look-ups are on: titles the catalog lacks are looked up live at {self.settings.tmdb_api_url}."
            )

    async def close(self) -> None:
        logging.getLogger().removeHandler(self.errors)
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
            if word == "vote":
                return await self.vote(rest)
            if word == "fill":
                return await self.fill(rest)
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
        import simcord

        errors_before = len(self.env.errors_since(0))
        logged_before = self.errors.count
        try:
            result = await action
        except (simcord.SetupError, simcord.BackendError) as refused:
            raise TryError(f"Discord would not let you do that: {refused}") from None
        if result.modal is not None:
            self.show_form(result)
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
        if self.errors.count > logged_before and self.log_file is not None:
            self.say(f"  (the bot logged an error; its traceback is in {self.log_file})")
        return not self.env.errors_since(errors_before)

    def _newest(self, what: str, wanted: Callable[[dict[str, Any]], bool]) -> tuple[Any, dict[str, Any]]:
        """The newest message shown here with a component that is ``wanted`` as it is now, and that
        component. A message the bot has changed since it was shown is looked at as it is now."""
        current = self.current_messages()
        for message in reversed(self.recent):
            now = as_it_is(message, current)
            for item in components_of(now):
                if wanted(item):
                    return now, item
        for message in reversed(self.recent):
            if any(wanted(item) for item in components_of(message)):
                buttons = ", ".join(
                    f"{item.get('label')}{' (greyed out)' if item.get('disabled') else ''}"
                    for item in components_of(as_it_is(message, current))
                    if item.get("label")
                )
                changed = f"; it has {buttons} now" if buttons else ""
                raise TryError(f"The bot has changed that message since: it no longer has {what}{changed}.")
        raise TryError(f"Nothing shown so far has {what}; run a command that shows it first.")

    async def click(self, label: str) -> bool:
        if not label.strip():
            raise TryError("Say which button: click LABEL, e.g. click Join.")
        wanted = label.strip().casefold()
        message, button = self._newest(
            f"a {label.strip()!r} button",
            lambda item: item.get("type") == 2 and str(item.get("label", "")).casefold() == wanted,
        )
        if button.get("disabled"):
            raise TryError(f"The {label.strip()!r} button is greyed out: Discord does not let anyone press it.")
        if "custom_id" not in button:
            raise TryError(f"{label.strip()!r} is a link to {button.get('url')}; it opens in a browser.")
        return await self.interact(self.member.click(message, custom_id=button["custom_id"]))

    async def vote(self, text: str) -> bool:
        wanted = text.strip().casefold()
        if not wanted:
            raise TryError("Say which answer: vote NUMBER, or vote and the start of the answer.")
        current = self.current_messages()
        for shown in reversed(self.recent):
            message = as_it_is(shown, current)
            poll = message.poll
            if poll is None:
                continue
            if poll.is_finalised():
                raise TryError("The newest poll has ended; its results are above.")
            answers = list(poll.answers)
            chosen = next(
                (a for a in answers if str(a.id) == wanted or a.text.casefold().startswith(wanted)),
                None,
            )
            if chosen is None:
                listed = "; ".join(f"{a.id}. {a.text}" for a in answers)
                raise TryError(f"The poll offers {listed}; vote with a number.")
            import simcord

            try:
                await self.member.vote(message, answer=chosen.id)
            except (simcord.SetupError, simcord.BackendError) as refused:
                raise TryError(f"Discord would not take that vote: {refused}") from None
            self.say(f"{self.current} voted for {chosen.text}.")
            self.show_new_posts()
            return True
        raise TryError("Nothing shown so far has a poll; an admin starts one with /pick.")

    def show_form(self, result: Any) -> None:
        """The modal a member sees, and how to fill it in here."""
        self.form = result
        modal = result.modal
        self.say(f"Drama Club opens a form: {modal.get('title', '')}")
        fields = form_fields(modal)
        for control in fields:
            shown = control.get("value") or (f"(e.g. {control['placeholder']})" if control.get("placeholder") else "")
            required = "" if control.get("required", True) else " (optional)"
            self.say(f"  [field] {control.get('label', control['custom_id'])}{required}: {shown}")
        first = fields[0] if fields else None
        example = f" e.g. fill {str(first.get('label', '')).split(' (')[0]}=..." if first else ""
        self.say(f"  Fill it in with: fill FIELD=VALUE; FIELD=VALUE (a field left out keeps what it shows).{example}")

    async def fill(self, text: str) -> bool:
        if self.form is None:
            raise TryError("No form is open; a button such as Plan watch parties opens one.")
        fields = form_fields(self.form.modal)
        values: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in text.split(";"))):
            name, equals, value = part.partition("=")
            if not equals or not name.strip():
                raise TryError(f"{part!r} needs FIELD=VALUE, e.g. fill Time zone=Asia/Seoul.")
            wanted = name.strip().casefold()
            field = next((f for f in fields if str(f.get("label", "")).casefold().startswith(wanted)), None)
            if field is None:
                names = ", ".join(str(f.get("label")) for f in fields)
                raise TryError(f"The form has no field {name.strip()!r}; its fields are {names}.")
            if field["custom_id"] in values:
                raise TryError(f"{field.get('label')} is given twice; give each field once.")
            values[field["custom_id"]] = value.strip()
        for field in fields:
            values.setdefault(field["custom_id"], str(field.get("value") or ""))
        form, self.form = self.form, None
        return await self.interact(self.member.submit_modal(form, values))

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
        if option.kind == "role":
            wanted = str(value).lstrip("@").casefold()
            for role_name, role in self.guild.roles.items():
                if role_name.casefold() == wanted:
                    return role
            bot_role = self.bot.user.name if self.bot.user is not None else ""
            names = ", ".join(f"@{n}" for n in self.guild.roles if n not in ("@everyone", bot_role))
            raise TryError(f"There is no role {value!r} here; the server has {names}.")
        if option.kind == "user":
            member = self.members.get(str(value).lstrip("@"))
            if member is None:
                raise TryError(f"{name}: there is no member {value!r} (use: as {value} to create one).")
            return member
        return value

    async def next_due(self) -> tuple[datetime, str] | None:
        """When the bot next has something to post, from what is stored, and what it is."""
        due = [
            (await PartyStore(self.storage).next_notice_at(), "the next watch-party reminder"),
            (await FollowStore(self.storage).next_due_at(), "the next episode announcement"),
            (await Watchlist(self.storage).next_end(), "the poll's end"),
        ]
        upcoming = [(at, what) for at, what in due if at is not None]
        return min(upcoming) if upcoming else None

    async def wait(self, duration: str) -> None:
        if duration.strip().casefold() == "next":
            await self.wait_next()
            return
        match = _DURATION.match(duration.strip().casefold())
        if match is None:
            raise TryError("Say how long: wait 30m, wait 2h, wait 7d (s, m, h, d or w), or wait next.")
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
        if seconds > LONGEST_WAIT.total_seconds():
            raise TryError("Wait at most ten years at a time (wait 520w), and again after it if you like.")
        if (self.env.now() + timedelta(seconds=seconds)).year > LAST_YEAR:
            raise TryError(f"The simulated calendar stops at the year {LAST_YEAR}; the club will not get further.")
        await self.env.advance_time(seconds)
        self.say(f"… {duration.strip()} later ({self.now_text()})")
        if not self.show_new_posts():
            self.say("(nothing new in any channel)")

    async def wait_next(self) -> None:
        """Let time pass to the next thing due; Discord may take a minute more (a poll's results)."""
        found = await self.next_due()
        if found is None:
            raise TryError("Nothing is due: no reminder, announcement or poll is waiting. Try wait 1d.")
        at, what = found
        started = self.env.now()
        await self.env.advance_time(max(0.0, (at - started).total_seconds()) + 1)
        for _ in range(NEXT_GRACE_MINUTES):
            if self.has_new_posts():
                break
            await self.env.advance_time(60)
        self.say(f"… {relative(self.env.now() - started).removeprefix('in ')} later, to {what} ({self.now_text()})")
        if not self.show_new_posts():
            self.say("(nothing new in any channel)")

    def now_text(self) -> str:
        return self.readable(f"<t:{int(self.env.now().timestamp())}:f>")

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

    def text_channels(self) -> list[simcord.ChannelHandle]:
        """The server's text channels and their threads, in the order the server lists them."""
        found: dict[int, simcord.ChannelHandle] = {}
        for channel in self.guild.channels.values():
            if isinstance(self.bot.get_channel(channel.id), discord.TextChannel):
                found[channel.id] = channel
                found.update((thread.id, thread) for thread in channel.threads)
        return list(found.values())

    def current_messages(self) -> dict[int, discord.Message]:
        """Every message in the server as it is now, by id: the bot edits what it posted."""
        return {m.id: m for channel in self.text_channels() for m in channel.history()}

    def has_new_posts(self) -> bool:
        return any(m.id not in self._seen and not m.flags.ephemeral for c in self.text_channels() for m in c.history())

    def show_new_posts(self, skip: Iterable[int] = ()) -> bool:
        """Print what was posted for everyone since last time, in every channel and thread."""
        shown = False
        skipped = set(skip)
        for channel in self.text_channels():
            for message in channel.history():
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
                    where=self._channel_label(channel),
                )
                shown = True
        return shown

    def _channel_label(self, channel: simcord.ChannelHandle) -> str:
        if channel.is_thread:
            return f"the thread “{channel.name}”"
        return f"#{channel.name}"

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
        where: str = "",
    ) -> None:
        who = self.names.get(author.id, author.name) if author is not None else "Drama Club"
        self.say(f"{who}{f' in {where}' if where else ''}{'  (only you can see this)' if ephemeral else ''}:")
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
            for choice in poll.answers:
                count = choice.vote_count
                votes = f"  ({count} vote{'s' if count != 1 else ''})" if count else ""
                self.say(f"    {choice.id}. {choice.text}{votes}")
            if not poll.is_finalised():
                self.say("    (vote with: vote NUMBER)")

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


def as_it_is(shown: Any, current: dict[int, discord.Message]) -> Any:
    """A message shown earlier, as it is now: the bot edits what it posts. An answer only its
    member sees is not in any channel's history, and stays as it was shown."""
    return current.get(shown.id, shown) if isinstance(shown, discord.Message) else shown


def components_of(message: Any) -> list[dict[str, Any]]:
    """A message's buttons and menus, as Discord sends them."""
    return [item for row in message.components for item in row.to_dict().get("components", [])]


def form_fields(modal: dict[str, Any]) -> list[dict[str, Any]]:
    """A modal's text inputs, whether in action rows or in labels."""
    found = []
    for row in modal.get("components", []):
        children = row.get("components") or ([row["component"]] if "component" in row else [row])
        for child in children:
            if child.get("type") == discord.ComponentType.text_input.value:
                found.append({"label": row.get("label"), **child})
    return found


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
