"""OptiScape's server: `streamlit run app.py` serves the pages (navigation.py) and, before it
answers its first visitor, compiles and computes every page's default picture (ui.warm_up)."""

import streamlit as st

from ui.warm_up import lifespan

app = st.App("navigation.py", lifespan=lifespan)
