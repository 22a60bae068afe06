"""Cached engine calls shared by the pages (keyed by strings, so any session can reuse them)."""

import streamlit as st

import landscapes
from landscapes.grid import evaluate_grid
from optimizers.run_config import RunConfig
from optimizers.simulate import Trajectory, simulate
from viz import Grid

GRID_RESOLUTION = 160


@st.cache_data(max_entries=64, show_spinner=False)
def background(landscape_key: str) -> Grid:
    """The landscape on a grid, with its lowest known value as the floor of the bands."""
    land = landscapes.lookup(landscape_key)
    xs, ys, values = evaluate_grid(land, GRID_RESOLUTION)
    floor = min([f for _, f in land.minima] + [float(values.min())])
    return Grid(xs=xs, ys=ys, values=values, log_levels=land.log_levels, minimum=floor)


@st.cache_data(max_entries=128, show_spinner=False)
def run(query: tuple[tuple[str, str], ...]) -> Trajectory:
    """simulate() of the config a sorted query describes."""
    return simulate(RunConfig.from_query(dict(query)))
