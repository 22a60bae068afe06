"""The learning-rate lab's charts that change on every slider move, each in a frame of its own.

`st.plotly_chart` builds a new chart (a new Plotly plot) whenever a figure changes, about
100 ms in the browser for the lab's small bar chart; `components.linked_steps.figure_frame`
keeps one plot per chart and lets Plotly update it in place. Like `ui.charts.plotly_chart`, the
charts are larger in presentation mode and their mode bar downloads the image format chosen in
the sidebar (and SVG).
"""

import streamlit as st

from components.linked_steps import figure_frame, figure_json
from ui.charts import IMAGE_FORMAT_KEY, presenting
from ui.export import chart_config
from ui.lecture import PRESENT_FACTOR
from viz.present import enlarge


def framed(spec: dict, key: str, name: str) -> None:
    """Draw the figure dict `spec` (left unchanged: it may be cached) in the frame `key`; its
    downloads are named `name`."""
    figure = enlarge(spec, PRESENT_FACTOR) if presenting() else spec
    config = chart_config(name, st.session_state.get(IMAGE_FORMAT_KEY, "png"))
    figure_frame(figure_json(figure), key=key, config=config)
