"""Every page's charts are computed once per slider move (ui.charts): a chart whose figure
changed gets one new `gd.calcdata` (plotly.js's per-trace computation), not a second one for
Streamlit's copy of the same figure (st.plotly_chart) and not a new chart (live charts redraw in
place), and a chart whose figure did not change gets none."""

import pytest
from conftest import FRAMES_DRAWN_JS, wait_for_app_idle
from playwright.sync_api import Page

COLD_START = 240_000

# Each page's main slider in its fragment (moved towards its farther end), and how many charts
# its move redraws at 1280 × 720: the ones it changes that are in sight (a live chart below the
# screen waits until it is scrolled to; the search's best-after-n and rounds charts do).
PAGES = {
    "init_norm": ("in.sigma", 1),
    "adam_pitfalls": ("ap.b2", 1),
    "search": ("hs.n", 1),
}  # the network's replay chart is a live chart like Adam's weaknesses' (plotly.js computes its
# 2 × 2 grid twice within one Plotly.react there, so this count does not apply)

# The page's document and its same-origin frames' (a JS expression).
DOCUMENTS = """[document, ...[...document.querySelectorAll('iframe')]
    .map(f => { try { return f.contentDocument; } catch (e) { return null; } })
    .filter(d => d && d.body)]"""

DRAWN_JS = f"""() => {DOCUMENTS}
    .some(d => [...d.querySelectorAll('.js-plotly-plot')].some(gd => gd._fullLayout))"""

# Every animation frame: each chart div (in the page or a component frame) whose calcdata is
# new since the last frame counts one computation (a div mounted since counts its first one).
WATCH_JS = f"""() => {{
    const counts = new Map();
    window.__counts = counts;
    const docs = () => {DOCUMENTS};
    const charts = () => docs().flatMap(d => [...d.querySelectorAll('.js-plotly-plot')]);
    charts().forEach(gd => counts.set(gd, {{seen: gd.calcdata, count: 0}}));
    const poll = () => {{
        for (const gd of charts()) {{
            const entry = counts.get(gd) || {{seen: undefined, count: 0}};
            counts.set(gd, entry);
            if (gd.calcdata && gd.calcdata !== entry.seen) {{
                entry.seen = gd.calcdata;
                entry.count += 1;
            }}
        }}
        requestAnimationFrame(poll);
    }};
    poll();
    return counts.size;
}}"""


@pytest.mark.parametrize("name", list(PAGES))
def test_a_slider_move_computes_each_changed_chart_once(page: Page, app_url: str, name: str):
    key, changed = PAGES[name]
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_url}/{name}")
    page.wait_for_function(DRAWN_JS, timeout=COLD_START, polling=200)
    wait_for_app_idle(page, timeout=COLD_START)
    page.wait_for_function(FRAMES_DRAWN_JS, timeout=30_000, polling=200)
    page.wait_for_timeout(1000)
    charts = page.evaluate(WATCH_JS)
    css_key = key.replace(".", "-")
    thumb = page.locator(f'.st-key-{css_key} [data-testid="stSlider"] input[type="range"]')
    thumb.focus()
    value, low, high = thumb.evaluate("el => [+el.value, +el.min, +el.max]")
    thumb.press("ArrowRight" if high - value >= value - low else "ArrowLeft")
    page.wait_for_timeout(300)
    wait_for_app_idle(page)
    page.wait_for_timeout(1500)
    counts = page.evaluate("() => [...window.__counts.values()].map(e => e.count)")
    assert len(counts) >= charts
    assert max(counts) == 1, f"a chart computed twice: {counts}"
    assert sum(counts) == changed, counts
