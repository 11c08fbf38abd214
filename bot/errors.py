"""Errors whose message is written for the member who caused them and is shown as it is."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused action: the message says what went wrong and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
