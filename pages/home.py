"""Landing page: what OptiScape is and which landscapes it knows."""

import streamlit as st

from landscapes import CATALOG

st.title("OptiScape")
st.markdown(
    "Watch optimizers move on 2-D loss landscapes. Pick a function, start a few optimizers "
    "from the same point and see why momentum overshoots, why Adam copes with ravines and "
    "why a too-large learning rate diverges."
)

st.subheader("Landscapes")
for landscape in CATALOG.values():
    st.markdown(f"**{landscape.name}**: {landscape.lesson}")
    st.latex(landscape.latex)
