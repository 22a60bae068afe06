"""The learning-rate lab in a real Chromium at a projector's 1280 × 720: linked hover, scrub and
play, and every lesson drawn readably (the map in the first screen and using the width, nothing
cut at the right, one label per decade on log axes, minima drawn on top)."""

import contextlib
import itertools

import pytest
from conftest import array_attributes_differ, drawn_and_fresh, screenshot, wait_for_app_idle
from playwright.sync_api import Frame, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from lessons.learning_rate import CATALOG as LESSONS

PROJECTOR = {"width": 1280, "height": 720}
HOVER_STEP = 40
COLD_START = 180_000
SCROLL_TO_CHART = """below => {
    const main = document.querySelector('[data-testid="stMain"]');
    const top = document.querySelector('iframe').getBoundingClientRect().top;
    main.scrollTop += top - 64 + below;
}"""


def open_lab(page: Page, url: str, lesson: str = "decay_under_noise") -> Frame:
    page.set_viewport_size(PROJECTOR)
    page.goto(f"{url}/learning_rate?lesson={lesson}")
    page.wait_for_selector("iframe", timeout=COLD_START)  # the first visit compiles the runs
    wait_for_app_idle(page, timeout=COLD_START)
    frame = page.locator("iframe").first.element_handle().content_frame()
    frame.wait_for_function(
        "() => document.getElementById('chart')._fullLayout !== undefined"
        " && document.getElementById('step').textContent.includes('/')",
        timeout=COLD_START,
    )
    return frame


CHART_PLACE = """() => {
    const L = document.getElementById('chart')._fullLayout;
    return [L.width, L.height, L.xaxis2._offset, L.yaxis2._offset, L.xaxis2._length];
}"""


def settled_box(page: Page) -> dict:
    """The lab frame's box once neither it nor the chart inside it has moved for 0.3 s (a
    scroll, or a late redraw at a new width when the page's scroll bar appears, on a loaded
    machine, would otherwise send the mouse to where the chart was)."""
    iframe = page.locator("iframe").first
    frame = iframe.element_handle().content_frame()
    place, still = None, 0
    for _ in range(100):
        page.wait_for_timeout(100)
        now = (iframe.bounding_box(), frame.evaluate(CHART_PLACE))
        still = still + 1 if now == place else 0
        if still >= 3:
            break
        place = now
    return place[0]


def steps_of(lesson: str) -> int:
    return LESSONS[lesson].runs[0].config.steps


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
    end = steps_of("decay_under_noise")
    assert step_label(frame) == f"step {end} / {end}", "the dots start where the runs end"
    start = map_head(frame)
    page.locator("iframe").first.evaluate("e => e.scrollIntoView({block: 'end'})")
    box = settled_box(page)
    x, y = frame.evaluate(
        f"""() => {{
            const gd = document.getElementById('chart');
            const lr = gd.data.findIndex(t => t.xaxis === 'x2' && t.mode === 'lines');
            const xa = gd._fullLayout.xaxis2, ya = gd._fullLayout.yaxis2;
            const rate = gd.calcdata[lr][{HOVER_STEP}].y;
            return [xa._offset + xa.l2p({HOVER_STEP}), ya._offset + ya.l2p(ya.c2l(rate))];
        }}"""
    )
    page.mouse.move(box["x"] + x - 30, box["y"] + y)
    page.mouse.move(box["x"] + x, box["y"] + y, steps=5)
    # The way in hovers earlier steps first: wait for the label to follow the mouse to the end.
    with contextlib.suppress(PlaywrightTimeoutError):
        frame.wait_for_function(
            f"() => Math.abs(+document.getElementById('step').textContent.split(' ')[1]"
            f" - {HOVER_STEP}) <= 20",
            timeout=5_000,
        )
    shown = int(step_label(frame).split()[1])
    assert abs(shown - HOVER_STEP) <= 20, "the hovered step, give or take a few pixels"
    assert map_head(frame) != start


def test_dragging_the_step_slider_and_playing_move_every_marker(page: Page, app_url: str):
    frame = open_lab(page, app_url)
    end = steps_of("decay_under_noise")
    start = map_head(frame)
    slider = frame.locator("#slider")
    slider.focus()
    for _ in range(10):
        slider.press("ArrowLeft")
    expect(frame.locator("#step")).to_have_text(f"step {end - 10} / {end}")
    assert map_head(frame) != start
    frame.locator("#play").click()
    expect(frame.locator("#play")).to_have_text("❚❚ Pause")
    expect(frame.locator("#step")).to_have_text(f"step {end} / {end}", timeout=15_000)
    expect(frame.locator("#play")).to_have_text("▶ Play")


LOOKS = """() => {
    const gd = document.getElementById('chart'), L = gd._fullLayout;
    const box = e => e.getBoundingClientRect();
    const logAxes = Object.keys(L).filter(k => /^[xy]axis\\d*$/.test(k) && L[k].type === 'log')
        .map(k => ({name: k, labels: L[k]._vals.filter(v => v.text !== '').map(v => v.x)}));
    const onMap = gd.data.map((t, i) => [t, i]).filter(([t]) => (t.xaxis || 'x') === 'x');
    const play = box(document.getElementById('play')), step = box(document.getElementById('step'));
    return {
        mapTop: L.yaxis._offset, mapWidth: L.xaxis._length, mapHeight: L.yaxis._length,
        plotWidth: L.width - L.margin.l - L.margin.r, figureWidth: L.width,
        frameWidth: document.body.clientWidth, scrollWidth: document.body.scrollWidth,
        logAxes,
        lastOnMap: onMap[onMap.length - 1][0].name,
        overlap: !(play.right <= step.left || step.right <= play.left
                   || play.bottom <= step.top || step.bottom <= play.top),
    };
}"""

# A formula's drawn content (even where an overflow box clips it) must end inside its column.
WIDE_FORMULAS = """() => [...document.querySelectorAll('.katex-display .katex-html')]
    .filter(e => {
        const box = e.closest('[data-testid="stColumn"], [data-testid="stMainBlockContainer"]');
        return e.getBoundingClientRect().right > box.getBoundingClientRect().right + 1;
    })
    .map(e => e.textContent.slice(0, 60))"""


@pytest.mark.parametrize("key", list(LESSONS))
def test_each_lesson_reads_on_a_projector(page: Page, app_url: str, key: str):
    frame = open_lab(page, app_url, key)
    expect(page.get_by_text(LESSONS[key].look_for[:40])).to_be_visible(timeout=60_000)
    page.wait_for_timeout(800)
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, f"lab_{key}_first_screen")
    looks = frame.evaluate(LOOKS)
    iframe_top = page.locator("iframe").first.bounding_box()["y"]

    assert iframe_top + looks["mapTop"] < PROJECTOR["height"] - 100, "the map starts on screen 1"
    height_bound = looks["mapHeight"] >= 380  # a tall map is limited by the screen's height
    assert looks["mapWidth"] >= 0.85 * looks["plotWidth"] or height_bound, looks
    assert (
        looks["figureWidth"] <= looks["frameWidth"] and looks["scrollWidth"] <= looks["frameWidth"]
    )
    for axis in looks["logAxes"]:
        exponents = sorted(axis["labels"])
        assert all(float(e).is_integer() for e in exponents), axis  # 10^k only
        assert all(b - a >= 1 for a, b in itertools.pairwise(exponents)), axis
    assert looks["lastOnMap"] == "minimum", "the stars are drawn above paths and heads"
    assert not looks["overlap"], "the step label clears the Play button"
    assert step_label(frame) == f"step {steps_of(key)} / {steps_of(key)}"
    assert page.evaluate(WIDE_FORMULAS) == []

    for name, below in ((f"lab_{key}", 0), (f"lab_{key}_below", 680)):
        page.evaluate(SCROLL_TO_CHART, below)  # under Streamlit's 60 px header
        page.wait_for_timeout(300)
        screenshot(page, name)


RUN_1_PATH = """() => {
    const gd = document.getElementById('chart');
    const path = gd.data.findIndex(t => t.xaxis === 'x' && t.mode === 'lines'
        && t.name === gd._fullData.find(f => f.legendrank === 0 && f.xaxis === 'x').name);
    return Array.from(gd.calcdata[path].slice(0, 3), p => [p.x, p.y]);  // its first steps
}"""


def test_run_1s_rate_and_the_start_redraw_the_views_and_the_link(page: Page, app_url: str):
    """The fragment's sliders: each press redraws the runs, rewrites the link, and the dots,
    the step slider and Play still work on the new runs."""
    frame = open_lab(page, app_url)
    end = steps_of("decay_under_noise")
    for key, link_part in (("lab.0.hp.sgd.learning_rate", "opt="), ("lab.sx", "start=")):
        before, link = frame.evaluate(RUN_1_PATH), page.url
        part = next(p for p in link.split("&") if p.split("?")[-1].startswith(link_part))
        thumb = page.locator(f'.st-key-{key.replace(".", "-")} input[type="range"]')
        thumb.focus()
        thumb.press("ArrowRight")
        frame.wait_for_function(f"() => ({RUN_1_PATH})() + '' !== {before!r} + ''", timeout=60_000)
        wait_for_app_idle(page)
        expect(page.locator('[data-testid="stInfo"]')).to_have_count(0)  # the lesson went
        assert part not in page.url, f"{key} changes the link"
        assert step_label(frame) == f"step {end} / {end}"
        expect(frame.locator(".legend")).to_contain_text("η=0.6, constant rate")  # renamed
        assert array_attributes_differ(frame) == []
    frame.locator("#slider").focus()
    frame.locator("#slider").press("Home")
    expect(frame.locator("#step")).to_have_text(f"step 0 / {end}")
    assert page.locator('[data-testid="stException"]').count() == 0


MOVES = """() => {
    const gd = document.getElementById('chart');
    if (!gd._moves) { gd._moves = {animated: 0, replotted: 0};
        gd.on('plotly_animated', () => gd._moves.animated++);
        gd.on('plotly_afterplot', () => gd._moves.replotted++); }
    return gd._moves;
}"""


def test_a_new_start_moves_only_the_points_and_draws_them_as_a_full_redraw_would(
    page: Page, app_url: str
):
    """Once the runs' names are settled, a new start changes only the traces' points: the
    views move them (Plotly.animate, no redraw of axes, legend and images) and the lines drawn
    are exactly those a fresh plot of the same figure draws."""
    frame = open_lab(page, app_url)
    thumb = page.locator('.st-key-lab-sx input[type="range"]')
    thumb.focus()
    for _ in range(2):  # the first press leaves the lesson and renames the runs
        before = frame.evaluate(RUN_1_PATH)
        counts = dict(frame.evaluate(MOVES))
        thumb.press("ArrowRight")
        frame.wait_for_function(f"() => ({RUN_1_PATH})() + '' !== {before!r} + ''", timeout=60_000)
        wait_for_app_idle(page)
    moved = frame.evaluate(MOVES)
    assert moved["animated"] == counts["animated"] + 1
    drawn, fresh = drawn_and_fresh(frame.locator("#chart"))
    assert len(drawn) >= 12 and drawn == fresh
    assert array_attributes_differ(frame) == []


def test_a_rate_that_diverges_is_told_in_a_warning_not_a_traceback(page: Page, app_url: str):
    """Run 1's rate at the slider's end makes SGD diverge in a fragment rerun: the warning under
    the views says at which step, where Streamlit once showed an exception (the fragment wrote
    into a box it had left empty on the last full run)."""
    open_lab(page, app_url)
    rate = page.locator('[class*="st-key-lab-0-hp-"][class*="-learning_rate"] input[type="range"]')
    rate.focus()
    rate.press("End")
    expect(page.get_by_text("diverged at step")).to_be_visible(timeout=60_000)
    wait_for_app_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0


HEAD_OPACITY = """() => {
    const gd = document.getElementById('chart');
    return gd.data.filter(t => t.hoverinfo === 'skip').map(t => (t.marker.opacity || [1])[0]);
}"""


def test_hiding_a_run_in_the_legend_hides_its_dots_on_every_view(page: Page, app_url: str):
    frame = open_lab(page, app_url)
    assert frame.evaluate(HEAD_OPACITY) == [1, 1, 1]
    frame.locator(".legend .traces .legendtoggle").first.click()
    frame.wait_for_function(f"() => ({HEAD_OPACITY})().every(o => o === 0)", timeout=10_000)
    frame.locator(".legend .traces .legendtoggle").first.click()
    frame.wait_for_function(f"() => ({HEAD_OPACITY})().every(o => o === 1)", timeout=10_000)


def test_the_charts_further_down_draw_in_their_own_frames(page: Page, app_url: str):
    """The noise spread and the range test load plotly.js once near the screen (or soon after
    the page drew), then draw and keep their place."""
    open_lab(page, app_url)
    page.evaluate(SCROLL_TO_CHART, 100_000)  # to the foot of the page
    frames = page.locator("iframe")
    expect(frames).to_have_count(3)
    titles = []
    for i in (1, 2):
        frame = frames.nth(i).element_handle().content_frame()
        frame.wait_for_function(
            "() => document.getElementById('chart')._fullLayout !== undefined", timeout=30_000
        )
        titles.append(frame.evaluate("() => document.getElementById('chart').layout.title"))
        box = frames.nth(i).bounding_box()
        assert box["height"] >= 200, "the frame holds its figure"
    assert titles[0] is None and "Run 1 (SGD" in titles[1]["text"]


RANGE_LOSSES = """() => JSON.stringify(
    document.getElementById('chart').calcdata.map(trace => trace.slice(0, 5).map(p => p.y)))"""


def test_the_range_test_below_the_screen_is_redrawn_once_in_view(page: Page, app_url: str):
    """A slider move redraws the views at once; the range test (at the foot of the page, out of
    sight) keeps its picture until it is scrolled into view, then shows the new runs."""
    frame = open_lab(page, app_url)
    page.evaluate(SCROLL_TO_CHART, 100_000)
    ranges = page.locator("iframe").nth(2).element_handle().content_frame()
    ranges.wait_for_function(
        "() => document.getElementById('chart')._fullLayout !== undefined", timeout=30_000
    )
    page.evaluate("() => { document.querySelector('[data-testid=\"stMain\"]').scrollTop = 0; }")
    before, losses = frame.evaluate(RUN_1_PATH), ranges.evaluate(RANGE_LOSSES)
    thumb = page.locator('.st-key-lab-sx input[type="range"]')
    thumb.focus()
    thumb.press("ArrowRight")
    frame.wait_for_function(f"() => ({RUN_1_PATH})() + '' !== {before!r} + ''", timeout=60_000)
    wait_for_app_idle(page)
    page.wait_for_timeout(500)
    assert ranges.evaluate(RANGE_LOSSES) == losses
    page.evaluate(SCROLL_TO_CHART, 100_000)
    ranges.wait_for_function(f"() => ({RANGE_LOSSES})() !== {losses!r}", timeout=30_000)
