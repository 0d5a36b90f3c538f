"""The Atom feed of new and changed events (feedgen) and the calendar of events (icalendar).

An event's time in the feed is when its file last changed in git; without a history, the
day it happened. The calendar gives each event the days its date covers, as precisely as it
is known: a month-precision date is the whole month, never one day on the first, and its
title says how precisely it is known. Both are the same for the same fact base and history.
"""

from __future__ import annotations

import datetime as dt
import uuid

import icalendar
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
    cal = icalendar.Calendar()
    cal.add("prodid", "-//sahel-timeline//events//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", site.name)
    for event in facts.events_in_order:
        cal.add_component(_calendar_event(facts, event, history, site))
    return bytes(cal.to_ical())


def _calendar_event(
    facts: FactBase, event: Event, history: History, site: SiteInfo
) -> icalendar.Event:
    end = event.end or event.date
    precision = _PRECISION_WORDS.get(min(event.date.precision, end.precision, key=_rank))
    item = icalendar.Event()
    item.add("uid", f"{event.id}@{_host(site)}")
    item.add("dtstamp", event_changed(facts, event, history))
    # All-day dates; DTEND is the day after the last one the date covers.
    item.add("dtstart", event.date.first_day)
    item.add("dtend", end.last_day + dt.timedelta(days=1))
    item.add("summary", f"{event.title} ({precision})" if precision else event.title)
    item.add("description", f"{human_span(event.date, event.end)}. {event.summary}")
    address = site.address(links.event_page(event.id))
    if address is not None:
        item.add("url", address)
    return item


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
