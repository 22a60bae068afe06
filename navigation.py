"""OptiScape's pages: page config and navigation (app.py serves this script). Pages live in
pages/ and do the work."""

import streamlit as st

from ui.warm_up import enable_once

st.set_page_config(page_title="OptiScape", page_icon="⛰️", layout="wide")
enable_once()  # the compilation cache also when a test runs this script without app.py

# st.navigation makes Streamlit ignore the pages/ directory's auto-discovery: the sidebar
# shows exactly the pages listed here.
page = st.navigation(
    [
        st.Page("pages/race.py", title="Optimizer race", icon=":material/sprint:", default=True),
        st.Page("pages/learning_rate.py", title="Learning-rate lab", icon=":material/speed:"),
        st.Page("pages/search.py", title="Hyperparameter search", icon=":material/grid_on:"),
        st.Page("pages/adam_pitfalls.py", title="Adam's weaknesses", icon=":material/warning:"),
        st.Page("pages/network.py", title="Train a network", icon=":material/hub:"),
        st.Page("pages/loss_landscape.py", title="Loss landscape", icon=":material/landscape:"),
        st.Page(
            "pages/init_norm.py",
            title="Initialization and normalization",
            icon=":material/stacked_bar_chart:",
        ),
    ]
)
page.run()
