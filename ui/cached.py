"""Cached engine calls shared by the pages (keyed by strings, so any session can reuse them)."""

import streamlit as st

import landscapes
from optimizers.run_config import RunConfig
from optimizers.simulate import Trajectory, simulate
from ui.race_figures import landscape_grid
from viz import Grid


@st.cache_data(max_entries=64, show_spinner=False)
def background(landscape_key: str) -> Grid:
    return landscape_grid(landscapes.lookup(landscape_key))


@st.cache_data(max_entries=128, show_spinner=False)
def run(query: tuple[tuple[str, str], ...]) -> Trajectory:
    """simulate() of the config a sorted query describes."""
    return simulate(RunConfig.from_query(dict(query)))
