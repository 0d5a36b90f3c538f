"""The Atom feed of new and changed events (feedgen) and the calendar of events (RFC 5545).

An event's time in the feed is when its file last changed in git; without a history, the
day it happened. The calendar gives each event the days its date covers, as precisely as it
is known: a month-precision date is the whole month, never one day on the first, and its
title says how precisely it is known. Both are the same for the same fact base and history.

The calendar is written here rather than with the icalendar library: it lists every event, so
each save rewrites it, and icalendar took seconds a save at 10,000 events for what is text
escaping and line folding. The tests read it back with icalendar, over any text.
"""

from __future__ import annotations

import datetime as dt
import uuid

from feedgen.feed import FeedGenerator

from generator.dates import Precision, human_span
from generator.history import History
from generator.model import FactBase
from generator.render import links
from generator.render.citations import SiteInfo
from generator.schema import Event

FEED = "feed.xml"
CALENDAR = "events.ics"
FEED_ENTRIES = 50
FOLD_OCTETS = 75
_PRECISION_WORDS = {
    Precision.MONTH: "date known to the month",
    Precision.YEAR: "date known to the year",
}


def event_changed(facts: FactBase, event: Event, history: History) -> dt.datetime:
    """When the event's file last changed, or (without a history) the day it happened."""
    changes = history.of(facts.file_of("events", event.id))
    if changes:
        return changes[0].when
    return dt.datetime.combine(event.date.first_day, dt.time(), dt.UTC)


def atom_feed(facts: FactBase, history: History, site: SiteInfo) -> bytes:
    """The latest new or changed events, newest first."""
    dated = sorted(
        ((event_changed(facts, e, history), e) for e in facts.events.values()),
        key=lambda pair: (pair[0], pair[1].id),
        reverse=True,
    )[:FEED_ENTRIES]
    feed = FeedGenerator()
    feed.id(_id(site, links.HOME))
    feed.title(site.name)
    feed.subtitle("New and changed events")
    feed.link(href=site.address(FEED) or FEED, rel="self")
    feed.link(href=site.address(links.HOME) or "./", rel="alternate")
    feed.updated(dated[0][0] if dated else dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    for changed, event in reversed(dated):  # feedgen puts each entry before the last
        page = links.event_page(event.id)
        entry = feed.add_entry()
        entry.id(_id(site, page))
        entry.title(event.title)
        entry.updated(changed)
        entry.link(href=site.address(page) or links.site_url(page))
        entry.summary(f"{human_span(event.date, event.end)}. {event.summary}")
    return bytes(feed.atom_str(pretty=True))


def calendar(facts: FactBase, history: History, site: SiteInfo) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//sahel-timeline//events//EN",
        f"X-WR-CALNAME:{_text(site.name)}",
    ]
    for event in facts.events_in_order:
        lines += _calendar_event(facts, event, history, site)
    lines.append("END:VCALENDAR")
    return "".join(_folded(line) + "\r\n" for line in lines).encode("utf-8")


def _calendar_event(facts: FactBase, event: Event, history: History, site: SiteInfo) -> list[str]:
    end = event.end or event.date
    precision = _PRECISION_WORDS.get(min(event.date.precision, end.precision, key=_rank))
    title = f"{event.title} ({precision})" if precision else event.title
    stamp = event_changed(facts, event, history).astimezone(dt.UTC)
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{_text(title)}",
        # All-day dates; DTEND is the day after the last one the date covers.
        f"DTSTART;VALUE=DATE:{event.date.first_day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{end.last_day + dt.timedelta(days=1):%Y%m%d}",
        f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
        f"UID:{_text(f'{event.id}@{_host(site)}')}",
        f"DESCRIPTION:{_text(f'{human_span(event.date, event.end)}. {event.summary}')}",
    ]
    address = site.address(links.event_page(event.id))
    if address is not None:
        lines.append(f"URL:{address}")
    return [*lines, "END:VEVENT"]


def _text(value: str) -> str:
    """An RFC 5545 TEXT value: backslash, semicolon, comma and line breaks escaped."""
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return escaped.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def _folded(line: str) -> str:
    """The line in pieces of at most 75 octets, each after the first begun with a space,
    never splitting a character's UTF-8 bytes or an escape (RFC 5545, 3.1)."""
    pieces: list[str] = []
    limit = FOLD_OCTETS
    while len(line) > limit // 4 and len(line.encode("utf-8")) > limit:
        # The characters whose every byte fits, less a backslash that would leave its
        # escaped character to the next piece.
        cut = len(line.encode("utf-8")[:limit].decode("utf-8", "ignore"))
        head = line[:cut]
        if (len(head) - len(head.rstrip("\\"))) % 2:
            cut -= 1
        pieces.append(line[:cut])
        line = line[cut:]
        limit = FOLD_OCTETS - 1  # the space that begins the next piece counts
    return "\r\n ".join([*pieces, line])


def _rank(precision: Precision) -> int:
    return [Precision.YEAR, Precision.MONTH, Precision.DAY].index(precision)


def _host(site: SiteInfo) -> str:
    """The domain part of a UID: the site's host, or a stable name for a local build."""
    address = site.address(links.HOME)
    return address.split("://", 1)[1].split("/", 1)[0] if address else "sahel-timeline.invalid"


def _id(site: SiteInfo, page: str) -> str:
    """An Atom id: the page's address, or (its address unknown) a URN from its path."""
    address = site.address(page)
    if address is not None:
        return address
    return uuid.uuid5(uuid.NAMESPACE_URL, f"sahel-timeline:{page}").urn
