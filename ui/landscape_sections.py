"""The loss landscape page below its slices: the path on its plane (when the view is a plane),
two lines through the landscape, the training loss in 3-D and the numbers; the same at every
span, so drawn by the page's full runs only."""

import streamlit as st

from ui import headings
from ui.charts import live_chart
from ui.landscape_numbers import lines_rows
from ui.loss_landscape_view import SURFACE_SPAN, LandscapeConfig
from ui.tables import static_table


def below_the_slices(config: LandscapeConfig, shown):
    """Draw the sections under the slices of `config` (`shown`: its pictures); return the box
    beside the lines' numbers, where the span's fragment writes the roughness."""
    result = shown.result
    plane = config.view != "random"
    if plane:
        paths = [path for picture in result.pictures for path in picture.paths]
        headings.subheader("The path on its plane, and what the plane hides")
        early = max(float(p.off_plane[: max(2, len(p.off_plane) // 10)].max()) for p in paths)
        st.warning(
            "A path lives in all the network's parameters; the plane shows two directions of them. "
            f"The first checkpoints lie partly off the plane (up to {early:.0%} of their distance "
            "from the plane's origin here), so the projected path crosses contours that are not "
            "its loss: compare the loss the run had (solid) with the loss under its dot (dotted).",
            icon=":material/layers:",
        )
        live_chart(shown.figures["land.paths"], "land.paths")
        if config.view == "pca":
            shares = ", ".join(
                f"{p.name}: {p.explained[0]:.0%} + {p.explained[1]:.0%}" for p in result.pictures
            )
            st.caption(f"Share of the path's squared distance to θ along e₁ and e₂: {shares}.")

    headings.subheader("Two lines through the landscape")
    live_chart(shown.figures["land.lines"], "land.lines")
    st.caption(
        "Left: along the first random direction d₁ through each trained θ, α ∈ [−1, 1] whatever "
        "the span above; the basin width is the length of the α-interval around θ where L stays "
        "below twice its value at θ (Keskar et al. 2017: large batches find sharper minima). "
        "Right: the straight segment from the initialization (α = 0) to the trained network "
        "(α = 1) and beyond (Goodfellow et al. 2015)."
    )
    headings.subheader("The training loss in 3-D")
    live_chart(shown.figures["land.surfaces"], "land.surfaces")
    st.caption(
        f"At span {SURFACE_SPAN:g} whatever the span above: "
        + (
            "the plane around the paths."
            if plane
            else f"a, b ∈ [−{SURFACE_SPAN:g}, {SURFACE_SPAN:g}], Li et al.'s window."
        )
    )
    headings.subheader("In numbers")
    left, right = st.columns(2)
    static_table(lines_rows(result), left)
    return right
