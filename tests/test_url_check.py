"""A source's `url` is a well-formed absolute http(s) address, by the model and the JSON Schema.

The checker refuses anything else with one error at the value, saying which character is
wrong and how to write it; the JSON Schema's pattern (what editors' tools check) says the
same of every address. (That ECMAScript reads the pattern alike is checked in Chromium, in
tests/browser/test_hostile_site.py.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.schema import URL_PATTERN, Source
from tests.conftest import REPO, run_generator

SCHEMA = json.loads((REPO / "schemas" / "sources.schema.json").read_text(encoding="utf-8"))

ACCEPTED = [
    "https://example.org",
    "http://example.org/",
    "https://www.example.org.",
    "https://en.wikipedia.org/wiki/2020_Malian_coup_d'état",
    "https://feeds.bbci.co.uk/news/articles/ce8d996x1r0o",
    "https://example.org:8443/a/b.html?c=d&e=f+g;h#frag/ment?x",
    "https://example.org/a%20b/%C3%A9",
    "https://example.org/~user/(x)!*,=:@$",
    "https://例え.jp/パス?q=値",
    "https://[2001:db8::1]:8080/x",
    "https://192.0.2.1/report",
]

# Each refused address, and the one error the checker gives for it.
REFUSED = {
    'https://example.org/"><svg/onload=alert(1)>': (
        "'https://example.org/\"><svg/onload=alert(1)>' is not a well-formed address: it "
        "holds '\"' (U+0022) at character 21, which cannot be part of one; copy the address "
        "from the browser again, or write %22 for it"
    ),
    "https://example.org/a b": (
        "'https://example.org/a b' is not a well-formed address: it holds U+0020 SPACE at "
        "character 22, which cannot be part of one; copy the address from the browser "
        "again, or write %20 for it"
    ),
    "https://example.org/<script>": (
        "'https://example.org/<script>' is not a well-formed address: it holds '<' (U+003C) "
        "at character 21, which cannot be part of one; copy the address from the browser "
        "again, or write %3C for it"
    ),
    "https://example.org/a\\b": (
        "'https://example.org/a\\b' is not a well-formed address: it holds '\\' (U+005C) at "
        "character 22, which cannot be part of one; copy the address from the browser "
        "again, or write %5C for it"
    ),
    "https://example.org/`x`": (
        "'https://example.org/`x`' is not a well-formed address: it holds '`' (U+0060) at "
        "character 21, which cannot be part of one; copy the address from the browser "
        "again, or write %60 for it"
    ),
    "https://example.org/list[1]": (
        "'https://example.org/list[1]' is not a well-formed address: it holds '[' (U+005B) "
        "at character 25, which cannot be part of one; copy the address from the browser "
        "again, or write %5B for it"
    ),
    "https://example.org/\u202egnp.exe": (
        "'https://example.org/\\u202egnp.exe' is not a well-formed address: it holds U+202E "
        "RIGHT-TO-LEFT OVERRIDE at character 21, which cannot be part of one; copy the "
        "address from the browser again, or write %E2%80%AE for it"
    ),
    "https://example.org/x\U000e0041": (
        "'https://example.org/x\\U000e0041' is not a well-formed address: it holds U+E0041 "
        "TAG LATIN CAPITAL LETTER A at character 22, which cannot be part of one; copy the "
        "address from the browser again, or write %F3%A0%81%81 for it"
    ),
    "https://example.org/100%": (
        "'https://example.org/100%' is not a well-formed address: the '%' at character 24 "
        "is not followed by two hexadecimal digits; write %25 for a '%' that stands for itself"
    ),
    "https://example.org@elsewhere.example/": (
        "'https://example.org@elsewhere.example/' has a user name before '@' in its host "
        "part; a source's address never needs one, and it hides the real host (what follows "
        "'@'): remove it"
    ),
    "javascript:alert(1)": (
        "'javascript:alert(1)' is not an http(s) address; only links starting with https:// "
        "or http:// are allowed"
    ),
    "HTTPS://EXAMPLE.ORG/": (
        "'HTTPS://EXAMPLE.ORG/' is not an http(s) address; only links starting with "
        "https:// or http:// are allowed"
    ),
    "https:///path": (
        "'https:///path' is not a well-formed http(s) address; it should read "
        "https://host/path?query#fragment, with a host name such as 'www.example.org'"
    ),
    "https://-example.org/": (
        "'https://-example.org/' is not a well-formed http(s) address; it should read "
        "https://host/path?query#fragment, with a host name such as 'www.example.org'"
    ),
    "https://example.org/a#b#c": (
        "'https://example.org/a#b#c' is not a well-formed http(s) address; it should read "
        "https://host/path?query#fragment, with a host name such as 'www.example.org'"
    ),
}


def _source(url: str) -> dict[str, str]:
    return {"id": "report", "kind": "news_report", "publisher": "Example", "url": url}


def _accepted_by_model(url: str) -> bool:
    try:
        Source.model_validate(_source(url))
    except pydantic.ValidationError:
        return False
    return True


def _accepted_by_schema(url: str) -> bool:
    try:
        jsonschema.validate(_source(url), SCHEMA)
    except jsonschema.ValidationError:
        return False
    return True


@pytest.mark.parametrize("url", ACCEPTED)
def test_a_well_formed_address_passes_the_model_and_the_schema(url: str) -> None:
    assert _accepted_by_model(url)
    assert _accepted_by_schema(url)


@pytest.mark.parametrize("url", sorted(REFUSED))
def test_a_malformed_address_is_refused_with_one_exact_error(project: Path, url: str) -> None:
    path = project / "content" / "sources" / "report.yaml"
    path.write_text(
        "id: report\nkind: news_report\npublisher: Example\nurl: "
        + json.dumps(url, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    run = run_generator("check", cwd=project)
    assert run.status == 1
    assert run.stdout == f"content/sources/report.yaml:4:6: error: {REFUSED[url]} [invalid-url]\n"


@pytest.mark.parametrize("url", sorted(REFUSED))
def test_the_schema_refuses_what_the_model_refuses(url: str) -> None:
    if re.search("[\U00010000-\U0010ffff]", url):
        # ECMAScript patterns cannot name characters beyond the BMP; only the model refuses
        # the invisible ones there.
        assert _accepted_by_schema(url)
    else:
        assert not _accepted_by_schema(url)


# Pieces of addresses, the characters that may not appear in one, and any Unicode at all.
URL_PIECES = [
    *"/?#%@:[]\"'<> \\`{}|^.-_~!$&()*+,;=",
    "https://",
    "example.org",
    "%2",
    "%41",
    "é",
    "\u200b",
    "\u00a0",
]
url_like = st.lists(st.one_of(st.sampled_from(URL_PIECES), st.text(max_size=3))).map("".join)


@given(scheme=st.sampled_from(["https://", "http://", "", "ftp://"]), rest=url_like)
def test_the_model_and_the_schema_agree_on_any_text(scheme: str, rest: str) -> None:
    url = scheme + rest
    by_model = _accepted_by_model(url)
    # Python's jsonschema searches with `re`, whose `$` also matches before a final line
    # break, which ECMAScript's does not; beyond the BMP, see above.
    if not re.search("[\U00010000-\U0010ffff]|\n$", url):
        assert by_model == _accepted_by_schema(url)
    if by_model:
        # Nothing that could end an HTML attribute or a Markdown link, or hide in one.
        assert re.search(r"[\s\"<>\\`]", url) is None
        assert url.startswith(("https://", "http://"))


def test_the_schema_pattern_is_the_model_s() -> None:
    assert SCHEMA["properties"]["url"]["anyOf"][0]["pattern"] == URL_PATTERN
