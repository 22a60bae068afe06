"""Every preset and lesson of the race, Adam's weaknesses and the network page as a lecture hall
sees it: 1280 × 720 (the lab, search, loss-landscape and init/norm pages check their lessons
the same way in their own browser tests).

For each picture, in the page (and in the custom components' same-origin frames): the main chart
starts in the first screen; no KaTeX formula and no chart title is wider than its container;
each log axis shows at most one tick label per decade; every minimum star is drawn above the
paths (later in the trace order than every line). Screenshots go to artifacts/projector-*.png.
"""

import time

import pytest
from conftest import LIVE_FIGURES, screenshot, wait_for_app_idle

from lessons.adam_pitfalls import CATALOG as PITFALLS
from lessons.network import CATALOG as NETWORK
from lessons.race import CATALOG as RACE_PRESETS

PROJECTOR = {"width": 1280, "height": 720}
PICTURES = (
    [("race", "", key) for key in RACE_PRESETS]
    + [("pitfalls", "adam_pitfalls", key) for key in PITFALLS]
    + [("network", "network", key) for key in NETWORK]
)
MAIN_CHART = {  # the first chart: a live chart (redrawn in place) or st.plotly_chart's
    "race": LIVE_FIGURES,
    "pitfalls": f'[data-testid="stPlotlyChart"], {LIVE_FIGURES}',
    "network": LIVE_FIGURES,
}

# Run in the page and in each frame: what a document shows that is too wide or out of order.
PROBLEMS_JS = """() => {
    const problems = [];
    for (const formula of document.querySelectorAll('.katex-display')) {
        const box = formula.getBoundingClientRect();
        const holder = formula.parentElement.getBoundingClientRect();
        const inner = formula.querySelector('.katex').getBoundingClientRect();
        if (inner.width > holder.width + 1 || box.right > holder.right + 1) {
            problems.push('formula wider than its box: ' + formula.textContent.slice(0, 40));
        }
    }
    for (const gd of document.querySelectorAll('.js-plotly-plot')) {
        const width = gd.getBoundingClientRect().width;
        for (const title of gd.querySelectorAll('.gtitle, .annotation-text')) {
            const box = title.getBoundingClientRect();
            const left = gd.getBoundingClientRect().left;
            if (box.width > 0 && (box.left < left - 1 || box.right > left + width + 1)) {
                problems.push('title cut: ' + title.textContent.slice(0, 40));
            }
        }
        const layout = gd._fullLayout;
        for (const name of Object.keys(layout)) {
            const axis = layout[name];
            if (!/^[xy]axis\\d*$/.test(name) || !axis || axis.type !== 'log' || !axis._vals) {
                continue;
            }
            const labels = {};
            for (const tick of axis._vals) {
                if (tick.text && tick.text.trim() !== '') {
                    const decade = Math.floor(tick.x + 1e-9);
                    labels[decade] = (labels[decade] || 0) + 1;
                }
            }
            if (Object.values(labels).some(n => n > 1)) {
                problems.push('more than one label per decade on ' + name);
            }
        }
        const data = gd.data || [];
        const lines = data.map((t, i) => (t.mode || '').includes('lines') ? i : -1)
            .filter(i => i >= 0);
        const stars = data.map((t, i) => t.name === 'minimum' ? i : -1).filter(i => i >= 0);
        if (stars.length && lines.length && Math.min(...stars) < Math.max(...lines)) {
            problems.push('a minimum is drawn under a path');
        }
    }
    return problems;
}"""


@pytest.mark.parametrize(("name", "path", "key"), PICTURES)
def test_a_picture_reads_well_on_a_projector(browser, app_url: str, name, path, key):
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    try:
        page.goto(f"{app_url}/{path}?lesson={key}")
        wait_for_app_idle(page, timeout=120_000)
        chart = page.locator(MAIN_CHART[name]).first
        chart.wait_for(timeout=120_000)
        time.sleep(2)
        screenshot(page, f"projector-{name}-{key}")
        top = chart.bounding_box()["y"]
        assert top < PROJECTOR["height"] - 150, f"the main chart starts at y = {top:.0f}"
        problems = page.evaluate(PROBLEMS_JS)
        for frame in page.frames[1:]:
            problems += frame.evaluate(PROBLEMS_JS)
        assert not problems, problems
    finally:
        context.close()
