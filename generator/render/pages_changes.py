"""What changed, from the git history (generator/history.py): the history and "cite this"
sections of event and actor pages, and the site's Changes and Corrections pages.

Commit subjects and `Correction:` trailers are editors' text like any other: always escaped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator import markdown as md
from generator.dates import PartialDate
from generator.history import Change, History
from generator.model import FactBase
from generator.render import links, parts
from generator.render.citations import Citable, SiteInfo, cite_block
from generator.render.feeds import CALENDAR, FEED

CHANGES_PAGE = "about/changes.md"
CORRECTIONS_PAGE = "about/corrections.md"
# An entity page lists its latest changes; the Changes page, the site's.
PAGE_CHANGES = 10
SITE_CHANGES = 100
# A change of many files names the first few: the page stays short at any size.
PAGES_NAMED = 6


@dataclass(frozen=True)
class PageRecord:
    """What an entity page shows about itself: its changes, and how to cite it."""

    page: str
    title: str
    changes: tuple[Change, ...]  # newest first; empty without a history
    site: SiteInfo
    complete: bool = True  # False in a shallow clone: the first change may not be there

    @property
    def citable(self) -> Citable:
        last = PartialDate.from_date(self.changes[0].day) if self.changes else None
        return Citable(self.page, self.title, last)


def page_record(
    facts: FactBase, kind: str, entity_id: str, title: str, history: History, site: SiteInfo
) -> PageRecord:
    page = links.event_page(entity_id) if kind == "events" else links.actor_page(entity_id)
    changes = history.of(facts.file_of(kind, entity_id))
    return PageRecord(page, title, changes, site, history.state == "full")


def about_this_page(record: PageRecord | None) -> str:
    """The page's history (when there is one) and its "Cite this page" section."""
    if record is None:
        return ""
    return _history(record) + "\n" + cite_block(record.citable, record.site)


def _history(record: PageRecord) -> str:
    changes = record.changes
    if not changes:
        return ""
    first, last = changes[-1].day, changes[0].day
    when = f"First recorded on {_day(first)}; last" if record.complete else "Last"
    lines = [
        "## History\n",
        f"{when} changed on {_day(last)}.\n",
        *(f"- {_change_line(c, record.site)}" for c in changes[:PAGE_CHANGES]),
    ]
    if len(changes) > PAGE_CHANGES:
        earlier = parts.counted(len(changes) - PAGE_CHANGES, "earlier change")
        lines.append(f"\nAnd {earlier}, in the file's git log.")
    return "\n".join(lines) + "\n"


def _change_line(change: Change, site: SiteInfo) -> str:
    line = f"{_day(change.day)}: {_subject(change, site)}"
    for what in change.corrections:
        line += f" **Correction:** {md.text(what)}"
    return line


def _subject(change: Change, site: SiteInfo) -> str:
    """The commit's subject, then its short id linked to the commit (a whole linked subject
    read as one more link among the pages a change lists)."""
    repo = site.repo_url
    if repo is None or not md.is_safe_url(repo):
        return md.text(change.subject)
    link = f"[`{change.commit[:7]}`](<{repo.rstrip('/')}/commit/{change.commit}>)"
    return f"{md.text(change.subject)} ({link})"


def _day(day: dt.date) -> str:
    return PartialDate.from_date(day).human()


# --- the site's pages -----------------------------------------------------------------------


def changes_page(facts: FactBase, history: History, site: SiteInfo) -> str:
    feed, calendar = (links.relative(CHANGES_PAGE, name) for name in (FEED, CALENDAR))
    intro = (
        f"The latest {SITE_CHANGES} changes to the fact base, newest first, each with the "
        "pages it changed. Changes an editor marked as corrections are also listed under "
        f"[Corrections]({links.relative(CHANGES_PAGE, CORRECTIONS_PAGE)}).\n\n"
        f"Follow new and changed events with the [Atom feed]({feed}), or add every event to "
        f"a calendar ([iCalendar file]({calendar})).\n"
    )
    commits = history.commits[:SITE_CHANGES]
    return (
        "# Changes\n\n" + intro + "\n" + _commit_list(facts, commits, CHANGES_PAGE, site, history)
    )


def corrections_page(facts: FactBase, history: History, site: SiteInfo) -> str:
    intro = (
        "Every change an editor marked as a correction, newest first: what was wrong, and "
        "the pages it corrected. An editor marks one with a `Correction:` line at the end of "
        "the commit message (see the editors' guide).\n"
    )
    found = _commit_list(facts, history.corrections, CORRECTIONS_PAGE, site, history)
    return "# Corrections\n\n" + intro + "\n" + found


def _commit_list(
    facts: FactBase,
    commits: list[tuple[Change, tuple[str, ...]]] | tuple[tuple[Change, tuple[str, ...]], ...],
    page: str,
    site: SiteInfo,
    history: History,
) -> str:
    if history.state == "none":
        return "*This copy of the site was built without its git history.*\n"
    if not commits:
        return "*None yet.*\n"
    pages = _pages_by_file(facts)
    items = []
    for change, files in commits:
        named = [_file_link(pages.get(path), path, page) for path in files[:PAGES_NAMED]]
        if len(files) > PAGES_NAMED:
            named.append(f"and {len(files) - PAGES_NAMED} more files")
        items.append(f"- {_change_line(change, site)}<br>Changed: {', '.join(named)}")
    return "\n".join(items) + "\n"


def _file_link(found: tuple[str, str] | None, path: str, page: str) -> str:
    if found is None:
        return f"{md.text(path)} (removed)"
    label, target = found
    return md.page_link(label, links.relative(page, target))


def _pages_by_file(facts: FactBase) -> dict[str, tuple[str, str]]:
    """The page that shows each content file, and its title."""
    found: dict[str, tuple[str, str]] = {}
    for event in facts.events.values():
        found[facts.file_of("events", event.id)] = (event.title, links.event_page(event.id))
    for actor in facts.actors.values():
        found[facts.file_of("actors", actor.id)] = (actor.name, links.actor_page(actor.id))
    for topic in facts.topics.values():
        found[facts.file_of("topics", topic.id)] = (topic.title, links.topic_page(topic.id))
    for source in facts.sources.values():
        label = source.title or source.publisher
        target = links.source_entry(source.id, source.publisher)
        found[facts.file_of("sources", source.id)] = (label, target)
    for relation in facts.relationships.values():
        target = links.relationships_part(relation.kind)
        found[facts.file_of("relationships", relation.id)] = (relation.id, target)
    return found
