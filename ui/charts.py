"""How every page draws a Plotly chart: one Plotly config, and larger in presentation mode."""

import plotly.graph_objects as go
import streamlit as st

from ui.lecture import PRESENT_FACTOR
from viz.present import enlarge, to_dict

PLAIN = {"displayModeBar": False}


def presenting() -> bool:
    """Whether the link asks for presentation mode (`present=1`)."""
    return st.query_params.get("present") == "1"


def for_screen(figure: go.Figure | dict) -> go.Figure | dict:
    """The figure as the screen needs it: text, lines and markers 1.5× in presentation mode."""
    return enlarge(to_dict(figure), PRESENT_FACTOR) if presenting() else figure


def plotly_chart(figure: go.Figure | dict, container=None, **kwargs):
    """`st.plotly_chart` with the app's config, sized for the screen."""
    return (container or st).plotly_chart(for_screen(figure), config=PLAIN, **kwargs)
