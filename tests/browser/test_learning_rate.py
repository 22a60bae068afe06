"""The learning-rate lab in a real Chromium: linked hover and scrub, and every lesson drawn."""

import pytest
from conftest import screenshot, wait_for_app_idle
from playwright.sync_api import Frame, Page, expect

from lessons.learning_rate import CATALOG as LESSONS

HOVER_STEP = 40


def open_lab(page: Page, url: str) -> Frame:
    page.goto(f"{url}/learning_rate")
    page.wait_for_selector("iframe", timeout=60_000)
    wait_for_app_idle(page)
    frame = page.locator("iframe").first.element_handle().content_frame()
    frame.wait_for_function("() => document.getElementById('chart')._fullLayout !== undefined")
    return frame


def step_label(frame: Frame) -> str:
    return frame.locator("#step").inner_text()


def map_head(frame: Frame) -> list[float]:
    """Where run 1's head is drawn on the map (its marker trace is the first one listed)."""
    return frame.evaluate(
        """() => {
            const gd = document.getElementById('chart');
            const head = gd.data.findIndex(t => t.mode === 'markers' && t.xaxis === 'x'
                && t.hoverinfo === 'skip');
            return [gd.calcdata[head][0].x, gd.calcdata[head][0].y];
        }"""
    )


def test_hovering_the_learning_rate_curve_moves_the_map_and_loss_markers(page: Page, app_url: str):
    frame = open_lab(page, app_url)
    assert step_label(frame) == "step 0"
    start = map_head(frame)
    page.locator("iframe").first.evaluate("e => e.scrollIntoView({block: 'end'})")
    box = page.locator("iframe").first.bounding_box()
    x, y = frame.evaluate(
        f"""() => {{
            const gd = document.getElementById('chart');
            const lr = gd.data.findIndex(t => t.xaxis === 'x2' && t.mode === 'lines');
            const xa = gd._fullLayout.xaxis2, ya = gd._fullLayout.yaxis2;
            const rate = gd.calcdata[lr][{HOVER_STEP}].y;
            return [xa._offset + xa.l2p({HOVER_STEP}), ya._offset + ya.l2p(rate)];
        }}"""
    )
    page.mouse.move(box["x"] + x - 30, box["y"] + y)
    page.mouse.move(box["x"] + x, box["y"] + y, steps=5)
    expect(frame.locator("#step")).not_to_have_text("step 0", timeout=5_000)
    shown = int(step_label(frame).split()[1])
    assert abs(shown - HOVER_STEP) <= 20, "the hovered step, give or take a few pixels"
    assert map_head(frame) != start


def test_dragging_the_step_slider_moves_every_marker(page: Page, app_url: str):
    frame = open_lab(page, app_url)
    start = map_head(frame)
    slider = frame.locator("#slider")
    slider.focus()
    for _ in range(10):
        slider.press("ArrowRight")
    expect(frame.locator("#step")).to_have_text("step 10")
    assert map_head(frame) != start


@pytest.mark.parametrize("key", list(LESSONS))
def test_each_lesson_draws(page: Page, app_url: str, key: str):
    open_lab(page, app_url)
    page.get_by_role("button", name=LESSONS[key].title).click()
    expect(page.get_by_text(LESSONS[key].look_for[:40])).to_be_visible(timeout=60_000)
    wait_for_app_idle(page)
    page.wait_for_timeout(1000)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.locator("iframe").first.scroll_into_view_if_needed()
    screenshot(page, f"lesson-{key}")
