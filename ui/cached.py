"""Cached engine calls and figures shared by the pages, keyed on the configs themselves.

Configs are frozen and hashable; Streamlit's caches key them by `repr`, which spells out every
field, so any session reuses a run another session already made.
"""

import numpy as np
import streamlit as st

import landscapes
from components.live_figures import figure_bytes
from networks.train import TrainConfig, decision_field, train
from optimizers import CATALOG as OPTIMIZERS
from optimizers.analysis import basins_grid
from optimizers.run_config import RunConfig
from optimizers.simulate import Trajectory, simulate, sweep
from ui.charts import presenting
from ui.export import chart_config
from ui.lecture import PRESENT_FACTOR
from ui.race_figures import curves_view, inspector_view, landscape_grid, race_view, surface_view
from viz import Grid
from viz.present import enlarge, to_dict

BY_CONFIG = {RunConfig: repr}
RANGE_RATES = 300
MAP_CHECKPOINTS = 20

# The live-figures charts: each view's builder and Plotly config, cached as the JSON bytes the
# component receives, encoded once per run.
CHARTS = {
    "race": (race_view, chart_config("race")),
    "curves": (curves_view, chart_config("curves")),
    "surface": (surface_view, chart_config("surface")),
}


@st.cache_data(max_entries=64, show_spinner=False)
def background(landscape_key: str) -> Grid:
    return landscape_grid(landscapes.lookup(landscape_key))


@st.cache_data(max_entries=128, show_spinner=False, hash_funcs=BY_CONFIG)
def run(config: RunConfig) -> Trajectory:
    return simulate(config)


@st.cache_resource(max_entries=80, show_spinner=False, hash_funcs=BY_CONFIG)
def chart_for(view: str, config: RunConfig, present: bool) -> bytes:
    build, plotly_config = CHARTS[view]
    figure = build(config, run(config), background(config.landscape))
    return figure_bytes(
        enlarge(to_dict(figure), PRESENT_FACTOR) if present else figure, **plotly_config
    )


def chart(view: str, config: RunConfig) -> bytes:
    """A live-figures chart of a config as the component's JSON bytes, cached per run (and
    enlarged in presentation mode)."""
    return chart_for(view, config, presenting())


# Cached as an object (cache_resource): unpickling a go.Figure from cache_data re-runs Plotly's
# validation, which costs nearly as much as building it.
@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=BY_CONFIG)
def inspector(config: RunConfig, k: int):
    return inspector_view(config, run(config), background(config.landscape), k)


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=BY_CONFIG)
def basins(config: RunConfig, slot: int, resolution: int):
    return basins_grid(config, slot, resolution)


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_CONFIG)
def range_test(config: RunConfig):
    """RANGE_RATES log-spaced rates over the rate slider's range, the final loss of each and
    whether it diverged."""
    rate = OPTIMIZERS[config.optimizers[0][0]].hyperparam("learning_rate")
    rates = np.geomspace(rate.min, rate.max, RANGE_RATES)
    result = sweep(config, {"learning_rate": rates})
    return rates, result.final_loss, result.diverged_at >= 0


@st.cache_resource(max_entries=16, show_spinner=False, hash_funcs={TrainConfig: repr})
def trained_network(config: TrainConfig):
    """The network page's training: its history, the checkpoints chosen for the prediction maps
    (at most MAP_CHECKPOINTS, evenly spread) and the maps at them."""
    history = train(config)
    every = len(history.checkpoint_steps)
    chosen = np.unique(np.linspace(0, every - 1, min(every, MAP_CHECKPOINTS)).round().astype(int))
    return history, chosen, decision_field(config, history, chosen)
