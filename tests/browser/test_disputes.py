"""The Disputes page, the Bamako attack's dispute block and the claims ledger's filter, as
readers see them at desktop (1366 px) and phone (390 px) widths; screenshots saved under
artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from browsing import PHONE, SCREENSHOTS, Tab, facts
from playwright.sync_api import Page
from test_accessibility import serious_violations

from generator.schema import ActorKind, ClaimStatus

WIDE: dict[str, Any] = {"viewport": {"width": 1366, "height": 900}}
DEVICES: dict[str, dict[str, Any]] = {"desktop": WIDE, "phone": PHONE}
LEDGER = "/claims/unverified/"


def no_sideways_scroll(page: Page, device: str) -> None:
    width = DEVICES[device]["viewport"]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def screenshot(page: Page, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


@pytest.mark.parametrize("device", DEVICES)
def test_the_disputes_page_flags_each_dispute(open_tab: Callable[..., Tab], device: str) -> None:
    tab = open_tab(**DEVICES[device])
    tab.goto("/disputes/")
    page = tab.page
    flags = page.locator("article .sahel-dispute-flag")
    assert flags.count() == 6
    assert flags.first.inner_text() == "Sources disagree"
    # The flag is filled, unlike a claim's outlined status.
    background = flags.first.evaluate("(e) => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    assert page.locator("nav.md-nav--primary a[href$='disputes/']").count() >= 1
    # A dispute's value links to the figure on the event's page.
    page.locator("article a", has_text="about 100").first.click()
    page.wait_for_url("**/events/bamako-attack-2024/#figure-killed-authenticated-confidential")
    # The event page draws its competing-figures charts: let them load before leaving it.
    page.wait_for_load_state("networkidle")
    no_sideways_scroll(page, device)
    tab.goto("/disputes/")
    no_sideways_scroll(tab.page, device)
    screenshot(tab.page, f"disputes-{device}")
    tab.traffic.assert_clean()


@pytest.mark.parametrize("device", DEVICES)
def test_the_bamako_attack_shows_its_disputes_near_the_top(
    open_tab: Callable[..., Tab], device: str
) -> None:
    tab = open_tab(**DEVICES[device])
    tab.goto("/events/bamako-attack-2024/")
    page = tab.page
    block = page.locator("article .sahel-disputes")
    assert block.locator(".sahel-dispute-flag").count() == 2
    assert "Killed, 77 against about 100" in block.inner_text()
    top = block.evaluate("(e) => e.getBoundingClientRect().top + window.scrollY")
    participants = page.locator("article h2#participants")
    assert top < participants.evaluate("(e) => e.getBoundingClientRect().top + window.scrollY")
    no_sideways_scroll(page, device)
    block.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("article h2#where-sources-disagree").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"bamako-disputes-{device}.png"))
    tab.traffic.assert_clean()


def visible_rows(page: Page) -> int:
    count: int = page.locator("article tbody tr:visible").count()
    return count


@pytest.mark.parametrize("device", DEVICES)
def test_the_ledger_filters_by_kind_of_speaker_and_storyline(
    open_tab: Callable[..., Tab], device: str
) -> None:
    base = facts()
    claims = [c for c in base.all_claims if c.claim.status is ClaimStatus.UNVERIFIED]
    armed = [c for c in claims if base.actors[c.claim.claimant].kind is ActorKind.ARMED_GROUP]
    assert 0 < len(armed) < len(claims)
    tab = open_tab(**DEVICES[device])
    tab.goto(LEDGER)
    page = tab.page
    form = page.locator(".sahel-ledger-filter")
    assert form.is_visible()
    assert visible_rows(page) == len(claims)
    count = form.locator(".sahel-ledger-filter__count")
    assert count.inner_text() == f"{len(claims)} of {len(claims)} statements shown"
    # Only the armed groups' statements: untick every other kind of speaker.
    for box in form.locator("input[name='speaker']").all():
        if box.get_attribute("value") != "armed_group":
            box.uncheck()
    assert visible_rows(page) == len(armed)
    assert count.inner_text() == f"{len(armed)} of {len(claims)} statements shown"
    # No storyline ticked: no row.
    for box in form.locator("input[name='storyline']").all():
        box.uncheck()
    assert visible_rows(page) == 0
    form.locator("input[name='storyline'][value='bamako-attack']").check()
    in_story = [c for c in armed if "bamako-attack" in c.event.topics]
    assert visible_rows(page) == len(in_story)
    no_sideways_scroll(page, device)
    screenshot(page, f"ledger-filtered-{device}")
    tab.traffic.assert_clean()


@pytest.mark.parametrize("device", DEVICES)
def test_without_javascript_the_ledger_shows_every_row_and_no_filter(
    open_tab: Callable[..., Tab], device: str
) -> None:
    claims = [c for c in facts().all_claims if c.claim.status is ClaimStatus.UNVERIFIED]
    tab = open_tab(**DEVICES[device], java_script_enabled=False)
    tab.goto(LEDGER)
    page = tab.page
    assert visible_rows(page) == len(claims)
    assert not page.locator(".sahel-ledger-filter").is_visible()
    # Status is chosen by links between the status pages, which need no script.
    page.locator("article .sahel-status-filter a", has_text="Confirmed").click()
    page.wait_for_url("**/claims/confirmed/")
    confirmed = [c for c in facts().all_claims if c.claim.status is ClaimStatus.CONFIRMED]
    assert visible_rows(page) == len(confirmed)
    screenshot(page, f"ledger-no-js-{device}")


@pytest.mark.parametrize("path", ["/disputes/", LEDGER])
def test_the_disputes_page_and_the_ledger_have_no_serious_accessibility_violation(
    tab: Tab, path: str
) -> None:
    tab.goto(path)
    assert serious_violations(tab) == []
    tab.traffic.assert_clean()


# The width the first 45 characters of each statement take in its own type, against the
# width its cell gives them (its content box).
STATEMENT_FITS = """() => Array.from(document.querySelectorAll('.sahel-ledger td:nth-child(4)'))
.map((td) => {
  const style = getComputedStyle(td);
  const probe = document.createElement('span');
  probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap';
  probe.style.font = style.font;
  probe.textContent = td.textContent.trim().slice(0, 45);
  document.body.appendChild(probe);
  const needed = probe.getBoundingClientRect().width;
  probe.remove();
  const room = td.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return [probe.textContent.length, needed, room];
})"""


def test_the_ledgers_statements_read_at_45_characters_a_line_on_a_desktop(
    open_tab: Callable[..., Tab],
) -> None:
    tab = open_tab(**WIDE)
    tab.goto(LEDGER)
    cells = tab.page.evaluate(STATEMENT_FITS)
    assert len(cells) >= 10
    assert [c for c in cells if c[0] == 45 and c[1] > c[2]] == []
    no_sideways_scroll(tab.page, "desktop")
    tab.traffic.assert_clean()
