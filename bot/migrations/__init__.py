"""Numbered SQL migrations: ``NNNN_name.sql``, applied in order by :mod:`bot.storage`.

Never edit a migration that has shipped; add the next number instead.
"""
