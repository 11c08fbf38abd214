"""Drama Club: the domain (catalog, search, storage, settings) and the bot's frame.

Only :mod:`bot.client` and :mod:`bot.__main__` import discord; every other module takes and
returns plain data.
"""
