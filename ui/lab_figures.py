"""The learning-rate lab's figures, each built once per set of inputs and shared by every session.

The linked views and the LR range test are kept keyed on the configs that make them (Streamlit's
caches key a RunConfig by its `repr`, which spells out every field), so a slider moved back to a
value seen before costs no building, and the range test, which sweeps run 1's rate, is the same
figure for every rate of run 1: it changes with the start, the schedule, … but not the rate.

The next step of the slider moved last (the start, or a run's rate) is built ahead
(`prepare_next`) on the server's one lab worker while the class looks at the current one: its
runs, linked views and range test are in these caches when the slider gets there.
"""

from dataclasses import replace

import numpy as np
import streamlit as st

import landscapes
from components.linked_steps import figure_json
from optimizers import CATALOG as OPTIMIZERS
from optimizers.analysis import divergence_edge, regions
from optimizers.params import Params
from optimizers.run_config import RunConfig
from optimizers.schedules import CATALOG as SCHEDULES
from ui.ahead import SETTLE, Ahead, in_this_run
from ui.cached import background, range_test, run
from ui.controls import start_ahead
from ui.lab_sections import map_names
from ui.labels import run_labels
from ui.lecture import PRESENT_FACTOR
from ui.sliders import next_option
from viz.lr_lab import linked_figure, lr_range_figure
from viz.present import enlarge

BY_CONFIG = {RunConfig: repr}
AHEAD_KEPT = 16
_AHEAD = Ahead(AHEAD_KEPT, "lab-ahead")


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=BY_CONFIG)
def linked(
    configs: tuple[RunConfig, ...], labels: tuple[str, ...], present: bool = False
) -> tuple[str, list[dict]]:
    """The linked views of the runs as the component's JSON (enlarged for presentation mode
    when `present`), and its markers."""
    land = landscapes.lookup(configs[0].landscape)
    trajectories = [run(config) for config in configs]
    figure, markers = linked_figure(
        background(land.key),
        list(labels),
        np.stack([t.points[0, 0] for t in trajectories]),
        np.stack([t.loss[0, 0] for t in trajectories]),
        np.stack([t.lr[0] for t in trajectories]),
        np.array([t.diverged_at[0, 0] for t in trajectories]),
        [p for p, _ in land.minima],
        land.domain,
        map_names(land, trajectories),
    )
    return figure_json(enlarge(figure, PRESENT_FACTOR) if present else figure), markers


def range_config(config: RunConfig) -> RunConfig:
    """The config with its rate at the optimizer's default: the range test sweeps the rate, so
    it is the same for every rate of the config, and one cache entry serves them all."""
    key, hp = config.optimizers[0]
    default = OPTIMIZERS[key].hyperparam("learning_rate").default
    return replace(config, optimizers=((key, Params(dict(hp) | {"learning_rate": default})),))


def range_title(config: RunConfig) -> str:
    """What the range test holds fixed: run 1's method and schedule, and the steps."""
    schedule = SCHEDULES[config.schedule[0]].name.lower() if config.schedule else "constant rate"
    name = OPTIMIZERS[config.optimizers[0][0]].name
    return f"Run 1 ({name}, {schedule}): final f − f* after {config.steps} steps"


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=BY_CONFIG)
def _range_figure(config: RunConfig) -> dict:  # a shared dict: never changed
    rates, final_loss, diverged = range_test(config)
    gap = final_loss - background(config.landscape).minimum
    edge = divergence_edge(rates, diverged)
    return lr_range_figure(
        rates, gap, diverged, regions(rates, gap, diverged), edge, range_title(config)
    )


def range_figure(config: RunConfig) -> dict:
    """The LR range test of run 1 (`config`): final f − f* for each rate of the rate slider."""
    return _range_figure(range_config(config))


def _rate_moved(config: RunConfig, before: RunConfig) -> bool:
    """Whether only the learning rate of the run's optimizer differs between the two."""
    (key, hp), (key_before, hp_before) = config.optimizers[0], before.optimizers[0]
    same_rest = replace(config, optimizers=before.optimizers) == before and key == key_before
    rest = {k: v for k, v in hp.items() if k != "learning_rate"}
    return same_rest and rest == {k: v for k, v in hp_before.items() if k != "learning_rate"}


def next_configs(configs, previous, domain) -> tuple[RunConfig, ...] | None:
    """The runs one slider step further the way the last move went (`previous`: the runs
    before it, None at first): run i's learning rate one option on (`ui.sliders.next_option`)
    when only that moved, else the start one step on (`ui.controls.start_ahead`; rightwards at
    first); None past a slider's end."""
    moved = []
    if previous and len(previous) == len(configs):
        moved = [i for i, (a, b) in enumerate(zip(configs, previous, strict=True)) if a != b]
    if len(moved) == 1:
        i = moved[0]
        if _rate_moved(configs[i], previous[i]):
            key, hp = configs[i].optimizers[0]
            rate, before = hp["learning_rate"], previous[i].optimizers[0][1]["learning_rate"]
            rate_spec = OPTIMIZERS[key].hyperparam("learning_rate")
            ahead = next_option(rate_spec, rate, up=rate > before)
            if ahead is None:
                return None
            slot = ((key, Params(dict(hp) | {"learning_rate": ahead})),)
            return (*configs[:i], replace(configs[i], optimizers=slot), *configs[i + 1 :])
    start = configs[0].starts[0]
    ahead = start_ahead(start, domain, previous[0].starts[0][0] if previous else None)
    return None if ahead is None else tuple(replace(c, starts=(ahead,)) for c in configs)


def prepare_next(configs: tuple[RunConfig, ...], previous, domain, present: bool) -> None:
    """The runs one slider step on (`next_configs`): their linked views (under the labels they
    will have, no lesson's) and run 1's range test, built on the worker into the caches, unless
    it is busy or did them already."""
    moved = next_configs(configs, previous, domain)
    if moved is None:
        return

    def build() -> None:
        linked(moved, tuple(run_labels(moved)), present)
        range_figure(moved[0])

    _AHEAD.prepare(repr(moved), in_this_run(build), SETTLE)
