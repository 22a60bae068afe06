"""The initialization and normalization page in a real Chromium at a projector's 1280 × 720:
every lesson draws without an error, the per-layer statistics start in the first screen and use
the width, nothing is cut at the right, log axes carry at most one label per decade, and no
link key is on screen. Screenshots: artifacts/init_norm_<lesson>.png (the first screen) and
init_norm_<lesson>_below.png (the whole page, in a tall window)."""

import math

import pytest
from conftest import CHARTS_JS, FRAMES_DRAWN_JS, screenshot, wait_for_app_idle
from playwright.sync_api import Browser, Page, expect

from lessons.init_norm import CATALOG as LESSONS

CHART = ".js-plotly-plot"
PROJECTOR = {"width": 1280, "height": 720}
COLD_START = 240_000
TALL = 4200
RAW_KEYS = ("leaky_relu", "init_scale", "xavier", "grad_norm", "second_moment")

MAIN_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const block = document.querySelector('[data-testid="stMainBlockContainer"]');
    const b = block.getBoundingClientRect(), style = getComputedStyle(block);
    const katex = [...document.querySelectorAll('.katex-display, .katex')]
        .filter(k => k.scrollWidth > k.parentElement.clientWidth + 1)
        .map(k => k.textContent.slice(0, 40));
    return {left: b.left + parseFloat(style.paddingLeft),
            right: b.right - parseFloat(style.paddingRight),
            scrollWidth: main.scrollWidth, clientWidth: main.clientWidth,
            katexCut: katex, text: main.innerText};
}"""


@pytest.fixture
def projector(browser: Browser) -> Page:
    context = browser.new_context(viewport=PROJECTOR)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.mark.parametrize("key", list(LESSONS))
def test_each_lesson_reads_on_a_projector(projector: Page, app_url: str, key: str):
    projector.goto(f"{app_url}/init_norm?lesson={key}")
    projector.frame_locator("iframe").first.locator(CHART).wait_for(timeout=COLD_START)
    expect(projector.get_by_text(LESSONS[key].look_for[:40])).to_be_visible(timeout=COLD_START)
    wait_for_app_idle(projector, timeout=COLD_START)
    assert projector.locator('[data-testid="stException"]').count() == 0
    # Every chart is a live chart; those below the screen are drawn within two seconds.
    projector.wait_for_function(FRAMES_DRAWN_JS, timeout=30_000)
    projector.wait_for_timeout(800)  # let Plotly finish its first draws
    screenshot(projector, f"init_norm_{key}")
    main = projector.evaluate(MAIN_JS)
    charts = projector.evaluate(CHARTS_JS)
    statistics = charts[0]
    assert statistics["top"] < PROJECTOR["height"] - 250, "the main chart starts on screen"
    assert statistics["width"] >= 0.9 * (main["right"] - main["left"]), "and uses the width"
    assert main["scrollWidth"] <= main["clientWidth"] + 1, "nothing runs off to the right"
    assert not main["katexCut"], "formulas fit"
    for chart in charts:
        assert chart["svg"] <= chart["holder"] + 1
        assert chart["right"] <= main["right"] + 1
        for axis in chart["logs"]:
            decades = [math.floor(x + 1e-9) for x in axis["vals"]]  # log₁₀ of the tick values
            assert len(decades) == len(set(decades)), (axis["name"], axis["vals"])
    shown = [main["text"]] + [t for chart in charts for t in chart["texts"]]
    assert not [k for k in RAW_KEYS if any(k in text for text in shown)]
    projector.set_viewport_size({"width": PROJECTOR["width"], "height": TALL})
    projector.wait_for_timeout(1500)  # Plotly redraws at the new size
    screenshot(projector, f"init_norm_{key}_below")
