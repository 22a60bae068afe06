"""The hyperparameter-search page in a real Chromium at a projector's 1280 × 720: every preset
draws its four charts, the main chart starts in the first screen and uses the width, nothing is
cut at the right, log axes carry at most one label per decade, no optax keyword is on screen;
zoom adds a round. Screenshots: artifacts/search_<preset>.png (the first screen)."""

import math
import re
import time

import pytest
from conftest import CHARTS_JS, array_attributes_differ, screenshot, wait_for_app_idle
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


def rounds_chart(page: Page):
    """The rounds chart, in its live frame, the page's last (it redraws when in sight)."""
    return page.frame_locator("iframe").last.locator(CHART)


def surface_chart(page: Page):
    """The response surface, in the page's first live frame."""
    return page.frame_locator("iframe").first.locator(CHART)


def wait_for_rounds(rounds, n: int) -> list[str]:
    """The rounds chart's trace names, once it draws n rounds (a live chart redraws a moment
    after the script is idle)."""
    names: list[str] = []
    for _ in range(100):
        names = rounds.evaluate("gd => (gd.data || []).map(t => t.name || '')")
        if sum(name.startswith("round") for name in names) == n:
            break
        time.sleep(0.1)
    return names


def open_search(page: Page, url: str, query: str = "") -> None:
    page.goto(f"{url}/search{query}")
    surface_chart(page).wait_for(timeout=120_000)
    wait_for_app_idle(page, timeout=120_000)


@pytest.mark.parametrize("key", list(PRESETS))
def test_each_preset_reads_on_a_projector(projector: Page, app_url: str, key: str):
    open_search(projector, app_url, f"?lesson={key}")
    expect(projector.get_by_text(PRESETS[key].look_for[:40])).to_be_visible(timeout=120_000)
    wait_for_app_idle(projector, timeout=120_000)
    assert projector.locator('[data-testid="stException"]').count() == 0
    # Best after n, in its live frame below the first screen, is drawn within two seconds.
    projector.wait_for_function(f"() => ({CHARTS_JS})().length === 4", timeout=30_000)
    projector.wait_for_timeout(500)  # let Plotly finish its first draws
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
    rounds = rounds_chart(projector)
    rounds.scroll_into_view_if_needed()
    names = wait_for_rounds(rounds, 2)
    assert sum(name.startswith("round") for name in names) == 2
    screenshot(projector, "search_zoom")


# --- the budget and the start: one fragment, every chart they change, the link --------------

MAX_BYTES = 150_000  # per slider change (issue 13)
SURFACE_JS = "gd._fullData.find(t => t.name === 'response surface')"


def _frames(page: Page) -> list[bytes]:
    """The frames the server sends over the page's Streamlit websocket, as they arrive."""
    frames: list[bytes] = []

    def opened(ws) -> None:
        if ws.url.endswith("/_stcore/stream"):
            ws.on(
                "framereceived", lambda p: frames.append(p if isinstance(p, bytes) else p.encode())
            )

    page.on("websocket", opened)
    return frames


def _sent(frames: list[bytes]) -> tuple[int, set[str], int]:
    """Bytes sent, the fragments the deltas belong to, and how many charts were (re)sent."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    fragments, charts = set(), 0
    for frame in frames:
        message = ForwardMsg.FromString(frame)
        if message.WhichOneof("type") == "delta":
            fragments.add(message.delta.fragment_id)
            element = message.delta.new_element
            charts += message.delta.WhichOneof("type") == "new_element" and (
                element.WhichOneof("type") in ("plotly_chart", "component_instance")
            )
    return sum(map(len, frames)), fragments, charts


def _press(page: Page, key: str, frames: list[bytes], expect_text) -> tuple[int, set, int]:
    frames.clear()
    thumb = '[data-testid="stSlider"] input[type="range"]'
    page.locator(f".st-key-{key.replace('.', '-')} {thumb}").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_text(expect_text).first).to_be_visible(timeout=120_000)
    wait_for_app_idle(page, timeout=120_000)
    return _sent(frames)


def _surface_state(page: Page) -> dict:
    return surface_chart(page).evaluate(
        """gd => ({names: gd.data.map(t => t.name || ''),
               z: Array.from(SURFACE.z[40].slice(40, 45))})""".replace("SURFACE", SURFACE_JS)
    )


def test_budget_and_start_rerun_their_fragment_and_redraw_what_they_change(
    projector: Page, app_url: str
):
    frames = _frames(projector)
    open_search(projector, app_url)
    before = _surface_state(projector)
    assert "grid: 3 values of η" in before["names"]

    sent, fragments, charts = _press(projector, "hs.n", frames, "16 trials each.")
    assert sent <= MAX_BYTES, sent
    assert len(fragments) == 1 and "" not in fragments, "only the fragment reran"
    assert charts == 3, "the surface, the race and the rounds; not the sampling chart"
    budget = _surface_state(projector)
    assert "grid: 4 values of η" in budget["names"]
    assert budget["z"] == before["z"], "the response surface does not depend on the budget"
    assert "n=16" in projector.url and "lesson=one_matters" in projector.url
    expect(projector.get_by_text("1 round(s) of 16 trials.")).to_be_visible()

    sent, fragments, charts = _press(projector, "hs.sx", frames, re.compile(r"steps from \(-2\.4"))
    assert sent <= MAX_BYTES, sent
    assert len(fragments) == 1 and "" not in fragments
    assert charts == 3
    assert _surface_state(projector)["z"] != budget["z"], "a new start, new runs"
    assert "start=-2.4" in projector.url.replace("%2C", ","), projector.url
    assert "lesson=" not in projector.url, "a moved start is no longer the preset"
    assert projector.locator('[data-testid="stAlert"]').count() == 0
    live = projector.locator("iframe").first.element_handle().content_frame()
    assert array_attributes_differ(live) == []  # heat maps, contours, scatters and bars


def test_a_box_dragged_on_the_rounds_chart_is_the_next_rounds_region(projector: Page, app_url: str):
    open_search(projector, app_url)
    rounds = rounds_chart(projector)
    rounds.scroll_into_view_if_needed()
    plot = rounds.locator('.nsewdrag[data-subplot="xy"]').bounding_box()
    x0, y0 = plot["x"] + 0.55 * plot["width"], plot["y"] + 0.25 * plot["height"]
    x1, y1 = plot["x"] + 0.85 * plot["width"], plot["y"] + 0.65 * plot["height"]
    projector.mouse.move(x0, y0)
    projector.mouse.down()
    projector.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=5)
    projector.mouse.move(x1, y1, steps=5)
    projector.mouse.up()
    expect(projector.get_by_text("2 round(s) of 9 trials.")).to_be_visible(timeout=120_000)
    wait_for_app_idle(projector, timeout=120_000)
    zoom = re.search(r"zoom=([^&]+)", projector.url).group(1).replace("%2C", ",")
    u0, u1, v0, v1 = map(float, zoom.split(","))
    assert 0 < u0 < u1 < 1 and 0 < v0 < v1 < 1
    rounds = rounds_chart(projector)
    wait_for_rounds(rounds, 2)
    # The second dashed box, where the second round's trials are, is the box dragged (as
    # fractions of the plot area: left, right, top, bottom).
    drawn = rounds.evaluate(
        """gd => { const L = gd._fullLayout, s = L.shapes[1];
            const x = v => L.xaxis.l2p(Math.log10(v)) / L.xaxis._length;
            const y = v => L.yaxis.l2p(Math.log10(v)) / L.yaxis._length;
            const t = gd._fullData.find(t => (t.name || '').startsWith('round 2'));
            const within = (v, a, b) => v >= Math.min(a, b) * (1 - 1e-9)
                && v <= Math.max(a, b) * (1 + 1e-9);
            return {box: [x(s.x0), x(s.x1), y(s.y1), y(s.y0)],
                    inside: t.x.every((v, i) => within(v, s.x0, s.x1)
                        && within(t.y[i], s.y0, s.y1))}; }"""
    )
    for got, want in zip(drawn["box"], (0.55, 0.85, 0.25, 0.65), strict=True):
        assert abs(got - want) < 0.01, drawn["box"]
    assert drawn["inside"]
    screenshot(projector, "search_box_zoom")


HOVER_JS = """(gd, [ix, iy]) => { const L = gd._fullLayout, box = gd.getBoundingClientRect();
    return [box.left + L.xaxis5._offset + L.xaxis5.l2p(ix),
            box.top + L.yaxis5._offset + L.yaxis5.l2p(iy)]; }"""


def _hover(page: Page, chart, ix: int, iy: int) -> str:
    """Hover cell (ix, iy) of the surface, drawn in the page's first frame."""
    x, y = chart.evaluate(HOVER_JS, [ix, iy])
    frame = page.locator("iframe").first.bounding_box()
    x, y = x + frame["x"], y + frame["y"]
    page.mouse.move(x - 30, y - 30)
    page.mouse.move(x, y, steps=3)
    page.wait_for_timeout(400)
    return " ".join(
        chart.evaluate("gd => [...gd.querySelectorAll('.hovertext')].map(t => t.textContent)")
    )


def test_the_surface_reads_its_values_and_says_where_runs_diverged(projector: Page, app_url: str):
    open_search(projector, app_url, "?lesson=rmsprop_decay")
    surface = surface_chart(projector)
    surface.scroll_into_view_if_needed()
    cells = surface.evaluate(
        """gd => { const t = SURFACE, z = t.z, out = {finite: null, gap: null};
            for (let j = 0; j < z.length; j++) for (let i = 0; i < z[j].length; i++) {
                if (z[j][i] === null || Number.isNaN(z[j][i])) out.gap = out.gap || [i, j];
                else if (j == 50 && i == 30) out.finite = [i, j, z[j][i], t.x[i], t.y[j]]; }
            return out; }""".replace("SURFACE", SURFACE_JS)
    )
    ix, iy, z, rate, decay = cells["finite"]
    decay = decay.rstrip("\u200b")  # neighbours near 1 read alike, and are told apart by these
    assert decay.startswith("0.") and len(decay) == 6, "ρ itself, 4 decimals (drawn as 1 − ρ)"
    text = _hover(projector, surface, ix, iy)
    assert f"η = {rate}" in text, text
    assert f"ρ = {decay}" in text, text
    assert f"log₁₀(f − f*) = {z:.2f}" in text, text
    assert "diverged" in _hover(projector, surface, *cells["gap"])


@pytest.mark.parametrize("key", ["one_matters", "rmsprop_decay"])
def test_the_rounds_backdrop_covers_the_cells_of_the_surface(
    projector: Page, app_url: str, key: str
):
    """The faded surface is a picture placed on the axes (a reversed one for ρ): it must span
    exactly the cells' extent, which the chart's invisible extent trace marks."""
    open_search(projector, app_url, f"?lesson={key}")
    rounds = rounds_chart(projector)
    rounds.scroll_into_view_if_needed()
    placed = rounds.evaluate(
        """gd => { const L = gd._fullLayout, t = gd._fullData[0];
            const image = gd.querySelector('.imagelayer image, .layer-below image');
            const r = image.getBoundingClientRect(), g = gd.getBoundingClientRect();
            const xs = t.x.map(v => g.left + L.xaxis._offset + L.xaxis.l2p(Math.log10(v)));
            const ys = t.y.map(v => g.top + L.yaxis._offset + L.yaxis.l2p(Math.log10(v)));
            const span = v => [Math.min(...v), Math.max(...v)];
            return {image: [r.left, r.right, r.top, r.bottom], cells: [...span(xs), ...span(ys)]};
        }"""
    )
    for got, want in zip(placed["image"], placed["cells"], strict=True):
        assert abs(got - want) < 1.5, placed


RANGES_JS = """gd => ['x', 'y'].map(a => [3, 5].map(i => gd._fullLayout[a + 'axis' + i].range))"""


def test_zooming_the_surface_keeps_the_heat_map_under_its_trials(projector: Page, app_url: str):
    """The heat map lies on hidden category axes, the trials and ticks on linear axes over them
    (one pixel a cell to paint, its values as hover labels): a zoom, a reset and an autoscale
    move both pairs alike."""
    open_search(projector, app_url)
    surface = surface_chart(projector)
    surface.scroll_into_view_if_needed()
    plot = surface.locator('.nsewdrag[data-subplot="x3y3"]').bounding_box()
    at = lambda fx, fy: (plot["x"] + fx * plot["width"], plot["y"] + fy * plot["height"])  # noqa: E731
    projector.mouse.move(*at(0.2, 0.2))
    projector.mouse.down()
    projector.mouse.move(*at(0.5, 0.6), steps=6)
    projector.mouse.up()
    projector.wait_for_timeout(500)
    for step in ("zoomed", "reset", "autoscaled"):
        (x_cells, x_trials), (y_cells, y_trials) = surface.evaluate(RANGES_JS)
        assert x_cells == pytest.approx(x_trials) and y_cells == pytest.approx(y_trials), step
        if step == "zoomed":
            assert x_cells[1] - x_cells[0] < 50, x_cells
        else:
            assert x_cells == pytest.approx([-0.5, 99.5]) and y_cells == pytest.approx([-0.5, 99.5])
        projector.mouse.dblclick(*at(0.5, 0.5))  # reset, then autoscale
        projector.wait_for_timeout(500)
