"""Following dramas while they air: `/follow add|list`, `/unfollow`, `/airing`, each episode's"""

from __future__ import annotations

from bot.client import DramaClub
from cogs.airing._cog import AiringCog


async def setup(bot: DramaClub) -> None:
    await bot.add_cog(AiringCog(bot))
