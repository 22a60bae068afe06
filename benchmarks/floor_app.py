"""The floor of issue 13: the quickest a Streamlit page can answer a slider here.

A bare page with one slider and one small Plotly chart (50 points) redrawn from the slider's value
by `st.plotly_chart`. `python -m benchmarks.floor` serves it beside the real app and measures both
the same way; every slider of the app is judged by its ratio to this page.

    streamlit run benchmarks/floor_app.py
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

POINTS = 50

phase = st.slider("phase", 0, 100, 0, key="floor")
x = np.linspace(0.0, 2.0 * np.pi, POINTS)
figure = go.Figure(go.Scatter(x=x, y=np.sin(x + phase / 10.0), mode="lines+markers"))
figure.update_layout(height=300, margin=dict(l=40, r=10, t=10, b=30))
st.plotly_chart(figure, config={"displayModeBar": False})
