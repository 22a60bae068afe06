"""The search page's charts: figure dicts cached on what each depends on, and sent as they are.

- The response surface's own layer (heat map, mask, profiles, axes) depends on the run, the axes
  and the objective, not on the budget; the trials are added to it per budget.
- The rounds chart's faded backdrop is built once per surface too.
- `ui.charts.live_chart` draws them, each in its live frame; each names its data revision
  (`revised`).
"""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed

import numpy as np
import streamlit as st

from optimizers.run_config import RunConfig
from optimizers.search_config import SearchConfig
from ui.ahead import SETTLE, Ahead, in_this_run
from ui.search_runs import BY_CONFIG, race, response_surface, rounds, trials, unzoomed
from viz.search import (
    best_after_n_figure,
    power,
    response_surface_figure,
    rounds_backdrop,
    rounds_figure,
    sampling_figure,
    surface_layer,
)

SAMPLING_DRAWS = 2000
AHEAD_KEPT = 16

_AHEAD = Ahead(AHEAD_KEPT, "search-ahead")


def revised(spec: dict, revision: str) -> dict:
    """The figure with `layout.datarevision` naming its data (cheaper than `ui.charts` hashing
    its ten thousand cells on every run)."""
    return spec | {"layout": spec["layout"] | {"datarevision": revision}}


# cache_resource: the dicts are shared, never copied or changed (enlarge builds a new one).
@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=BY_CONFIG)
def _layer(run: RunConfig, x: str, y: str, kind: str) -> dict:
    return surface_layer(response_surface(SearchConfig(run, x, y, kind=kind)))


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=BY_CONFIG)
def _backdrop(run: RunConfig, x: str, y: str, kind: str) -> dict:
    return rounds_backdrop(response_surface(SearchConfig(run, x, y, kind=kind)))


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=BY_CONFIG)
def _surface_chart(search: SearchConfig) -> dict:
    layer = _layer(search.run, search.x, search.y, search.kind)
    spec = response_surface_figure(response_surface(search), *trials(search), layer=layer)
    return revised(spec, f"surface {search!r}")


def surface_chart(search: SearchConfig) -> dict:
    """The response surface with the grid and random trials of the budget."""
    return _surface_chart(unzoomed(search))


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=BY_CONFIG)
def _race_chart(search: SearchConfig) -> dict:
    return revised(best_after_n_figure(race(search)), f"race {search!r}")


def race_chart(search: SearchConfig) -> dict:
    """Best found after n trials, grid against random."""
    return _race_chart(unzoomed(search))


def charts_as_ready(search: SearchConfig) -> Iterator[tuple[str, dict]]:
    """("surface", chart) and ("race", chart) in the order they are ready, each built, from now
    on, on a thread of its own: XLA releases the GIL and the machine has a second core, so on a
    new start the race (a quarter of the surface's work) is drawn while the surface is still
    computed, and on a new budget the surface (cached, only the trials are new) comes first."""
    built = in_this_run(lambda chart: chart(search))
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="search-chart")
    futures = {pool.submit(built, surface_chart): "surface", pool.submit(built, race_chart): "race"}
    pool.shutdown(wait=False)  # both run to the end; the pool takes nothing more
    return ((futures[future], future.result()) for future in as_completed(futures))


def prepare(search: SearchConfig) -> None:
    """The charts of `search` built on the server's one search worker, into the caches above,
    unless the worker is busy or did them already: a new start costs ≈ 0.1 s of sweeps, done
    while the class looks at the current picture."""

    def build() -> None:
        for chart in (surface_chart, race_chart, rounds_chart):
            chart(search)

    _AHEAD.prepare(repr(search), in_this_run(build), SETTLE)


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=BY_CONFIG)
def rounds_chart(search: SearchConfig) -> dict:
    """The coarse-to-fine rounds on the faded surface."""
    backdrop = _backdrop(search.run, search.x, search.y, search.kind)
    spec = rounds_figure(response_surface(search), rounds(search), backdrop)
    return revised(spec, f"rounds {search!r}")


@st.cache_resource(show_spinner=False)
def sampling_chart() -> dict:
    """Where uniform and log-scale sampling put η and β (the same on every run)."""
    uniform = np.random.default_rng(0).uniform(size=SAMPLING_DRAWS)
    rate, decay = (
        "learning rate η (log scale): η ∈ [10⁻⁴, 1]",
        "β (1 − β on a log scale): β ∈ [0.9, 0.999]",
    )
    samples = {
        rate: (np.log10(1e-4 + uniform * (1 - 1e-4)), -4 * uniform),
        decay: (np.log10(1 - (0.9 + uniform * 0.099)), np.log10(10.0 ** (-3 + 2 * uniform))),
    }
    ticks = {
        rate: dict(tickvals=list(range(-4, 1)), ticktext=[power(e) for e in range(-4, 1)]),
        decay: dict(tickvals=[-1, -2, -3], ticktext=["0.9", "0.99", "0.999"], autorange="reversed"),
    }
    return revised(sampling_figure(samples, ticks).to_dict(), "sampling")
