"""Watch parties: `/watchparty schedule|list|cancel|export`, RSVP buttons and reminders."""

from __future__ import annotations

from bot.client import DramaClub
from cogs.watchparty._cog import WatchPartyCog


async def setup(bot: DramaClub) -> None:
    await bot.add_cog(WatchPartyCog(bot))
