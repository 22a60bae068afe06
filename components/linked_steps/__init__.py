"""A Plotly figure whose step markers follow the mouse: hover a step anywhere, every view shows it.

`st.plotly_chart` cannot run code on hover, so this component draws the figure itself with the
plotly.js that ships with plotly.py (see `components.serving_folder`). Hovering a point of any
line named in `markers` (a path on the map, an LR or loss curve: the point's index is its step),
or dragging the step slider under the chart, moves every marker trace to that step with a single
`Plotly.restyle`: the heads on the map and the dots on the curves move together, both ways. A
Play button walks the steps from 0 to the end.

`figure_frame` draws a figure without steps in such a frame, for a chart redrawn on every slider
move: Plotly updates it in place, where `st.plotly_chart` builds a new chart for each change.
Each frame loads plotly.js when it first needs it: linked views at once, a figure on its own
once its frame comes near the screen (or two seconds later), so that the first picture does not
wait for several frames to parse it.

The figure's `layout.meta.linked_layout` ({"aspect": the map's height / width, "curves": the
curves' height in px}) lets the component size the views to its width: the map keeps equal
scales and uses the width up to a screen's height, with the curves under it, or beside it when
the width left over holds them.

What a slider move re-sends is only what changed: a marker's positions are read from its line
in the browser (not sent twice), and an image in the layout given as a data URL (the landscape
under the map, the same for every rate and start) is stored once in the component's folder and
sent as its address, which the browser fetches once and keeps. A figure whose traces' points
alone changed (a new start, same names and axes) has only its traces redrawn
(`components/move_points.js`). One marker trace per view holds
every run's marker, so a change or a scrub has few traces to restyle.
"""

import json
from pathlib import Path

import streamlit.components.v1 as components

from components import serving_folder
from components.figure_payload import payload

FOLDER = serving_folder(Path(__file__).with_name("index.html"))
_component = components.declare_component("linked_steps", path=str(FOLDER))


def figure_json(figure: dict) -> str:
    """The figure dict as the component's JSON, without what the browser has already
    (`components.figure_payload`: layout images by address, the template's unused trace types
    left out)."""
    return json.dumps(payload(figure, FOLDER), ensure_ascii=False, separators=(",", ":"))


def linked_steps(
    figure: str,
    markers: list[dict],
    steps: int,
    start_step: int | None = None,
    key: str | None = None,
    config: dict | None = None,
    scale: float = 1.0,
) -> None:
    """Draw `figure` (from `figure_json`); markers = [{"trace": index, "lines": [index, …]}]
    give each marker trace's points at step k: point i is at point k of line i (a shorter line
    keeps it at its last point, and a line hidden in the legend hides it), for k = 0 … steps.
    The figure draws the markers at their lines' last points, where they are at the last step;
    they start at `start_step`, by default that last step. `config` is the Plotly config
    (`ui.export.chart_config` for the download buttons); `scale` sizes the Play button, the
    step label and the step slider (presentation mode enlarges them with the figure)."""
    _component(
        figure=figure,
        config=config,
        markers=markers,
        steps=int(steps),
        start_step=int(steps if start_step is None else start_step),
        scale=float(scale),
        key=key,
        default=None,
    )


def figure_frame(figure: str, key: str, config: dict | None = None) -> None:
    """Draw `figure` (from `figure_json`) on its own, without steps, in a frame that stays
    between reruns: a changed figure is redrawn in place (`Plotly.react`), where `st.plotly_chart`
    builds a new chart for every change, and an unchanged one is left as it is."""
    _component(
        figure=figure, config=config, markers=[], steps=None, start_step=None, key=key, default=None
    )
