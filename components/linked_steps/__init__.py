"""A Plotly figure whose step markers follow the mouse: hover a step anywhere, every view shows it.

`st.plotly_chart` cannot run code on hover, so this component draws the figure itself with the
plotly.js that ships with plotly.py (see `components.serving_folder`). Hovering
any point that carries its step as `customdata` (a path point on the map, a point of the LR or
loss curve), or dragging the step slider under the chart, moves every marker trace listed in
`markers` to that step with a single `Plotly.restyle`: the heads on the map and the dots on the
curves move together, both ways. A Play button walks the steps from 0 to the end.

The figure's `layout.meta.linked_layout` ({"aspect": the map's height / width, "curves": the
curves' height in px}) lets the component size the views to the width it is given: the map
keeps equal scales and uses the width up to a screen's height, with the curves under it, or
beside it when the width left over holds them.
"""

from pathlib import Path

import plotly.graph_objects as go
import streamlit.components.v1 as components

from components import serving_folder

_component = components.declare_component(
    "linked_steps", path=str(serving_folder(Path(__file__).with_name("index.html")))
)


def linked_steps(
    figure: go.Figure,
    markers: list[dict],
    steps: int,
    start_step: int | None = None,
    key: str | None = None,
    config: dict | None = None,
) -> None:
    """Draw `figure`; markers = [{"trace": index, "x": [...], "y": [...]}] give each marker
    trace's position at every step 0…steps (a shorter list stays at its last position). The
    markers start at `start_step`, by default the last step: where the runs end. `config` is
    the Plotly config (`ui.export.chart_config` for the download buttons)."""
    _component(
        figure=figure.to_json(),
        config=config,
        markers=markers,
        steps=int(steps),
        start_step=int(steps if start_step is None else start_step),
        key=key,
        default=None,
    )
