"""Screenshots of the main pages at desktop and phone sizes, saved under artifacts/screenshots/
for people to look at, with the checks that a chart a phone reader sees is readable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from browsing import (
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    Tab,
    facts,
    label_problems,
    render_figures,
)

PAGES = {"home": "/", "timeline": "/timeline/", "network": "/network/"}
DEVICES: dict[str, dict[str, Any]] = {"desktop": DESKTOP, "phone": PHONE}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", PAGES)
def test_screenshot(open_tab: Callable[..., Tab], name: str, device: str) -> None:
    tab = open_tab(**DEVICES[device])
    tab.goto(PAGES[name])
    drawn = render_figures(tab.page)
    assert drawn
    page = tab.page
    # Nothing is wider than the screen, so the page never scrolls sideways.
    assert (
        page.evaluate("document.documentElement.scrollWidth")
        <= DEVICES[device]["viewport"]["width"]
    )
    figure = page.locator(".sahel-figure--rendered").first
    # On a phone the mode bar would cover the top of the chart (the first lane's label, the
    # slider's date), and a drag must scroll the page.
    modebars = figure.locator(".modebar-container .modebar")
    assert modebars.count() == (0 if device == "phone" else 1)
    if device == "phone":
        assert figure.evaluate("(gd) => gd._fullLayout.dragmode") is False
    if name == "network":
        shown, problems = label_problems(figure)
        assert problems == []
        # The busiest actors keep their names.
        base = facts()
        hubs = sorted(base.actors, key=lambda a: (-len(base.relationships_of(a)), a))[:4]
        assert {base.label(a) for a in hubs} <= set(shown)
    page.evaluate("window.scrollTo(0, 0)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{device}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    tab.traffic.assert_clean()


@pytest.mark.parametrize(
    "path", ["/events/bamako-attack-2024/", "/claims/unverified/", "/actors/jnim/"]
)
def test_statement_tables_are_cards_on_a_phone(open_tab: Callable[..., Tab], path: str) -> None:
    """At 390 px a statement table must not push its statements behind a sideways scroll."""
    tab = open_tab(**PHONE)
    tab.goto(path)
    page = tab.page
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    widths = page.locator(".sahel-stack td").evaluate_all(
        "(cells) => cells.map((cell) => cell.getBoundingClientRect().width)"
    )
    assert widths
    # Each cell is a full-width line of its card, so a statement gets the whole width.
    assert min(widths) > PHONE["viewport"]["width"] * 0.7
    tab.traffic.assert_clean()
