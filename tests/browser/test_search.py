"""The hyperparameter-search page in a real Chromium at a projector's 1280 × 720: every preset
draws its four charts, the main chart starts in the first screen and uses the width, nothing is
cut at the right, log axes carry at most one label per decade, no optax keyword is on screen;
zoom adds a round. Screenshots: artifacts/search_<preset>.png (the first screen)."""

import math
import re

import pytest
from conftest import screenshot, wait_for_app_idle
from playwright.sync_api import Browser, Page, expect

from lessons.search import CATALOG as PRESETS
from optimizers import CATALOG as OPTIMIZERS

CHART = ".js-plotly-plot"
PROJECTOR = {"width": 1280, "height": 720}
RAW_KEYS = re.compile(
    r"\b("
    + "|".join(
        {h.name for spec in OPTIMIZERS.values() for h in spec.hyperparams}
        - {"momentum", "decay"}  # also plain words
    )
    + r")\b"
)

# Every chart's geometry and the labels of its log axes, as drawn.
CHARTS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => {
    const box = gd.getBoundingClientRect();
    const holder = gd.closest('[data-testid="stElementContainer"]') || gd.parentElement;
    const logs = Object.keys(gd._fullLayout)
        .filter(k => /^[xy]axis\\d*$/.test(k) && gd._fullLayout[k].type === 'log')
        .map(k => ({name: k, vals: (gd._fullLayout[k]._vals || [])
            .filter(v => v.text !== '' && v.text !== undefined).map(v => v.x)}));
    const texts = [...gd.querySelectorAll('text')].map(t => t.textContent);
    const titles = [...gd.querySelectorAll('.gtitle, .g-xtitle text, .g-ytitle text, .annotation')]
        .map(t => t.getBoundingClientRect()).map(r => [r.left, r.right]);
    return {top: box.top, left: box.left, right: box.right, width: box.width,
            holder: holder.getBoundingClientRect().width,
            svg: gd.querySelector('.main-svg').getBoundingClientRect().width,
            logs, texts, titles};
})"""

MAIN_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const block = document.querySelector('[data-testid="stMainBlockContainer"]')
        || main.querySelector('.block-container') || main;
    const b = block.getBoundingClientRect(), style = getComputedStyle(block);
    const left = b.left + parseFloat(style.paddingLeft);
    const right = b.right - parseFloat(style.paddingRight);
    const katex = [...document.querySelectorAll('.katex-display, .katex')]
        .filter(k => k.scrollWidth > k.parentElement.clientWidth + 1).length;
    return {left, right, scrollWidth: main.scrollWidth,
            clientWidth: main.clientWidth, katexCut: katex, text: main.innerText};
}"""


@pytest.fixture
def projector(browser: Browser) -> Page:
    context = browser.new_context(viewport=PROJECTOR)
    try:
        yield context.new_page()
    finally:
        context.close()


def open_search(page: Page, url: str, query: str = "") -> None:
    page.goto(f"{url}/search{query}")
    page.wait_for_selector(CHART, timeout=120_000)
    wait_for_app_idle(page, timeout=120_000)


@pytest.mark.parametrize("key", list(PRESETS))
def test_each_preset_reads_on_a_projector(projector: Page, app_url: str, key: str):
    open_search(projector, app_url, f"?lesson={key}")
    expect(projector.get_by_text(PRESETS[key].look_for[:40])).to_be_visible(timeout=120_000)
    wait_for_app_idle(projector, timeout=120_000)
    assert projector.locator(CHART).count() == 4
    assert projector.locator('[data-testid="stException"]').count() == 0
    projector.wait_for_timeout(500)  # let Plotly finish its first draw
    main = projector.evaluate(MAIN_JS)
    charts = projector.evaluate(CHARTS_JS)

    surface = charts[0]
    assert surface["top"] < PROJECTOR["height"] - 300, "the main chart starts in the first screen"
    block = main["right"] - main["left"]
    assert surface["width"] >= 0.9 * block, "the main chart uses the width"
    assert main["scrollWidth"] <= main["clientWidth"] + 1, "nothing runs off to the right"
    assert main["katexCut"] == 0
    for chart in charts:
        assert chart["svg"] <= chart["holder"] + 1
        assert chart["right"] <= main["right"] + 1
        for left, right in chart["titles"]:
            assert chart["left"] - 1 <= left and right <= chart["right"] + 1
        for axis in chart["logs"]:
            # Plotly keeps a log axis's tick positions as log₁₀ of the value.
            decades = [math.floor(x + 1e-9) for x in axis["vals"]]
            assert len(decades) == len(set(decades)), (axis["name"], axis["vals"])
    assert sum(len(axis["vals"]) >= 3 for chart in charts for axis in chart["logs"]) >= 3
    shown = [main["text"]] + [t for chart in charts for t in chart["texts"]]
    raw = sorted({m for text in shown for m in RAW_KEYS.findall(text)})
    assert not raw, raw
    screenshot(projector, f"search_{key}")


def test_zoom_in_samples_a_second_round(projector: Page, app_url: str):
    open_search(projector, app_url)
    projector.locator(".st-key-hs-zoom_in").get_by_role("button").click()
    expect(projector.get_by_text("2 round(s) of 9 trials.")).to_be_visible(timeout=120_000)
    wait_for_app_idle(projector, timeout=120_000)
    rounds = projector.locator(CHART).nth(3)
    names = rounds.evaluate("gd => gd.data.map(t => t.name || '')")
    assert sum(name.startswith("round") for name in names) == 2
    rounds.scroll_into_view_if_needed()
    screenshot(projector, "search_zoom")
