"""The race page in a real Chromium: it draws, redraws on a slider, plays, and takes clicks."""

import pytest
from conftest import screenshot, wait_for_app_idle
from playwright.sync_api import Page, expect

from optimizers.presets import CATALOG as PRESETS

RACE = ".js-plotly-plot"
FRAME_NAMES = "gd => gd._transitionData._frames.map(f => f.name).join(',')"


def open_race(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(RACE, timeout=60_000)
    wait_for_app_idle(page)


def slider_text(page: Page, label: str) -> str:
    return page.locator('[data-testid="stSlider"]', has_text=label).first.inner_text()


def tag_race(page: Page) -> None:
    """Mark the race chart's layout object; Plotly replaces it whenever it redraws."""
    page.locator(RACE).first.evaluate("gd => { gd._fullLayout.__before = true; }")


def wait_for_redraw(page: Page) -> None:
    page.wait_for_function(
        f"() => !document.querySelector('{RACE}')._fullLayout.__before", timeout=60_000
    )
    wait_for_app_idle(page)


def test_the_race_page_loads_with_its_charts_and_no_error(page: Page, app_url: str):
    open_race(page, app_url)
    expect(page.locator("h1", has_text="Optimizer race")).to_be_visible()
    expect(page).to_have_title("OptiScape")
    assert page.locator(RACE).count() == 2
    assert page.locator('[data-testid="stException"]').count() == 0
    names = page.locator(RACE).first.evaluate("gd => gd.data.map(t => t.name)")
    assert {"SGD", "Momentum", "AdaGrad", "Adam", "minimum"} <= set(names)
    screenshot(page, "race-default")


def test_moving_a_slider_redraws_the_race(page: Page, app_url: str):
    open_race(page, app_url)
    before = page.locator(RACE).first.evaluate(FRAME_NAMES)
    tag_race(page)
    thumb = page.locator('[data-testid="stSlider"]', has_text="steps").get_by_role("slider")
    thumb.focus()
    thumb.press("ArrowRight")
    wait_for_redraw(page)
    assert "31" in slider_text(page, "steps")
    after = page.locator(RACE).first.evaluate(FRAME_NAMES)
    assert after != before
    assert len(after.split(",")) == 32


def test_pressing_play_advances_the_frames(page: Page, app_url: str):
    open_race(page, app_url)
    race = page.locator(RACE).first
    race.evaluate(
        "gd => { window.shown = []; gd.on('plotly_animatingframe', e => shown.push(e.name)); }"
    )
    race.locator(".updatemenu-button", has_text="Play").click()
    page.wait_for_function("() => window.shown.length >= 10", timeout=20_000)
    steps = [int(name.split(".")[1]) for name in page.evaluate("() => window.shown")]
    assert steps[0] == 0
    assert steps == sorted(steps)


def test_clicking_the_map_moves_the_start(page: Page, app_url: str):
    open_race(page, app_url)
    assert "-7.000" in slider_text(page, "start x")
    race = page.locator(RACE).first
    x, y = race.evaluate(
        """gd => {
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
            const box = gd.getBoundingClientRect();
            return [box.left + xa._offset + xa.l2p(3.0), box.top + ya._offset + ya.l2p(-1.0)];
        }"""
    )
    tag_race(page)
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    wait_for_redraw(page)
    start_x = float(slider_text(page, "start x").split()[2])
    start_y = float(slider_text(page, "start y").split()[2])
    assert abs(start_x - 3.0) < 0.4
    assert abs(start_y + 1.0) < 0.2


def test_a_bad_link_shows_a_message_and_the_default_race(page: Page, app_url: str):
    open_race(page, f"{app_url}/?land=nowhere&opt=sgd&steps=1e999")
    expect(page.get_by_text("This link could not be read")).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0


@pytest.mark.parametrize("key", list(PRESETS))
def test_each_preset_draws(page: Page, app_url: str, key: str):
    open_race(page, app_url)
    tag_race(page)
    page.get_by_role("button", name=PRESETS[key].title).click()
    if key != "zigzag":
        wait_for_redraw(page)
    wait_for_app_idle(page)
    expect(page.get_by_text(PRESETS[key].look_for[:40])).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    page.locator(RACE).first.scroll_into_view_if_needed()
    screenshot(page, f"preset-{key}")
