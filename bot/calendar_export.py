"""Watch parties as an iCalendar (.ics) file, with the icalendar package."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from icalendar import Calendar, Event

from bot.drama import Drama
from bot.parties import Party

PRODUCT_ID = "-//Drama Club//Watch parties//EN"


def parties_calendar(
    parties: Sequence[Party],
    drama_of: Callable[[Party], Drama | None],
    *,
    server_name: str,
    now: datetime,
) -> bytes:
    """One VEVENT per party, times in UTC; stable UIDs so a re-import updates, not duplicates."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{server_name} watch parties")
    for party in parties:
        drama = drama_of(party)
        title = drama.title if drama is not None else party.drama_slug
        event = Event()
        event.add("uid", f"party-{party.id}-{party.guild_id}@drama-club")
        event.add("dtstamp", now)
        event.add("dtstart", party.starts_at)
        event.add("dtend", party.ends_at)
        event.add("summary", f"{title} - {party.episodes_label} watch party")
        event.add("location", party.location or ("Discord voice channel" if party.voice_channel_id else "Online"))
        event.add("description", f"Drama Club watch party in {server_name}: {title}, {party.episodes_label}.")
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical
