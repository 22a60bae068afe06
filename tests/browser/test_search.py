"""The hyperparameter-search page in a real Chromium: every preset draws, zoom adds a round."""

import pytest
from conftest import screenshot, wait_for_app_idle
from playwright.sync_api import Page, expect

from lessons.search import CATALOG as PRESETS

CHART = ".js-plotly-plot"


def open_search(page: Page, url: str) -> None:
    page.goto(f"{url}/search")
    page.wait_for_selector(CHART, timeout=120_000)
    wait_for_app_idle(page, timeout=120_000)


@pytest.mark.parametrize("key", list(PRESETS))
def test_each_preset_draws_its_four_charts(page: Page, app_url: str, key: str):
    open_search(page, app_url)
    page.get_by_role("button", name=PRESETS[key].title).click()
    expect(page.get_by_text(PRESETS[key].look_for[:40])).to_be_visible(timeout=120_000)
    wait_for_app_idle(page, timeout=120_000)
    assert page.locator(CHART).count() == 4
    assert page.locator('[data-testid="stException"]').count() == 0
    page.locator(CHART).first.scroll_into_view_if_needed()
    screenshot(page, f"search-{key}")


def test_zoom_in_samples_a_second_round(page: Page, app_url: str):
    open_search(page, app_url)
    page.get_by_role("button", name="Zoom in").click()
    expect(page.get_by_text("2 round(s) of 9 trials.")).to_be_visible(timeout=120_000)
    wait_for_app_idle(page, timeout=120_000)
    rounds = page.locator(CHART).nth(3)
    names = rounds.evaluate("gd => gd.data.map(t => t.name || '')")
    assert sum(name.startswith("round") for name in names) == 2
    rounds.scroll_into_view_if_needed()
    screenshot(page, "search-zoom")
