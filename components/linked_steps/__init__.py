"""A Plotly figure whose step markers follow the mouse: hover a step anywhere, every view shows it.

`st.plotly_chart` cannot run code on hover, so this component draws the figure itself with the
plotly.js that ships with plotly.py, served from a private folder next to `index.html`. Hovering
any point that carries its step as `customdata` (a path point on the map, a point of the LR or
loss curve), or dragging the step slider under the chart, moves every marker trace listed in
`markers` to that step with a single `Plotly.restyle`: the heads on the map and the dots on the
curves move together, both ways.
"""

import shutil
import tempfile
from pathlib import Path

import plotly
import plotly.graph_objects as go
import streamlit.components.v1 as components

HERE = Path(__file__).resolve().parent
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def _serving_folder() -> Path:
    """A folder holding index.html and plotly.js, refreshed when either changes."""
    folder = Path(tempfile.gettempdir()) / f"optiscape-linked-steps-{plotly.__version__}"
    folder.mkdir(exist_ok=True)
    for source in (HERE / "index.html", PLOTLY_JS):
        target = folder / source.name
        if not target.exists() or target.read_bytes() != source.read_bytes():
            partial = folder / f".{source.name}.partial"
            shutil.copyfile(source, partial)
            partial.replace(target)
    return folder


_component = components.declare_component("linked_steps", path=str(_serving_folder()))


def linked_steps(
    figure: go.Figure, markers: list[dict], steps: int, start_step: int = 0, key: str | None = None
) -> None:
    """Draw `figure`; markers = [{"trace": index, "x": [...], "y": [...]}] give each marker
    trace's position at every step 0…steps."""
    _component(
        figure=figure.to_json(),
        markers=markers,
        steps=int(steps),
        start_step=int(start_step),
        key=key,
        default=None,
    )
