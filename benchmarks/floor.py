"""Every page's sliders against the floor, in one run: `python -m benchmarks.floor` prints one
Markdown table per page (issue 13).

The floor is benchmarks/floor_app.py: a bare Streamlit page with one slider and one 50-point
Plotly chart. Both it and the real app (`streamlit run app.py`) are served headless on free
127.0.0.1 ports by this script and stopped at the end (also on errors and SIGTERM); Debian's
Chromium, driven by Playwright, measures both the same way (benchmarks/browser_timing.py): slider
focused, an arrow key, time from the keydown until every chart (in the page and in its component
frames) has been redrawn and the script is idle, as DESIGN.md says. Each slider gets WARM_UP
untimed presses and TIMED timed ones, first towards its farther end (so most presses are new
values), turning back at an end. The floor and each slider take turns of BLOCK presses, and each
page's ratios are to the floor's presses made between its own: absolute times here move 1.5–2×
between runs of the shared machines, and even within a run, minute to minute.

Loads: a new browser context (no cache, no cookies) from navigation start to the first chart
drawn: the first visitor right after the server answered its health check, then a later new
session (median of LOADS). The floor's and the race page's servers are started one after the
other, each measured alone; every later page's first load in the run (server warm) and a later
new session of it (median of LOADS) against the floor's later sessions.

`python -m benchmarks.floor lab search` measures only the pages whose names contain one of the
words (the floor and the loads still run).

Bytes per change: what the server sent over the page's websocket from the press until settled
(component arguments travel there too), median over the timed presses.
"""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import sys
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import landscapes
from benchmarks.browser_timing import (
    Samples,
    Slider,
    check_browser,
    launch,
    measure,
    open_page,
    streamlit_server,
)
from lessons.starts import grid
from optimizers.run_config import RunConfig
from ui.race_link import RaceLink

WARM_UP, TIMED = 3, 20
BLOCK = 5  # presses in a turn: the floor and the page take turns
SWITCH_PAUSE_S = 1.0
LOADS = 3
RUN_BUDGET_S = 25 * 60  # the whole run; a slider gets fewer timed presses past its share
FLOOR = Slider("floor: one slider, one 50-point chart", "floor")
PAGES = {
    "race": (
        "/",
        (
            Slider("first optimizer's learning rate", r"0-hp-[a-z0-9_]+-learning_rate"),
            Slider("start x", "sx"),
            Slider("steps", "steps"),
        ),
    ),
    "learning-rate lab": (
        "/learning_rate",
        (
            Slider("run 1's learning rate", r"lab-0-hp-[a-z0-9_]+-learning_rate"),
            Slider("start x", "lab.sx"),
        ),
    ),
    "search": (
        "/search",
        (
            Slider("budget (trials)", "hs.n"),
            Slider("start x", "hs.sx"),
        ),
    ),
    "Adam's weaknesses": ("/adam_pitfalls", (Slider("β₂ (Reddi's counterexample)", "ap.b2"),)),
    "train a network": (
        "/network",
        (Slider("replay: the step shown", "net.replay", scrolled_to=True),),
    ),
    "loss landscape": ("/loss_landscape", (Slider("span of the slices", "land.span"),)),
    "initialization and normalization": ("/init_norm", (Slider("init scale σ", "in.sigma"),)),
}


def large_race_path() -> str:
    """Issue 13's large run: 6 optimizers × a 12 × 12 grid of starts × 2000 steps."""
    land = landscapes.lookup("himmelblau")
    keys = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
    config = RunConfig(land.key, tuple((k, {}) for k in keys), grid(land.domain, 12), 2000)
    return "/?" + urlencode(RaceLink(config, mode="grid", sn=12).to_query())


PAGES["race, 6 optimizers × 12 × 12 starts × 2000 steps"] = (
    large_race_path(),
    (Slider("first optimizer's learning rate", r"0-hp-[a-z0-9_]+-learning_rate"),),
)


@dataclass
class Loads:
    first: float  # the first visitor after the server started
    later: float  # a later new session (median)


def loads(browser, url: str) -> Loads:
    opened = open_page(browser, url)
    opened.context.close()
    later = []
    for _ in range(LOADS):
        again = open_page(browser, url)
        again.context.close()
        later.append(again.first_chart_ms)
    return Loads(opened.first_chart_ms, statistics.median(later))


@dataclass
class PageResult:
    name: str
    path: str
    floor: Samples
    sliders: list[Samples]
    loads: Loads  # this page's first load in the run, and later new sessions


def page_result(browser, floor_page, app_url: str, name: str, deadline: float) -> PageResult:
    """The page's sliders and the floor, measured in turns of BLOCK presses each (a floor
    block, then a slider's block, …), so that both see the same state of the machine; after
    each of the page's blocks a SWITCH_PAUSE lets work it left behind (the loss landscape
    slices its next span ahead) finish before the floor is pressed."""
    path, controls = PAGES[name]
    page_loads = loads(browser, app_url + path)
    opened = open_page(browser, app_url + path)
    try:
        floor = Samples(FLOOR.label)
        sliders = [Samples(control.label) for control in controls]
        measure(floor_page.page, floor_page.ws, FLOOR, WARM_UP, 0, deadline)
        for control in controls:
            measure(opened.page, opened.ws, control, WARM_UP, 0, deadline)
        while time.monotonic() < deadline and any(len(s.rows) < TIMED for s in sliders):
            for control, samples in zip(controls, sliders, strict=True):
                if len(samples.rows) >= TIMED:
                    continue
                turn = (FLOOR, floor_page, floor), (control, opened, samples)
                for what, where, into in turn:
                    into.rows += measure(where.page, where.ws, what, 0, BLOCK, deadline).rows
                time.sleep(SWITCH_PAUSE_S)
    finally:
        opened.context.close()
    return PageResult(name, path, floor, sliders, page_loads)


# --- the tables ---------------------------------------------------------------------------------


def ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}×"


def kb(samples: Samples) -> str:
    values = samples.column("bytes")
    if not values:
        return ""
    return f"{statistics.median(values) / 1e3:.1f} kB (max {max(values) / 1e3:.0f})"


def charts(samples: Samples) -> str:
    changed = samples.column("changed")
    shown = samples.column("charts")
    if not changed:
        return ""
    return f"{statistics.median(changed):.0f} of {statistics.median(shown):.0f}"


def slider_row(samples: Samples, floor: Samples | None) -> str:
    """One row; `floor` None: the floor's own row."""
    p50, p90 = samples.quantile(0.5), samples.quantile(0.9)
    f50, f90 = (p50, p90) if floor is None else (floor.quantile(0.5), floor.quantile(0.9))
    ratios = "1× | 1×" if floor is None else f"{ratio(p50, f50)} | {ratio(p90, f90)}"
    redraw, idle = samples.quantile(0.5, "redraw"), samples.quantile(0.5, "idle")
    return (
        f"| {samples.label} ({len(samples.rows)} presses) | {ratios} | {p50:.0f} / {p90:.0f} ms"
        f" | {f50:.0f} / {f90:.0f} ms | {kb(samples)} | {charts(samples)} | {redraw:.0f} ms / "
        f"{idle:.0f} ms |"
    )


HEADER = (
    "| slider → every chart redrawn, script idle | p50 ÷ floor | p90 ÷ floor | p50 / p90 | "
    "floor p50 / p90 | bytes per change (median) | charts redrawn | last redraw / script idle "
    "(medians) |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- |"
)


def table(result: PageResult, floor_loads: Loads, race_loads: Loads | None) -> str:
    path = result.path if "?" not in result.path else result.path.split("?")[0] + "?…"
    lines = [f"### {result.name} (`{path}`)", "", HEADER]
    lines += [slider_row(s, result.floor) for s in result.sliders]
    lines.append(slider_row(result.floor, None))
    lines += [
        "",
        "| load, new browser context → first chart | ÷ floor | app | floor |",
        "| --- | --- | --- | --- |",
    ]
    if race_loads is not None:
        lines += [
            f"| first visitor after a server start | {ratio(race_loads.first, floor_loads.first)}"
            f" | {race_loads.first:.0f} ms | {floor_loads.first:.0f} ms |",
            f"| a later new session (median of {LOADS}) | "
            f"{ratio(race_loads.later, floor_loads.later)} | {race_loads.later:.0f} ms | "
            f"{floor_loads.later:.0f} ms |",
        ]
    else:
        first, later = result.loads.first, result.loads.later
        lines += [
            f"| this page's first load in the run (server warm) | "
            f"{ratio(first, floor_loads.later)} | {first:.0f} ms | {floor_loads.later:.0f} ms |",
            f"| a later new session (median of {LOADS}) | {ratio(later, floor_loads.later)} | "
            f"{later:.0f} ms | {floor_loads.later:.0f} ms |",
        ]
    return "\n".join(lines)


def machine() -> str:
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {one:.1f} (1 min) / {five:.1f} (5 min)"


def main():
    # A SIGTERM (e.g. from `timeout`) becomes SystemExit, so the servers are still stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    check_browser()
    from playwright.sync_api import sync_playwright

    words = sys.argv[1:]
    names = [n for n in PAGES if not words or any(w in n for w in words)]
    deadline = time.monotonic() + RUN_BUDGET_S * len(names) / len(PAGES)
    started = machine()
    results = []
    with contextlib.ExitStack() as stack:
        playwright = stack.enter_context(sync_playwright())
        browser = launch(playwright)
        stack.callback(browser.close)
        floor_url, _ = stack.enter_context(streamlit_server("benchmarks/floor_app.py"))
        floor_loads = loads(browser, floor_url)
        app_url, _ = stack.enter_context(streamlit_server("app.py"))
        race_loads = loads(browser, app_url)
        floor_page = open_page(browser, floor_url)
        stack.callback(floor_page.context.close)
        for i, name in enumerate(names):
            share = (deadline - time.monotonic()) / (len(names) - i)
            print(f"measuring {name} …", file=sys.stderr, flush=True)
            results.append(
                page_result(browser, floor_page, app_url, name, time.monotonic() + share)
            )
    print(f"Machine: {started} at the start, {machine()} at the end.\n")
    for result in results:
        print(table(result, floor_loads, race_loads if result.name == "race" else None))
        print()


if __name__ == "__main__":
    main()
