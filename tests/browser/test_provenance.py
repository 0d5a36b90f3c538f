"""What a reader sees of a page's provenance, on the real site: the Bamako attack page's
history and "cite this" at desktop and phone sizes, its downloads, and the feed in <head>."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

import pytest
from browsing import DESKTOP, PHONE, SCREENSHOTS, SITE_URL, Tab
from playwright.sync_api import expect

BAMAKO = "/events/bamako-attack-2024/"
DEVICES: dict[str, dict[str, Any]] = {"desktop": DESKTOP, "phone": PHONE}


@pytest.mark.parametrize("device", DEVICES)
def test_the_bamako_page_shows_its_history_and_a_citation(
    open_tab: Callable[..., Tab], device: str
) -> None:
    tab = open_tab(**DEVICES[device])
    tab.goto(BAMAKO)
    page = tab.page
    history = page.locator("#history")
    expect(history).to_be_visible()
    # The page's file has commits: at least one dated change is listed under the heading.
    changes = page.locator("#history ~ ul").first.locator("li")
    assert changes.count() >= 1
    citation = page.locator(".sahel-cite")
    expect(citation).to_contain_text("“JNIM attack on Bamako”. The Sahel crisis. Last changed")
    expect(citation).to_contain_text(f"{SITE_URL}events/bamako-attack-2024/")
    assert (
        page.evaluate("document.documentElement.scrollWidth")
        <= DEVICES[device]["viewport"]["width"]
    )
    citation.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"bamako-cite-{device}.png"))
    tab.traffic.assert_clean()


def test_the_citation_downloads_and_the_feed_are_served(tab: Tab) -> None:
    tab.goto(BAMAKO)
    page = tab.page
    for name, starts in (("BibTeX", "@online{bamako-attack-2024,"), ("CSL-JSON", "[")):
        href = page.get_by_role("link", name=name, exact=True).get_attribute("href")
        assert href is not None
        response = page.request.get(urljoin(page.url, href))
        assert response.status == 200, href
        assert response.text().startswith(starts)
    feed = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
    href = feed.get_attribute("href")
    assert href is not None
    response = page.request.get(urljoin(page.url, href))
    assert response.status == 200
    assert '<feed xmlns="http://www.w3.org/2005/Atom">' in response.text()
