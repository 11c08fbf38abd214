"""Trying the real bot on a simulated Discord server (simcord), without a token: ``kdrama-bot try``.

Not part of the bot: simcord is an optional dependency (``pip install -e ".[try]"``), imported
only when ``try`` runs.
"""
