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
from optimizers.search_config import BUDGETS, SearchConfig
from ui.controls import start_ahead

SURFACE_SIZE = 100
RACE_SEEDS = 200
BY_CONFIG = {RunConfig: repr, SearchConfig: repr}


def next_start(search: SearchConfig, domain, previous_x: float | None) -> SearchConfig | None:
    """The search from the start one slider step on (`ui.controls.start_ahead`), or None beyond
    the domain's edge."""
    ahead = start_ahead(search.run.starts[0], domain, previous_x)
    return None if ahead is None else replace(search, run=replace(search.run, starts=(ahead,)))


def next_budget(search: SearchConfig, previous: int | None) -> SearchConfig | None:
    """The search with the budget one option further the way it last moved (from `previous`):
    None when it did not move, or at the end of BUDGETS."""
    if previous is None or previous == search.budget:
        return None
    i = BUDGETS.index(search.budget) + (1 if search.budget > previous else -1)
    return replace(search, budget=BUDGETS[i]) if 0 <= i < len(BUDGETS) else None


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
