"""Choosing the next drama together: `/suggest`, `/watchlist show|remove|history`, and `/pick`,"""

from __future__ import annotations

from bot.client import DramaClub
from cogs.watchlist._cog import WatchlistCog


async def setup(bot: DramaClub) -> None:
    await bot.add_cog(WatchlistCog(bot))
