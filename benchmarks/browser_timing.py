"""What the browser benchmarks share: a Streamlit server for any script, Debian's Chromium, the
charts of a page, its sliders, and slider → redraw timed as DESIGN.md says.

Slider → redraw (`press_and_settle`): before the press every chart's `gd._fullLayout` is tagged
under a key without a leading underscore (Plotly.react makes a new layout object on every draw
and copies only the underscore keys), in the page and in its same-origin component frames, and a
MutationObserver watches `[data-testid="stApp"]`'s `data-test-script-state` (a fast run can flip
running → notRunning between two callbacks: any change after the press means a run happened).
The slider's thumb is focused and ArrowRight (or ArrowLeft) pressed; every animation frame, a
chart whose layout object lost the tag was redrawn (it is tagged again, so a second draw counts
too, and its `plotly_afterplot` is heard from then on, with `plotly_animated` and
`plotly_transitioned`: a redraw of the traces alone, by Plotly.animate, ends there). The sample
ends once the script ran and is idle and no chart has changed for QUIET_MS; its time is the
later of the last redraw and the script going idle, from the keydown. A change that redraws no
chart still counts, as the time to idle. The bytes the server sent over its websocket (component
arguments travel in it too) are summed from the press to that end.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from tests.browser.app_server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
)
from tests.browser.app_server import app_server as streamlit_server
from ui.first_screen import WAITING

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "VIEWPORT", "streamlit_server"]

LOAD_TIMEOUT_MS = 120_000
PRESS_TIMEOUT_MS = 30_000
QUIET_MS = 400


def check_browser() -> None:
    if not CHROMIUM.exists():
        raise SystemExit(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium package "
            "(apt-get install chromium). This benchmark never downloads a browser."
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise SystemExit(
            "Python Playwright is missing: pip install -r requirements-dev.txt (it drives "
            f"{CHROMIUM}; no `playwright install` needed)."
        ) from None


def launch(playwright):
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


def css_key(key: str) -> str:
    """A widget key as Streamlit writes it in its container's class st-key-<key>."""
    return "".join(c if c.isalnum() or c in "_-" else "-" for c in key)


def slider(page, key: str):
    """A slider's thumb. Streamlit 1.67 gives a keyed widget's container the class st-key-<key>
    (characters other than letters, digits, _ and - become -); st.slider and st.select_slider
    both render `[data-testid="stSlider"] input[type="range"]`."""
    thumb = page.locator(f'.st-key-{css_key(key)} [data-testid="stSlider"] input[type="range"]')
    if thumb.count() != 1:
        raise RuntimeError(f"Found {thumb.count()} slider thumbs for key {key!r}, expected 1.")
    return thumb


# Every chart: in the page and in its same-origin component frames.
CHARTS_JS = """[document, ...[...document.querySelectorAll('iframe')].map(f => {
        try { return f.contentDocument; } catch (e) { return null; }
    })].filter(Boolean).flatMap(d => [...d.querySelectorAll('.js-plotly-plot')])"""

FIRST_CHART_JS = f"() => {CHARTS_JS}.some(gd => gd._fullLayout) ? performance.now() : false"

# Before a press: tag every chart's layout object, start watching the script state, note the
# keydown's time. `plotly_afterplot` of each chart (heard once per chart div) marks a redraw too,
# and so do `plotly_animated` and `plotly_transitioned` (a redraw of the traces alone ends there).
ARM_JS = f"""() => {{
    const app = document.querySelector('[data-testid="stApp"]');
    if (window.__bench) window.__bench.observer.disconnect();
    const bench = {{t0: null, tag: {{}}, states: [], last: null, changed: new Set()}};
    window.__bench = bench;
    window.__heard = window.__heard || new WeakSet();
    window.__listen = gd => {{
        if (window.__heard.has(gd) || typeof gd.on !== 'function') return;
        window.__heard.add(gd);
        for (const event of ['plotly_afterplot', 'plotly_animated', 'plotly_transitioned']) {{
            gd.on(event, () => {{
                const b = window.__bench;
                if (b && b.t0 !== null) {{ b.last = performance.now(); b.changed.add(gd); }}
            }});
        }}
    }};
    const charts = {CHARTS_JS};
    charts.forEach(gd => {{
        if (gd._fullLayout) gd._fullLayout.benchTag = bench.tag;
        window.__listen(gd);
    }});
    const pressed = () => {{ if (bench.t0 === null) bench.t0 = performance.now(); }};
    document.addEventListener('keydown', pressed, {{capture: true, once: true}});
    bench.observer = new MutationObserver(() => {{
        bench.states.push([performance.now(), app.getAttribute('data-test-script-state')]);
    }});
    bench.observer.observe(app, {{attributes: true, attributeFilter: ['data-test-script-state']}});
    return charts.length;
}}"""

# After the press, every animation frame: note redrawn charts (and tag them again); end once the
# script ran and is idle and no chart changed for `quiet` ms.
SETTLE_JS = f"""([quiet, timeout]) => new Promise(resolve => {{
    const bench = window.__bench;
    const app = document.querySelector('[data-testid="stApp"]');
    const limit = performance.now() + timeout;
    function check() {{
        const now = performance.now();
        const charts = {CHARTS_JS};
        for (const gd of charts) {{
            const layout = gd._fullLayout;
            if (layout && layout.benchTag !== bench.tag) {{
                layout.benchTag = bench.tag;
                bench.changed.add(gd);
                bench.last = now;
                window.__listen(gd);
            }}
        }}
        const idle = app.getAttribute('data-test-script-state') === 'notRunning';
        const ran = bench.states.length > 0 || bench.changed.size > 0;
        const stopped = [...bench.states].reverse().find(([, s]) => s === 'notRunning');
        const idleAt = stopped ? stopped[0] : bench.t0;
        const end = Math.max(bench.last ?? -Infinity, idleAt ?? -Infinity);
        const done = bench.t0 !== null && ran && idle && now - end >= quiet;
        if (!done && now <= limit) {{
            requestAnimationFrame(check);
            return;
        }}
        bench.observer.disconnect();
        const running = bench.states.find(([, s]) => s === 'running');
        resolve({{
            done, total: end - bench.t0,
            redraw: bench.last === null ? null : bench.last - bench.t0,
            idle: idleAt - bench.t0,
            toRunning: running ? running[0] - bench.t0 : null,
            charts: charts.length, changed: bench.changed.size,
            states: bench.states.map(([t, s]) => [Math.round(t - bench.t0), s]),
        }});
    }}
    requestAnimationFrame(check);
}})"""

# After a load: until the script is idle, at least one chart is drawn, no spinner is shown, the
# sections below the first screen are drawn (ui/first_screen.py) and no chart has changed for
# `quiet` ms.
SETTLED_LOAD_JS = f"""([quiet, timeout]) => new Promise(resolve => {{
    const tag = {{}};
    let last = performance.now();
    const limit = last + timeout;
    function check() {{
        const now = performance.now();
        const app = document.querySelector('[data-testid="stApp"]');
        const charts = {CHARTS_JS};
        for (const gd of charts) {{
            if (gd._fullLayout && gd._fullLayout.benchTag !== tag) {{
                gd._fullLayout.benchTag = tag;
                last = now;
            }}
        }}
        const ready = app !== null && app.getAttribute('data-test-script-state') === 'notRunning'
            && charts.length > 0 && charts.every(gd => gd._fullLayout)
            && document.querySelector('[data-testid="stSpinner"]') === null
            && document.querySelector('[class*="st-key-{WAITING}"]') === null;
        if (!ready) last = now;
        if ((ready && now - last >= quiet) || now > limit) {{
            resolve({{ready, charts: charts.length}});
            return;
        }}
        requestAnimationFrame(check);
    }}
    requestAnimationFrame(check);
}})"""


class WsBytes:
    """Bytes the server sent over a page's Streamlit websocket(s), counted by Playwright."""

    def __init__(self, page):
        self.total = 0
        page.on("websocket", self._opened)

    def _opened(self, ws) -> None:
        if ws.url.endswith("/_stcore/stream"):
            ws.on("framereceived", self._received)

    def _received(self, payload) -> None:
        self.total += len(payload)


@dataclass
class OpenPage:
    context: object
    page: object
    ws: WsBytes
    first_chart_ms: float  # navigation start → the first chart drawn
    charts: int


def open_page(browser, url: str) -> OpenPage:
    """A new browser context (no cache, no cookies) at `url`, once it has settled."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    ws = WsBytes(page)
    page.goto(url, timeout=LOAD_TIMEOUT_MS)
    first = page.wait_for_function(FIRST_CHART_JS, timeout=LOAD_TIMEOUT_MS, polling="raf")
    settled = page.evaluate(SETTLED_LOAD_JS, [QUIET_MS, LOAD_TIMEOUT_MS])
    if not settled["ready"]:
        context.close()
        raise RuntimeError(f"{url} did not settle within {LOAD_TIMEOUT_MS} ms: {settled}")
    return OpenPage(context, page, ws, first.json_value(), settled["charts"])


@dataclass(frozen=True)
class Slider:
    """A slider moved by one arrow key per sample: first towards its farther end (so most
    samples are new values), turning back at either end. `key`: the widget's key, or a regular
    expression for the CSS class `st-key-…` of its container (when the key holds, say, the
    optimizer of a slot). `scrolled_to`: a slider in the page itself, above the charts it
    drives, is first scrolled to the top of the screen, as a user looking at them would (charts
    out of sight wait to be redrawn until they come into view)."""

    label: str
    key: str
    scrolled_to: bool = False


@dataclass
class Samples:
    label: str
    rows: list[dict] = field(default_factory=list)

    def column(self, name: str) -> list[float]:
        return [r[name] for r in self.rows if r.get(name) is not None]

    def quantile(self, q: float, name: str = "total") -> float:
        values = self.column(name)
        return float(np.quantile(values, q)) if values else float("nan")


THUMB_JS = "el => [Number(el.value), Number(el.min), Number(el.max)]"


def press_and_settle(page, ws: WsBytes, key: str, arrow: str) -> dict:
    """One sample: focus the slider's thumb, arm, press `arrow`, wait until settled."""
    thumb = slider(page, key)
    thumb.focus()
    page.evaluate(ARM_JS)
    before = ws.total
    page.keyboard.press(arrow)
    sample = page.evaluate(SETTLE_JS, [QUIET_MS, PRESS_TIMEOUT_MS])
    if not sample["done"]:
        raise RuntimeError(
            f"{key}: not settled within {PRESS_TIMEOUT_MS} ms after {arrow}: {sample}"
        )
    sample["bytes"] = ws.total - before
    return sample


# The main area scrolled so that the widget with key class `st-key-<key>` is near its top.
SCROLL_TO_JS = """key => {
    const main = document.querySelector('[data-testid="stMain"]');
    main.scrollTop += document.querySelector('.st-key-' + key).getBoundingClientRect().top - 80;
}"""


KEYS_JS = """pattern => [...document.querySelectorAll('[class*="st-key-"]')]
    .flatMap(el => [...el.classList]).filter(c => c.startsWith('st-key-'))
    .map(c => c.slice(7)).filter(k => new RegExp('^(' + pattern + ')$').test(k))"""


def widget_key(page, key: str) -> str:
    """`key` itself if its widget is on the page, else the one `st-key-` class that matches the
    regular expression `key` (class names have `.` as `-`)."""
    if page.locator(f".st-key-{css_key(key)}").count():
        return key
    found = sorted(set(page.evaluate(KEYS_JS, key)))
    if len(found) != 1:
        raise RuntimeError(f"No single widget with a key like {key!r} on the page: {found}")
    return found[0]


def measure(page, ws: WsBytes, control: Slider, warm_up: int, timed: int, deadline: float):
    """`warm_up` untimed then up to `timed` timed presses (fewer if `deadline`, a
    time.monotonic(), passes): towards the farther end first, turning back at the ends."""
    result = Samples(control.label)
    key = widget_key(page, control.key)
    if control.scrolled_to:
        page.evaluate(SCROLL_TO_JS, css_key(key))
        page.wait_for_timeout(QUIET_MS)
    arrow = None
    for i in range(warm_up + timed):
        if i >= warm_up and time.monotonic() > deadline:
            break
        value, lo, hi = slider(page, key).evaluate(THUMB_JS)
        if arrow is None:
            arrow = "ArrowRight" if hi - value >= value - lo else "ArrowLeft"
        if arrow == "ArrowRight" and value >= hi:
            arrow = "ArrowLeft"
        elif arrow == "ArrowLeft" and value <= lo:
            arrow = "ArrowRight"
        sample = press_and_settle(page, ws, key, arrow)
        if i >= warm_up:
            result.rows.append(sample)
    return result
