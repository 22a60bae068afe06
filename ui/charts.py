"""How every page draws a Plotly chart: one Plotly config, larger in presentation mode, and
drawn once by plotly.js.

Three things Streamlit 1.67 does to a chart would each cost a second drawing or a second
validation, and `plotly_chart` takes them away (`live_chart` shares the first two):

- `st.plotly_chart` rebuilds a plain dict as a `go.Figure` to validate it (tens of ms a figure,
  more than building it), but takes a plotly figure's `to_dict()` as valid: `_Checked` passes
  for one and hands back the dict. The builders' tests validate their dicts with
  `go.Figure(spec)`.
- With its theme, Streamlit merges a template into the figure and calls Plotly.react a second
  time with a deep copy, which plotly.js takes for a new template: the figure goes without a
  template and with theme=None, its look written into it (ui.chart_look.flattened).
- plotly.js takes a copied data array for new data, unless the figure names its
  `layout.datarevision`; and it decodes a typed array (`{"dtype", "bdata"}`, what plotly.py
  makes of a NumPy array) anew on each Plotly.react. The figure gets a revision from its data,
  and its typed arrays go as lists.
"""

import base64
import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np
import streamlit as st
from plotly.basedatatypes import BaseFigure

from components.live_figures import figure_bytes, live_figures
from ui.chart_look import flattened
from ui.export import chart_config
from ui.lecture import PRESENT_FACTOR
from viz.present import enlarge, to_dict

IMAGE_FORMAT_KEY = "chart_image_format"


def presenting() -> bool:
    """Whether the link asks for presentation mode (`present=1`)."""
    return st.query_params.get("present") == "1"


class _Checked(BaseFigure):
    """A figure dict that `st.plotly_chart` takes as validated."""

    def __init__(self, spec: dict):
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


def _listed(value):
    """`value` with every typed-array spec `{"dtype", "bdata"[, "shape"]}` as a NumPy array
    (sent as a JSON list); what holds none is returned as it is."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
            shape = value.get("shape")
            if shape:
                array = array.reshape([int(n) for n in str(shape).split(",")])
            return array
        items = {key: _listed(item) for key, item in value.items()}
        changed = any(items[key] is not value[key] for key in value)
        return items if changed else value
    if isinstance(value, list | tuple):
        items = [_listed(item) for item in value]
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    return value


def revision(data: list) -> str:
    """A name for a figure's data: equal data, equal names."""
    return hashlib.blake2b(pickle.dumps(data, protocol=5), digest_size=12).hexdigest()


def drawn_once(figure) -> dict:
    """The figure (a go.Figure or a dict, not changed) as `plotly_chart` sends it: no template,
    typed arrays as lists, a `layout.datarevision` (its own, if it names one). Kept for the
    last KEPT_DRAWN figures: a cached figure, drawn again at each slider move, costs 2–6 ms of
    the script's run to flatten and name."""
    with _KEPT_LOCK:
        kept = _KEPT.get(id(figure))
        if kept is not None and kept[0] is figure:
            _KEPT.move_to_end(id(figure))
            return kept[1]
    spec = flattened(_listed(to_dict(figure)))
    if "datarevision" not in spec["layout"]:
        spec["layout"]["datarevision"] = revision(spec["data"])
    with _KEPT_LOCK:
        _KEPT[id(figure)] = (figure, spec)  # the figure too: its id stays its own while kept
        if len(_KEPT) > KEPT_DRAWN:
            _KEPT.popitem(last=False)
    return spec


KEPT_DRAWN = 64
_KEPT: OrderedDict[int, tuple[object, dict]] = OrderedDict()
_KEPT_LOCK = threading.Lock()


def _for_screen(figure, name: str) -> tuple[dict, dict]:
    """The figure drawn once (`drawn_once`), text, lines and markers 1.5× in presentation mode,
    and its Plotly config: a download button in the mode bar (PNG or SVG, as
    `image_format_choice` set it: a JSON config holds one image button)."""
    spec = drawn_once(figure)
    if presenting():
        spec = enlarge(spec, PRESENT_FACTOR)
    return spec, chart_config(name, st.session_state.get(IMAGE_FORMAT_KEY, "png"))


def plotly_chart(figure, container=None, name: str = "chart", **kwargs):
    """`st.plotly_chart` of a figure (a go.Figure or a dict, not changed: it may be cached),
    drawn once (`_for_screen`)."""
    spec, config = _for_screen(figure, name)
    return (container or st).plotly_chart(_Checked(spec), config=config, theme=None, **kwargs)


def live_chart(
    figure,
    key: str,
    container=None,
    name: str = "chart",
    on_select: Callable[[], None] | None = None,
) -> None:
    """A chart that a slider redraws again and again: kept in a live-figures frame
    (components.live_figures), where Plotly.react redraws only what changed. `st.plotly_chart`
    mounts a new chart for every new figure (Plotly.newPlot: layout, axes and legend drawn
    afresh). Same look and mode bar as `plotly_chart`, without Streamlit's fullscreen button.
    A figure in select mode: a dragged box is `st.session_state[key]["box"]`, after `on_select`
    is called."""
    live_charts([(figure, name)], key, container, on_select)


def live_charts(
    named: Sequence[tuple],
    key: str,
    container=None,
    on_select: Callable[[], None] | None = None,
) -> None:
    """`live_chart` for several (figure, name) pairs, one under the other in one frame: one
    element of the page, where every element costs the browser a render on each script run."""
    drawn = [_for_screen(figure, name) for figure, name in named]
    with container or st.container():
        live_figures(
            [figure_bytes(spec, **config) for spec, config in drawn], key=key, on_change=on_select
        )


def image_format_choice(container) -> None:
    """Which format the charts' camera buttons download (the race's map and curves offer both)."""
    container.radio(
        "Charts download as",
        ["png", "svg"],
        key=IMAGE_FORMAT_KEY,
        horizontal=True,
        format_func=str.upper,
    )
