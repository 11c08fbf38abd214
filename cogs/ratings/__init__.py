"""Ratings: `/rate` in chat, `/ratings show|top|mine|remove|export`, and post-party episode votes."""

from __future__ import annotations

from bot.client import DramaClub
from cogs.ratings._cog import RatingsCog


async def setup(bot: DramaClub) -> None:
    await bot.add_cog(RatingsCog(bot))
