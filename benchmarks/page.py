"""The race page's size and speed, measured in one run: `python -m benchmarks.page` prints a
Markdown table.

Figure sizes (target: 4 optimizers × 1000 steps under 1 MB): the race figure built exactly as
pages/race.py's `race()` builds it, measured as the JSON bytes the live-figures component
receives (`components.live_figures.figure_bytes`).

Where a rerun's time goes, without a browser: the Python figure work of a new run (the race and
curves figures built and encoded, which pages/race.py caches per run, and the inspector's
figure when it is shown), and, on a blank page in Chromium with the plotly.js shipped with
plotly.py, `Plotly.newPlot` of each figure (what st.plotly_chart does when its figure changes)
against `Plotly.react` from the previous run's figure (what the live-figures component does).

Slider → redraw (target: p50 < 300 ms on this 2-core machine): a real `streamlit run app.py`
(headless, 127.0.0.1, a free port, stopped at the end, also on errors and SIGTERM) and Debian's
Chromium driven by Playwright, measured as DESIGN.md says. Before each input every chart's
`gd._fullLayout` is tagged (Plotly replaces that object on every draw, `Plotly.react` included),
in the page and in its component frames, and a MutationObserver watches
`[data-testid="stApp"]`'s `data-test-script-state`; after the input, every animation frame
checks whether every chart's layout object is new and the script ran and is idle again.
Keydown → that frame is one sample. Each input gets 3 warm-up runs, then 20 timed ones, each
waited out: the SGD learning-rate select_slider (→ / ← alternately, so after the warm-up the
runs are cache hits), the start-x slider (→ each time, so every run is new), on the default race
and on a 4 × 1000-step link; and, as the floor of any rerun, the noise seed's +/− buttons at
noise σ = 0 (the page reruns, no figure changes, no chart is redrawn). The breakdown: input →
script running, the script's run (running → notRunning, the server's Python), when the charts'
Plotly draws began and ended (`_fullLayout` assigned → `plotly_afterplot`), and the CPU time the
server and Chromium used per input (from /proc; two cores give at most 2 ms of CPU per ms).
Other work on the machine shows up in these numbers: run it on a quiet machine.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import numpy as np

import landscapes
from benchmarks.browser_timing import (  # shared with benchmarks/floor.py
    CHARTS_JS,
    FIRST_CHART_JS,
    LOAD_TIMEOUT_MS,
    PRESS_TIMEOUT_MS,
    check_browser,
    slider,
)
from components import PLOTLY_JS
from components.live_figures import figure_bytes
from lessons.race import CATALOG as PRESETS
from lessons.starts import grid
from optimizers.run_config import RunConfig
from optimizers.simulate import simulate
from tests.browser.app_server import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, app_server
from ui.race_figures import curves_view, inspector_view, landscape_grid, race_view

WARM_UP, PRESSES = 3, 20
DRAW_REPEATS = 5
MB = 1_000_000
SIZE_TARGET_BYTES = MB
REDRAW_TARGET_MS = 300.0
SGD_RATE = "0.hp.sgd.learning_rate"  # the page's widget keys
START_X = "sx"

SIX = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
DEFAULT = PRESETS["zigzag"].config  # what the page shows without a link
LONG = DEFAULT.replace(steps=1000)
ROSENBROCK = PRESETS["rosenbrock"].config.replace(steps=1000)
HIMMELBLAU = RunConfig(
    "himmelblau",
    tuple((key, {}) for key in SIX),
    starts=grid(landscapes.lookup("himmelblau").domain, 3),
    steps=1000,
)


def median_ms(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        begin = time.perf_counter()
        action()
        times.append(time.perf_counter() - begin)
    return statistics.median(times) * 1e3


# --- the page's figures, built by the code pages/race.py calls -----------------------------------


def build_race(config: RunConfig) -> bytes:
    land = landscapes.lookup(config.landscape)
    figure = race_view(config, simulate(config), landscape_grid(land))
    return figure_bytes(figure, displayModeBar=False)


def build_curves(config: RunConfig) -> bytes:
    land = landscapes.lookup(config.landscape)
    figure = curves_view(config, simulate(config), landscape_grid(land))
    return figure_bytes(figure, displayModeBar=False)


def build_inspector(config: RunConfig, step: int = 0) -> bytes:
    """The inspector at its default step 0, as st.plotly_chart sends it."""
    land = landscapes.lookup(config.landscape)
    figure = inspector_view(config, simulate(config), landscape_grid(land), step)[0]
    return figure_bytes(figure, displayModeBar=False)


def page_figures(config: RunConfig) -> dict[str, bytes]:
    return {
        "race": build_race(config),
        "curves": build_curves(config),
        "inspector": build_inspector(config),
    }


def next_start(config: RunConfig) -> RunConfig:
    """The config after one → on the start-x slider (a step of 1/400 of the domain's width)."""
    (x0, x1), _ = landscapes.lookup(config.landscape).domain
    (x, y), *_ = config.starts
    return config.replace(starts=((x + (x1 - x0) / 400, y),))


@dataclass(frozen=True)
class FigureSize:
    label: str
    sent_bytes: int
    frames: int
    build_ms: float


def figure_size(label: str, config: RunConfig) -> FigureSize:
    sent = build_race(config)  # compiles the kernel, evaluates the grid, warms plotly
    return FigureSize(
        label,
        sent_bytes=len(sent),
        frames=len(json.loads(sent)["frames"]),
        build_ms=median_ms(lambda: build_race(config), 3),
    )


@dataclass(frozen=True)
class RerunWork:
    """A new run's Python figure work, each figure built and encoded as the page sends it."""

    label: str
    race_ms: float
    curves_ms: float
    inspector_ms: float


def rerun_work(label: str, config: RunConfig, repeats: int = 3) -> RerunWork:
    return RerunWork(
        label,
        race_ms=median_ms(lambda: build_race(config), repeats),
        curves_ms=median_ms(lambda: build_curves(config), repeats),
        inspector_ms=median_ms(lambda: build_inspector(config), repeats),
    )


# --- CPU time from /proc ------------------------------------------------------------------------


def _processes() -> dict[int, tuple[int, float]]:
    """pid → (parent pid, user + system CPU seconds) for every process we can read."""
    ticks = os.sysconf("SC_CLK_TCK")
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        table[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks)
    return table


def _is_chromium(pid: int) -> bool:
    try:
        return b"chromium" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def cpu_seconds(server_pid: int) -> tuple[float, float]:
    """CPU seconds used so far by the server's processes and by our Chromium's processes."""
    if not Path("/proc/self/stat").exists():
        return float("nan"), float("nan")
    table = _processes()

    def descendants(root: int) -> set[int]:
        found, frontier = {root}, [root]
        while frontier:
            parent = frontier.pop()
            children = [pid for pid, (ppid, _) in table.items() if ppid == parent]
            found.update(children)
            frontier += children
        return found

    server = descendants(server_pid)
    ours = descendants(os.getpid()) - server
    chromium = [pid for pid in ours if _is_chromium(pid)]
    return (
        sum(table[pid][1] for pid in server if pid in table),
        sum(table[pid][1] for pid in chromium),
    )


# --- the browser --------------------------------------------------------------------------------

LOADED_JS = f"""() => {{
    const app = document.querySelector('[data-testid="stApp"]');
    const charts = {CHARTS_JS};
    return app !== null && app.getAttribute('data-test-script-state') === 'notRunning'
        && charts.length >= 2 && charts.every(gd => gd._fullLayout)
        && document.querySelector('[data-testid="stSpinner"]') === null;
}}"""

# Installed before any page script. Plotly assigns `gd._fullLayout` at the start of every draw
# (supplyDefaults) and emits `plotly_afterplot` at its end. A setter on HTMLDivElement.prototype
# catches the first assignment on a new chart div and gives that div an own accessor (Plotly's
# purge deletes it, which lands back here), so each chart's first draw start and last draw end
# after a key press are recorded in the page's window.__draws. The script runs in every frame; a
# component frame (same origin) records into its page's map, with the page's clock.
DRAW_HOOK_JS = """(() => {
    const listening = new WeakMap();
    const now = () => window.top.performance.now();
    if (window === window.top) window.__draws = new Map();
    function started(gd) {
        const draws = window.top.__draws;
        if (draws && !draws.has(gd)) draws.set(gd, {start: now(), end: null});
    }
    function own(gd, value) {
        let layout = value;
        Object.defineProperty(gd, '_fullLayout', {
            configurable: true, enumerable: true,
            get() { return layout; },
            set(v) { layout = v; started(gd); },
        });
        if (typeof gd.on === 'function' && listening.get(gd) !== gd._ev) {
            listening.set(gd, gd._ev);
            gd.on('plotly_afterplot', () => {
                const draw = window.top.__draws && window.top.__draws.get(gd);
                if (draw) draw.end = now();
            });
        }
    }
    Object.defineProperty(HTMLDivElement.prototype, '_fullLayout', {
        configurable: true,
        get() { return undefined; },
        set(value) { own(this, value); started(this); },
    });
})();"""

# Before a key press: tag every chart's layout object (under a name without a leading "_", which
# Plotly.react would carry over to the new layout object), forget earlier draws, start watching
# the script state, and note the time of the keydown (or the click's pointerdown).
ARM_JS = f"""() => {{
    const app = document.querySelector('[data-testid="stApp"]');
    const charts = {CHARTS_JS};
    const bench = {{t0: null, tag: {{}}, states: []}};
    charts.forEach(gd => {{ gd._fullLayout.benchTag = bench.tag; }});
    if (window.__bench) window.__bench.observer.disconnect();
    window.__bench = bench;
    window.__draws = new Map();
    const start = () => {{ if (bench.t0 === null) bench.t0 = performance.now(); }};
    for (const type of ['keydown', 'pointerdown']) {{
        document.addEventListener(type, start, {{capture: true, once: true}});
    }}
    bench.observer = new MutationObserver(() => {{
        bench.states.push([performance.now(), app.getAttribute('data-test-script-state')]);
    }});
    bench.observer.observe(app, {{attributes: true, attributeFilter: ['data-test-script-state']}});
    return charts.length;
}}"""

# After the press: every animation frame, until the script ran and is idle again and (if
# `redraw`) every chart's layout object is new (a chart div mounted since counts once drawn)
# and as many charts are shown as before.
WAIT_JS = f"""([charts, redraw, timeout]) => new Promise(resolve => {{
    const bench = window.__bench;
    const app = document.querySelector('[data-testid="stApp"]');
    const limit = performance.now() + timeout;
    function check() {{
        const now = performance.now();
        const shown = {CHARTS_JS};
        const fresh = shown.filter(gd => gd._fullLayout && gd._fullLayout.benchTag !== bench.tag);
        const ran = bench.states.some(([, s]) => s === 'running');
        const idle = app.getAttribute('data-test-script-state') === 'notRunning';
        const drawn = !redraw || (fresh.length === shown.length && shown.length >= charts);
        // A very quick rerun can flip the state and back between two observer callbacks;
        // every chart drawn anew also proves that the script ran.
        // A rerun that changes no chart may also go unseen: then give up waiting after 1.5 s.
        const seen = ran || (redraw && fresh.length > 0) || now - bench.t0 > 1500;
        const done = bench.t0 !== null && idle && drawn && seen;
        if (!done && now <= limit) {{
            requestAnimationFrame(check);
            return;
        }}
        bench.observer.disconnect();
        const at = t => t - bench.t0;
        const running = bench.states.find(([, s]) => s === 'running');
        const stopped = [...bench.states].reverse().find(([, s]) => s === 'notRunning');
        const draws = [...window.__draws.values()];
        const ended = draws.filter(d => d.end !== null).map(d => d.end);
        resolve({{
            done, total: at(now), charts: shown.length, fresh: fresh.length,
            toRunning: running ? at(running[0]) : null,
            script: running && stopped ? stopped[0] - running[0] : null,
            drawFrom: draws.length ? at(Math.min(...draws.map(d => d.start))) : null,
            drawTo: ended.length ? at(Math.max(...ended)) : null,
            states: bench.states.map(([t, s]) => [Math.round(at(t)), s]),
        }});
    }}
    requestAnimationFrame(check);
}})"""

# On a blank page, per repeat: Plotly.newPlot of the run's figure in a new div (what
# st.plotly_chart does when a figure changes), then Plotly.react to the next run's figure (what
# the live-figures component does), each timed to one frame after it resolved.
DRAW_JS = """async ([before, after, width, repeats]) => {
    const frame = () => new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const times = {newPlot: [], react: []};
    for (let i = 0; i < repeats; i++) {
        const div = document.createElement('div');
        div.style.width = width + 'px';
        document.body.appendChild(div);
        let begin = performance.now();
        await Plotly.newPlot(div, JSON.parse(before));
        await frame();
        times.newPlot.push(performance.now() - begin);
        begin = performance.now();
        await Plotly.react(div, JSON.parse(after));
        await frame();
        times.react.push(performance.now() - begin);
        Plotly.purge(div);
        div.remove();
    }
    return times;
}"""


@dataclass(frozen=True)
class Input:
    """One user action on the page: press `keys` in turn on a slider's thumb, or click."""

    label: str
    key: str
    keys: tuple[str, ...] = ("ArrowRight",)
    redraw: bool = True  # whether every chart must be redrawn for the sample to end

    def act(self, page, i: int) -> None:
        if self.keys[0].startswith("click:"):
            page.locator(self.keys[i % len(self.keys)].removeprefix("click:")).click()
        else:
            thumb = slider(page, self.key)
            thumb.focus()
            page.keyboard.press(self.keys[i % len(self.keys)])


SGD_ALTERNATING = Input("SGD learning rate", SGD_RATE, ("ArrowRight", "ArrowLeft"))
START_X_FORWARD = Input("start x", START_X)
SEED_CLICKS = Input(
    "noise seed +1 / −1 at noise σ = 0 (same paths, no chart changes)",
    "seed",
    (
        'click:.st-key-seed [data-testid="stNumberInputStepUp"]',
        'click:.st-key-seed [data-testid="stNumberInputStepDown"]',
    ),
    redraw=False,
)


@dataclass(frozen=True)
class Redraws:
    label: str
    action: Input
    samples: list[dict]
    server_cpu_ms: float
    chromium_cpu_ms: float

    def column(self, name: str) -> list[float]:
        return [s[name] for s in self.samples if s[name] is not None]

    def median(self, name: str) -> float:
        values = self.column(name)
        return float(np.median(values)) if values else float("nan")

    def quantile(self, q: float) -> float:
        return float(np.quantile(self.column("total"), q))

    def how(self) -> str:
        if not self.action.redraw:
            return "clicks"
        if len(self.action.keys) > 1:
            return "alternating → / ←, so the runs are cache hits"
        return "→ each time, so new runs"


def act_and_wait(page, action: Input, i: int) -> dict:
    if action.keys[0].startswith("click:"):
        page.locator(action.keys[0].removeprefix("click:")).wait_for()
    else:
        slider(page, action.key).focus()
    charts = page.evaluate(ARM_JS)
    action.act(page, i)
    sample = page.evaluate(WAIT_JS, [charts, action.redraw, PRESS_TIMEOUT_MS])
    if not sample["done"]:
        raise RuntimeError(
            f"No full redraw within {PRESS_TIMEOUT_MS} ms after {action.label} #{i}: "
            f"{sample['fresh']} of {sample['charts']} charts redrawn ({charts} before), "
            f"script states {sample['states']} (ms after the input)."
        )
    return sample


def measure(page, server_pid: int, label: str, action: Input) -> Redraws:
    """WARM_UP untimed then PRESSES timed inputs, each waited out."""
    for i in range(WARM_UP):
        act_and_wait(page, action, i)
    server_before, chromium_before = cpu_seconds(server_pid)
    samples = [act_and_wait(page, action, i) for i in range(WARM_UP, WARM_UP + PRESSES)]
    server_after, chromium_after = cpu_seconds(server_pid)
    return Redraws(
        label,
        action,
        samples,
        server_cpu_ms=(server_after - server_before) * 1e3 / PRESSES,
        chromium_cpu_ms=(chromium_after - chromium_before) * 1e3 / PRESSES,
    )


def open_page(browser, url: str) -> tuple:
    """A fresh 1600×1000 page at `url`: (context, page, ms from navigation start to the first
    chart drawn), once every chart is drawn and the script is idle."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(DRAW_HOOK_JS)
    page = context.new_page()
    page.goto(url)
    first_ms = page.wait_for_function(
        FIRST_CHART_JS, timeout=LOAD_TIMEOUT_MS, polling="raf"
    ).json_value()
    page.wait_for_function(LOADED_JS, timeout=LOAD_TIMEOUT_MS, polling=100)
    return context, page, first_ms


def draw_ms(browser, config: RunConfig, widths: dict[str, float]) -> dict[str, dict[str, float]]:
    """Median ms of Plotly.newPlot and of Plotly.react (to the run after one start-x step) per
    figure, alone on a blank page; the first repeat is a warm-up."""
    before, after = page_figures(config), page_figures(next_start(config))
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_content("<html><body style='margin:0'></body></html>")
        page.add_script_tag(path=str(PLOTLY_JS))
        results = {}
        for name in before:
            width = widths.get(name, 0.6 * widths["race"])
            times = page.evaluate(
                DRAW_JS,
                [before[name].decode(), after[name].decode(), width, DRAW_REPEATS + 1],
            )
            results[name] = {how: statistics.median(ms[1:]) for how, ms in times.items()}
        return results
    finally:
        context.close()


@dataclass
class BrowserResults:
    loads: dict[str, float]
    redraws: list[Redraws]
    draws: dict[str, dict[str, dict[str, float]]]


def browser_results() -> BrowserResults:
    from playwright.sync_api import sync_playwright

    results = BrowserResults({}, [], {})
    long_link = "/?" + urlencode(LONG.to_query())
    with app_server() as (url, pid), sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context, _, results.loads["cold"] = open_page(browser, url)
            context.close()
            context, page, results.loads["warm"] = open_page(browser, url)
            widths = page.evaluate(f"() => {CHARTS_JS}.map(gd => gd.getBoundingClientRect().width)")
            widths = dict(zip(("race", "curves", "inspector"), widths, strict=False))
            for action in (SGD_ALTERNATING, START_X_FORWARD, SEED_CLICKS):
                label = f"{action.label}, default race 4 × 30"
                results.redraws.append(measure(page, pid, label, action))
            context.close()
            context, page, results.loads["long"] = open_page(browser, url + long_link)
            for action in (SGD_ALTERNATING, START_X_FORWARD):
                label = f"{action.label}, 4 × 1000 steps (a link)"
                results.redraws.append(measure(page, pid, label, action))
            context.close()
            for label, config in (("4 × 30", DEFAULT), ("4 × 1000", LONG)):
                results.draws[label] = draw_ms(browser, config, widths)
        finally:
            browser.close()
    return results


# --- the table ----------------------------------------------------------------------------------


def verdict(passed: bool) -> str:
    return "pass" if passed else "**FAIL**"


def main():
    # A SIGTERM (e.g. from `timeout`) becomes SystemExit, so the server is still stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    check_browser()
    sizes = [
        figure_size("4 optimizers × 1 start × 1000 steps, ravine (zigzag preset)", LONG),
        figure_size("4 optimizers × 1 start × 1000 steps, rosenbrock preset", ROSENBROCK),
        figure_size("6 optimizers × 9 starts (3 × 3 grid) × 1000 steps, himmelblau", HIMMELBLAU),
        figure_size("default race, 4 optimizers × 1 start × 30 steps, ravine", DEFAULT),
    ]
    work = [rerun_work("4 × 30", DEFAULT), rerun_work("4 × 1000", LONG)]
    browser = browser_results()

    rows = []
    for size in sizes:
        has_target = size.label.startswith("4 optimizers")
        rows.append(
            (
                f"race figure JSON: {size.label}",
                f"{size.sent_bytes / MB:.3f} MB sent to the live-figures component; "
                f"{size.frames} frames; built and encoded in {size.build_ms:.0f} ms",
                "< 1 MB" if has_target else "",
                verdict(size.sent_bytes < SIZE_TARGET_BYTES) if has_target else "",
            )
        )
    for w in work:
        rows.append(
            (
                f"Python figure work per new run, {w.label} (no browser)",
                f"race {w.race_ms:.0f} ms, curves {w.curves_ms:.0f} ms (each cached per run), "
                f"inspector (when shown) {w.inspector_ms:.0f} ms; built and encoded",
                "",
                "",
            )
        )
    for label, figures in browser.draws.items():
        parts = "; ".join(
            f"{name} {ms['newPlot']:.0f} → {ms['react']:.0f} ms" for name, ms in figures.items()
        )
        rows.append(
            (f"blank page, {label}: Plotly.newPlot → Plotly.react to the next start", parts, "", "")
        )
    loads = browser.loads
    rows += [
        ("cold first load (fresh server): first chart drawn", f"{loads['cold']:.0f} ms", "", ""),
        ("warm load (new session): first chart drawn", f"{loads['warm']:.0f} ms", "", ""),
        ("load of a 4 × 1000-step link: first chart drawn", f"{loads['long']:.0f} ms", "", ""),
    ]
    for r in browser.redraws:
        p50 = r.quantile(0.5)
        drawn = "no chart redrawn"
        if r.action.redraw:
            drawn = f"Plotly draws {r.median('drawFrom'):.0f}–{r.median('drawTo'):.0f} ms"
        rows.append(
            (
                f"{'input → redraw' if r.action.redraw else 'input → idle'}: {r.label} "
                f"({len(r.samples)} inputs, {r.how()})",
                f"p50 {p50:.0f} ms, p90 {r.quantile(0.9):.0f} ms, max {max(r.column('total')):.0f}"
                f" ms. Medians: script starts {r.median('toRunning'):.0f} ms after the input, "
                f"runs {r.median('script'):.0f} ms; {drawn}. CPU per input: server "
                f"{r.server_cpu_ms:.0f} ms, Chromium {r.chromium_cpu_ms:.0f} ms",
                f"p50 < {REDRAW_TARGET_MS:.0f} ms" if r.action.redraw else "",
                verdict(p50 < REDRAW_TARGET_MS) if r.action.redraw else "",
            )
        )
    print("| measure | value | target | result |\n| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
