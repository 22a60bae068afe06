"""The loss-landscape page in a real Chromium at a projector's 1280 × 720: every lesson opens
without an error, its main chart starts in the first screen and uses the width, and a
screenshot per lesson (artifacts/landscape_<key>.png) shows the slice, then the 3-D surface."""

import pytest
from conftest import LIVE_FIGURES, screenshot, wait_for_app_idle
from playwright.sync_api import Page

from lessons.loss_landscape import CATALOG as LESSONS

PROJECTOR = {"width": 1280, "height": 720}
COLD_START = 300_000  # a first visit trains and slices (the 20-layer nets: ~20 s)
CHART = LIVE_FIGURES  # the charts redraw in place
DRAWN_JS = f"""() => [...document.querySelectorAll('{CHART}')].every(f => {{
    const doc = f.contentDocument;
    const charts = doc ? [...doc.querySelectorAll('.js-plotly-plot')] : [];
    return charts.length > 0 && charts.every(gd => gd._fullLayout !== undefined);
}})"""


@pytest.mark.parametrize("key", list(LESSONS))
def test_each_lesson_draws_its_slice_in_the_first_screen(page: Page, app_url: str, key: str):
    page.set_viewport_size(PROJECTOR)
    page.goto(f"{app_url}/loss_landscape?lesson={key}")
    page.wait_for_selector(CHART, timeout=COLD_START)
    wait_for_app_idle(page, timeout=COLD_START)
    page.wait_for_function(DRAWN_JS, timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    info = page.locator('[data-testid="stAlert"]').first
    assert LESSONS[key].title in info.inner_text()
    column = info.bounding_box()  # the lesson's box spans the main column
    chart = page.locator(CHART).first.bounding_box()
    assert chart["y"] < PROJECTOR["height"] - 150, "the slice starts in the first screen"
    assert chart["width"] >= 0.95 * column["width"], "and uses the width"
    screenshot(page, f"landscape_{key}")
    page.locator(CHART).nth(1).scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, f"landscape_{key}_surface")


# In the frame of the 3-D surfaces: an animation frame asked for now, and whether it has run
# after `wait` ms (plotly.js's 3-D scenes redraw in an endless loop of animation frames).
HAS_SCENE_JS = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .some(gd => gd._fullLayout && gd._fullLayout.scene)"""
FRAME_RUNS_JS = """async wait => {
    let ran = false;
    window.requestAnimationFrame(() => { ran = true; });
    await new Promise(resolve => setTimeout(resolve, wait));
    return ran;
}"""


def test_the_3d_surfaces_run_no_animation_frames_out_of_sight(page: Page, app_url: str):
    page.set_viewport_size(PROJECTOR)
    page.goto(f"{app_url}/loss_landscape?lesson=skips")
    page.wait_for_selector(CHART, timeout=COLD_START)
    wait_for_app_idle(page, timeout=COLD_START)
    page.wait_for_function(DRAWN_JS, timeout=60_000)
    frames = page.locator(CHART)
    surfaces = next(
        frames.nth(i)
        for i in range(frames.count())
        if frames.nth(i).element_handle().content_frame().evaluate(HAS_SCENE_JS)
    )
    frame = surfaces.element_handle().content_frame()
    assert surfaces.bounding_box()["y"] > PROJECTOR["height"], "the surfaces start out of sight"
    assert not frame.evaluate(FRAME_RUNS_JS, 500), "held while out of sight"
    surfaces.scroll_into_view_if_needed()
    assert frame.evaluate(FRAME_RUNS_JS, 500), "run again in sight"
