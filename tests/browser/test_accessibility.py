"""axe-core, run in each page after its figures have drawn: no serious or critical violation."""

from __future__ import annotations

from typing import Any

import pytest
from browsing import AXE_URL_PATH, Tab, checked_pages, render_figures

RUN_AXE = """async () => {
  const results = await axe.run(document, { resultTypes: ['violations'] });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
}"""


def serious_violations(tab: Tab) -> list[dict[str, Any]]:
    tab.page.add_script_tag(url=tab.url(AXE_URL_PATH))
    violations: list[dict[str, Any]] = tab.page.evaluate(RUN_AXE)
    return [v for v in violations if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("path", checked_pages())
def test_the_page_has_no_serious_accessibility_violation(tab: Tab, path: str) -> None:
    tab.goto(path)
    render_figures(tab.page)
    assert serious_violations(tab) == []
    tab.traffic.assert_clean()


@pytest.mark.parametrize("path", ["/", "/network/"])
def test_the_dark_palette_has_no_serious_accessibility_violation(tab: Tab, path: str) -> None:
    tab.goto(path)
    render_figures(tab.page)
    tab.page.locator('form[data-md-component="palette"] label:visible').click()
    tab.page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    # Material fades colours over 250 ms; axe must see the final ones.
    tab.page.wait_for_timeout(400)
    assert serious_violations(tab) == []
    tab.traffic.assert_clean()
