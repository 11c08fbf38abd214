"""Drama knowledge: `/drama` cards, `/review` summaries, `/cast` lists and `/actor` look-ups."""

from __future__ import annotations

from bot.client import DramaClub
from cogs.drama._cog import DramaCog


async def setup(bot: DramaClub) -> None:
    await bot.add_cog(DramaCog(bot))
