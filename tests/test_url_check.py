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
from tests.fixtures.url_samples import ACCEPTED, REFUSED

SCHEMA = json.loads((REPO / "schemas" / "sources.schema.json").read_text(encoding="utf-8"))


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
