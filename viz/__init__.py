"""Plotly figure builders. They take NumPy arrays and records, never JAX or Streamlit."""

from viz.background import Grid
from viz.palette import colour, optimizer_styles
from viz.panels import (
    basins_figure,
    curves_figure,
    inspector_figure,
    inspector_rows,
    surface_figure,
)
from viz.race import race_figure

__all__ = [
    "Grid",
    "basins_figure",
    "colour",
    "curves_figure",
    "inspector_figure",
    "inspector_rows",
    "optimizer_styles",
    "race_figure",
    "surface_figure",
]
