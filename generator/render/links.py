"""Where each generated page lives, and how one page links to another.

Pages are addressed by their path under site_src/ (`events/bamako-attack.md`). Markdown
links between pages are relative .md paths, which MkDocs checks and rewrites; figure data
carries site-root-relative URLs (`events/bamako-attack/`), which the loader resolves.
"""

from __future__ import annotations

import functools
import posixpath
import re
import unicodedata

from generator.markdown import is_safe_url

HOME = "index.md"
TIMELINE = "timeline.md"
NETWORK = "network.md"
MAP = "map.md"
ACTORS_INDEX = "actors/index.md"
RELATIONSHIPS_INDEX = "relationships.md"
SOURCES_INDEX = "sources.md"
CLAIMS_INDEX = "claims.md"
DISPUTES = "disputes.md"
DATA_PAGE = "data.md"
TOPICS_INDEX = "topics/index.md"


def event_page(event_id: str) -> str:
    return f"events/{event_id}.md"


def topic_year(topic_id: str, year: int) -> str:
    return f"topics/{topic_id}/{year}.md"


def timeline_part(year: int, month: int | None = None) -> str:
    return f"timeline/{year}.md" if month is None else f"timeline/{year}-{month:02}.md"


# Asked of every source by each publisher's page: a few dozen publishers, thousands of sources.
@functools.lru_cache(maxsize=4096)
def publisher_page(publisher: str) -> str:
    """The bibliography page of a publisher's sources (publishers whose names differ only in
    case or punctuation, or past their first SLUG_LENGTH letters, share one)."""
    return f"sources/{slug(publisher) or 'publisher'}.md"


# A page named from an editor's text keeps a file name every file system takes (a name of
# 5,000 characters is refused with ENAMETOOLONG).
SLUG_LENGTH = 60


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits, runs of anything else as one hyphen, at most
    SLUG_LENGTH characters: the name of a page made from an editor's text."""
    found = re.sub(r"[^a-z0-9]+", "-", _ascii(text.casefold())).strip("-")
    return found[:SLUG_LENGTH].rstrip("-")


def source_entry(source_id: str, publisher: str) -> str:
    return f"{publisher_page(publisher)}#{source_id}"


def relationships_part(kind: str) -> str:
    """The page listing the relationships of one kind (`member_of`, …)."""
    return f"relationships/{kind.replace('_', '-')}.md"


def claims_part(status: str, year: int | None = None) -> str:
    """The page of the claims ledger listing the claims of one status (about the events of
    one year, for a status with too many for one page)."""
    return f"claims/{status}.md" if year is None else f"claims/{status}/{year}.md"


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def place_page(anchor: str) -> str:
    """The page of a place with several events, by the place's anchor on the map."""
    return f"map/{anchor.removeprefix('place-')}.md"


def actor_page(actor_id: str) -> str:
    return f"actors/{actor_id}.md"


def topic_page(topic_id: str) -> str:
    return f"topics/{topic_id}.md"


def relative(from_page: str, to_page: str) -> str:
    """The link from one page to another (with any #anchor kept), as MkDocs expects."""
    path, _, anchor = to_page.partition("#")
    link = _relative_path(path, posixpath.dirname(from_page))
    return f"{link}#{anchor}" if anchor else link


def _relative_path(path: str, from_folder: str) -> str:
    # Called for every link of every page (~200,000 times at 10,000 events); relpath's
    # abspath calls dominated generation. Our paths are normalised, so two cases need none.
    if not from_folder:
        return path
    if path.startswith(from_folder + "/") and "/" not in path[len(from_folder) + 1 :]:
        return path[len(from_folder) + 1 :]
    target, origin = path.split("/"), from_folder.split("/")
    if "" in target or "." in target or ".." in target or ".." in origin or "." in origin:
        return posixpath.relpath(path, from_folder)
    # The folders both are in, then up from the page's folder and down to the target.
    shared = 0
    while shared < min(len(target) - 1, len(origin)) and target[shared] == origin[shared]:
        shared += 1
    return "/".join([".."] * (len(origin) - shared) + target[shared:])


def site_url(page: str) -> str:
    """The page's URL relative to the site root, with MkDocs' directory URLs."""
    if page == HOME:
        return ""
    stem = page.removesuffix(".md")
    if stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/"


def edit_base(repo_url: str | None, edit_uri: str | None) -> str | None:
    """The address content file paths are appended to for an edit link, or None for no link.

    `edit_uri` is the repository-root edit path (such as 'edit/main/'), not MkDocs'
    docs_dir-relative one: the pages are generated, and the link opens the YAML file.
    """
    if not repo_url or not is_safe_url(repo_url):
        return None
    uri = (edit_uri or "edit/main/").strip("/")
    return f"{repo_url.rstrip('/')}/{uri}/"
