"""discord.py extensions, one per area; each public module here is loaded at start-up.

Modules whose name starts with ``_`` are shared helpers (rendering, checks), not extensions.
"""
