"""`st.plotly_chart` of a figure dict as it is, for the pages whose builders make dicts (Adam's
weaknesses, the network, the loss landscape, initialization and normalization).

`st.plotly_chart` rebuilds a plain dict as a `go.Figure` to validate it (tens of ms a figure, more
than building it), but takes a plotly figure's `to_dict()` as valid: `_Checked` passes for one and
hands back the dict. The builders' tests validate their dicts with `go.Figure(spec)`.
"""

import streamlit as st
from plotly.basedatatypes import BaseFigure

from ui.charts import IMAGE_FORMAT_KEY, presenting
from ui.export import chart_config
from ui.lecture import PRESENT_FACTOR
from viz.present import enlarge


class _Checked(BaseFigure):
    """A figure dict that `st.plotly_chart` takes as validated."""

    def __init__(self, spec: dict):
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


def show_dict(spec: dict, container=None, name: str = "chart", **kwargs):
    """`ui.charts.plotly_chart` for a figure dict: the mode bar's image format, larger in
    presentation mode, and no second validation. The dict is not changed (it may be cached)."""
    config = chart_config(name, st.session_state.get(IMAGE_FORMAT_KEY, "png"))
    figure = enlarge(spec, PRESENT_FACTOR) if presenting() else spec
    return (container or st).plotly_chart(_Checked(figure), config=config, **kwargs)
