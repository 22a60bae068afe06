"""The search page's engine calls, cached on its `SearchConfig` (and the parts each depends on,
so that moving the budget does not recompute the response surface)."""

from dataclasses import replace

import numpy as np
import streamlit as st

from optimizers.run_config import RunConfig
from optimizers.search import (
    coarse_to_fine,
    grid_points,
    objective,
    random_points,
    search_race,
    surface,
)
from optimizers.search_config import SearchConfig
from ui.controls import start_step

SURFACE_SIZE = 100
RACE_SEEDS = 200
START_DIGITS = 9
BY_CONFIG = {RunConfig: repr, SearchConfig: repr}


def rounded_start(start: tuple[float, float]) -> tuple[float, float]:
    """A start to START_DIGITS decimals, so that a slider's -2.9699999999999998 and the step
    worked out ahead, -2.97, name the same runs."""
    return round(float(start[0]), START_DIGITS), round(float(start[1]), START_DIGITS)


def next_start(search: SearchConfig, domain, previous_x: float | None) -> SearchConfig | None:
    """The search from one start-x slider step (`ui.controls.start_step`) further in the
    direction the slider last moved from `previous_x` (rightwards before it has moved), or None
    beyond the domain's edge."""
    (x0, x1), _ = domain
    x, y = search.run.starts[0]
    step = start_step(x0, x1) * (-1 if previous_x is not None and previous_x > x else 1)
    ahead = rounded_start((x + step, y))
    if not x0 <= ahead[0] <= x1:
        return None
    return replace(search, run=replace(search.run, starts=(ahead,)))


def unzoomed(search: SearchConfig) -> SearchConfig:
    """The search without its coarse-to-fine rounds: all that the surface, trials and race
    depend on."""
    return SearchConfig(search.run, search.x, search.y, search.budget, search.kind)


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_CONFIG)
def _surface(run: RunConfig, x: str, y: str, kind: str):
    search = SearchConfig(run, x, y, kind=kind)
    return surface(run, *search.axes, SURFACE_SIZE, kind)


def response_surface(search: SearchConfig):
    """The SURFACE_SIZE² response surface of the searched pair (independent of the budget)."""
    return _surface(search.run, search.x, search.y, search.kind)


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_CONFIG)
def _trials(search: SearchConfig):
    x, y = search.axes
    grid = grid_points(x, y, search.budget)
    random = random_points(x, y, search.budget, np.random.default_rng(search.run.seed))
    grid_loss, _ = objective(search.run, x, y, grid, search.kind)
    random_loss, _ = objective(search.run, x, y, random, search.kind)
    return grid, grid_loss, random, random_loss


def trials(search: SearchConfig):
    """A grid search and a random search with the same budget: points and losses of each."""
    return _trials(unzoomed(search))


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=BY_CONFIG)
def _race(search: SearchConfig):
    x, y = search.axes
    return search_race(search.run, x, y, search.budget, RACE_SEEDS, search.kind, search.run.seed)


def race(search: SearchConfig):
    """The best loss after n trials over RACE_SEEDS seeds, for grid and random searches."""
    return _race(unzoomed(search))


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=BY_CONFIG)
def rounds(search: SearchConfig):
    """The coarse-to-fine rounds: one, and one more per zoom box."""
    x, y = search.axes
    return coarse_to_fine(
        search.run, x, y, search.budget, len(search.zoom) + 1, search.run.seed, search.kind,
        list(search.zoom),
    )  # fmt: skip
