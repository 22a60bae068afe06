"""Plotly figures redrawn in place: a rerun diffs each chart instead of mounting a new one.

`st.plotly_chart` mounts a new chart whenever its figure changes, so every slider move pays a
full `Plotly.newPlot` inside Streamlit's page, plus an invisible grid of points if clicks on
the map are to reach Python. This component keeps one frame with one chart per figure and hands
each changed figure to `Plotly.react`, which redraws only what changed; an unchanged figure is
not touched at all, and one whose traces' points alone changed (a new start on the race) has
only its traces redrawn (`components/move_points.js`). Figures travel as JSON bytes
(`figure_bytes`), encoded once and cached by the page, without what the browser has already
(`components.figure_payload`: the landscape image by address, the template's unused trace types
left out).

A figure whose `layout.meta.probe` is a coarse grid of the landscape ({"x": [...], "y": [...],
"f": rows}) gets a line under it that reads x, y and f (bilinear) under the mouse, and a click
on its plot area returns {"x", "y", "at"} in data coordinates as the component's value
(`st.session_state[key]`, with `on_change` called first). On a figure in select mode
(`dragmode="select"`), a dragged box returns {"box": {"x": [x0, x1], "y": [y0, y1]}, "at"}, in
data coordinates too.
"""

import functools
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import streamlit.components.v1 as components

from components import serving_folder
from components.figure_payload import payload

FOLDER = serving_folder(Path(__file__).with_name("index.html"))


@functools.cache
def _component():
    """Declared on first use, so that importing `figure_bytes` outside Streamlit stays quiet."""
    return components.declare_component("live_figures", path=str(FOLDER))


def figure_bytes(figure: go.Figure | dict, **config) -> bytes:
    """A figure (a go.Figure or a figure dict: data, layout, frames) and its Plotly `config` as
    JSON bytes."""
    spec = figure.to_dict() if isinstance(figure, go.Figure) else figure
    return pio.to_json(payload(spec, FOLDER) | {"config": config}, validate=False).encode()


def live_figures(
    figures: Sequence[bytes], key: str, on_change: Callable[[], None] | None = None
) -> None:
    """Draw `figures` (from `figure_bytes`) one under the other, in one frame.

    Streamlit re-sends a component's arguments only when their JSON part changes, so a checksum
    of each figure goes with the bytes; the frame redraws only figures whose checksum changed."""
    _component()(
        count=len(figures),
        checksums=[zlib.crc32(figure) for figure in figures],
        **{f"figure{i}": figure for i, figure in enumerate(figures)},
        key=key,
        on_change=on_change,
        default=None,
    )
