"""Real-browser test infrastructure: a live `streamlit run app.py` and Debian's Chromium.

Fixtures
    app_url   (session)  URL of the app served by a `streamlit run` subprocess on a free port.
    browser   (session)  Playwright Chromium driving /usr/bin/chromium (never `playwright install`).
    page      (function) a fresh 1600x1000 context and page; saved as a PNG if the test fails.

Helpers (import them with `from conftest import screenshot, wait_for_app_idle`; for that to
stay unambiguous, keep this the only conftest.py under tests/browser/)
    wait_for_app_idle(page)  until the script has finished running and no spinner is shown.
    screenshot(page, name)   saves tests/browser/artifacts/<name>.png.
    live_frame(page)         the frame of the race page's live-figures component, once it drew.
    live_charts(page)        the Plotly charts in that frame: the race (or surface), the curves.
    drawn_and_fresh(chart)   a chart's lines as drawn and as a fresh plot of its figure draws them.

Every test in this folder gets the `browser` marker. Without /usr/bin/chromium the tests are
skipped with a reason, except under CI=true, where they fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from app_server import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, app_server

from ui.first_screen import WAITING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Frame, Locator, Page

BROWSER_DIR = Path(__file__).resolve().parent
ARTIFACTS = BROWSER_DIR / "artifacts"
NO_CHROMIUM = (
    f"Chromium not found at {CHROMIUM}: install Debian's chromium package "
    "(apt-get install chromium) to run browser tests"
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = None if CHROMIUM.exists() or _in_ci() else pytest.mark.skip(reason=NO_CHROMIUM)
    for item in items:
        if BROWSER_DIR in item.path.parents:
            item.add_marker(pytest.mark.browser)
            if skip is not None:
                item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# --- the app server ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """Serve app.py with `streamlit run` on a free port; yield its URL; stop it afterwards."""
    try:
        with app_server() as (url, _):
            yield url
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)


# --- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium from Debian's package, driven by Playwright's sync API."""
    if not CHROMIUM.exists():
        pytest.fail(f"{NO_CHROMIUM} (CI=true: browser tests must run)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A new 1600x1000 page; if the test fails, its last picture goes to artifacts/."""
    context = browser.new_context(viewport=VIEWPORT)
    new_page = context.new_page()
    try:
        yield new_page
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            screenshot(new_page, f"FAILED-{request.node.name}")
    finally:
        context.close()


# --- helpers -------------------------------------------------------------------------------

_IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app !== null
        && app.getAttribute('data-test-connection-state') === 'CONNECTED'
        && app.getAttribute('data-test-script-state') === 'notRunning'
        && document.querySelector('[data-testid="stSpinner"]') === null
        && document.querySelector('[class*="st-key-WAITING"]') === null;
}""".replace("WAITING", WAITING)


def wait_for_app_idle(page: Page, timeout: float = 60_000) -> None:
    """Wait until the Streamlit script has finished its run, no spinner is left and the page's
    sections below its first screen are drawn (ui/first_screen.py).

    Streamlit 1.67 marks `[data-testid="stApp"]` with `data-test-connection-state`
    ("CONNECTED" once the websocket is up) and `data-test-script-state`: "initial" before the
    first run, then "running" / "notRunning" (also "rerunRequested", "stopRequested",
    "compilationError"). After an interaction, the rerun may not have started yet when this is
    called: wait for something the rerun changes, or for "running" first, where that matters.
    """
    page.wait_for_function(_IDLE_JS, timeout=timeout, polling=100)


def screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    """Save the page as tests/browser/artifacts/<name>.png and return the path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


LIVE_FIGURES = 'iframe[title="components.live_figures.live_figures"]'

# components/plotly_loader.js memoizes plotly.js's schema crawl for a trace's data arrays: for
# every trace drawn in the frame, the memoized list and a fresh crawl's, where they differ.
ARRAY_ATTRIBUTES_JS = """() => {
    const find = Plotly.PlotSchema.findArrayAttributes;
    if (!find.crawl) return 'not memoized';
    return [...document.querySelectorAll('.js-plotly-plot')].flatMap(gd => gd._fullData.map(
        trace => [trace.type, find(trace).join(), find.crawl(trace).join()]
    )).filter(([, memoized, crawled]) => memoized !== crawled);
}"""


def array_attributes_differ(frame: Frame) -> list | str:
    """The traces of `frame`'s charts whose memoized data-array attributes differ from plotly.js's
    own crawl (none: an empty list)."""
    return frame.evaluate(ARRAY_ATTRIBUTES_JS)


# A chart's lines as drawn (each SVG outline) and as a fresh Plotly.newPlot of its data and
# layout draws them, in a hidden div of the same width.
DRAWN_AND_FRESH_JS = """async gd => {
    const outlines = el => [...el.querySelectorAll('.scatterlayer .js-line')]
        .map(p => p.getAttribute('d'));
    const fresh = document.createElement('div');
    fresh.style.cssText = `position: absolute; left: -5000px; width: ${gd._fullLayout.width}px`;
    gd.ownerDocument.body.append(fresh);
    await Plotly.newPlot(fresh, JSON.parse(JSON.stringify(gd.data)),
                         JSON.parse(JSON.stringify(gd.layout)));
    const both = [outlines(gd), outlines(fresh)];
    Plotly.purge(fresh);
    fresh.remove();
    return both;
}"""


def drawn_and_fresh(chart: Locator) -> tuple[list[str], list[str]]:
    """The SVG outlines of the chart's lines as drawn, and as a fresh plot of its figure draws
    them: equal when a redraw that moved points alone drew what a full redraw would."""
    return chart.evaluate(DRAWN_AND_FRESH_JS)


def live_frame(page: Page, timeout: float = 60_000) -> Frame:
    """The live-figures component's frame, once it has drawn its first figures (it marks its
    body with data-renders)."""
    page.wait_for_selector(LIVE_FIGURES, timeout=timeout)
    frame = page.locator(LIVE_FIGURES).element_handle().content_frame()
    frame.wait_for_selector("body[data-renders]", timeout=timeout)
    return frame


def live_charts(page: Page) -> Locator:
    return live_frame(page).locator(".js-plotly-plot")


# Every chart in page order, in the page or in a same-origin component frame, as drawn: its box
# and its titles' extents in the page's coordinates (a frame's offset added), the width of what
# holds it, the labels of its log axes and every text.
CHARTS_JS = """() => [...document.querySelectorAll('.js-plotly-plot, iframe')].flatMap(el => {
    if (el.tagName !== 'IFRAME') return [[el, null]];
    const doc = (() => { try { return el.contentDocument; } catch (e) { return null; } })();
    return doc ? [...doc.querySelectorAll('.js-plotly-plot')].map(gd => [gd, el]) : [];
}).map(([gd, frame]) => {
    const at = frame ? frame.getBoundingClientRect() : {left: 0, top: 0};
    const page = r => ({left: r.left + at.left, right: r.right + at.left, top: r.top + at.top,
                        width: r.width});
    const box = page(gd.getBoundingClientRect());
    const holder = (frame || gd).closest('[data-testid="stElementContainer"]') || gd.parentElement;
    const logs = Object.keys(gd._fullLayout)
        .filter(k => /^[xy]axis\\d*$/.test(k) && gd._fullLayout[k].type === 'log')
        .map(k => ({name: k, vals: (gd._fullLayout[k]._vals || [])
            .filter(v => v.text !== '' && v.text !== undefined).map(v => v.x)}));
    const texts = [...gd.querySelectorAll('text')].map(t => t.textContent);
    const titles = [...gd.querySelectorAll('.gtitle, .g-xtitle text, .g-ytitle text, .annotation')]
        .map(t => page(t.getBoundingClientRect())).map(r => [r.left, r.right]);
    return {top: box.top, left: box.left, right: box.right, width: box.width,
            holder: holder.getBoundingClientRect().width,
            svg: gd.querySelector('.main-svg').getBoundingClientRect().width,
            logs, texts, titles};
})"""

# Every component frame on the page has drawn its first picture (a live chart below the screen
# draws within two seconds).
FRAMES_DRAWN_JS = """() => [...document.querySelectorAll('iframe')].every(f => {
    const gd = f.contentDocument && f.contentDocument.querySelector('.js-plotly-plot');
    return gd && gd._fullLayout;
})"""
