"""How every page draws a Plotly chart: one Plotly config, and larger in presentation mode."""

import plotly.graph_objects as go
import streamlit as st

from ui.export import chart_config
from ui.lecture import PRESENT_FACTOR
from viz.present import enlarge, to_dict

IMAGE_FORMAT_KEY = "chart_image_format"


def presenting() -> bool:
    """Whether the link asks for presentation mode (`present=1`)."""
    return st.query_params.get("present") == "1"


def for_screen(figure: go.Figure | dict) -> go.Figure | dict:
    """The figure as the screen needs it: text, lines and markers 1.5× in presentation mode."""
    return enlarge(to_dict(figure), PRESENT_FACTOR) if presenting() else figure


def plotly_chart(figure: go.Figure | dict, container=None, name: str = "chart", **kwargs):
    """`st.plotly_chart` sized for the screen, with a download button in the chart's mode bar
    (PNG or SVG, as `image_format_choice` set it: a JSON config holds one image button)."""
    config = chart_config(name, st.session_state.get(IMAGE_FORMAT_KEY, "png"))
    return (container or st).plotly_chart(for_screen(figure), config=config, **kwargs)


def image_format_choice(container) -> None:
    """Which format the charts' camera buttons download (the race's map and curves offer both)."""
    container.radio(
        "Charts download as",
        ["png", "svg"],
        key=IMAGE_FORMAT_KEY,
        horizontal=True,
        format_func=str.upper,
    )
