"""What the learning-rate lab shows under its linked views, redrawn with them by the page's
fragment: divergence warnings, the noise spread, the schedules, the table, the gradient norms
and the LR range test."""

import numpy as np
import streamlit as st

from ui import lab_sections
from ui.cached import RANGE_RATES, background, run
from ui.lab_figures import range_figure
from ui.lab_frames import framed


def below_the_views(boxes, land, configs, labels: list[str], noise: float) -> None:
    """Everything under the linked views, for the runs `configs` named `labels`: in the first
    box, the warnings and the noise spread; beside the schedules' formulas (`boxes[1]`, from
    `lab_sections.schedule_formulas`), their runs; in the last box, the rest."""
    trajectories = [run(config) for config in configs]
    diverged_at = np.array([t.diverged_at[0, 0] for t in trajectories])
    with boxes[0]:
        for label, k in zip(labels, diverged_at, strict=True):
            if k >= 0:
                st.warning(f"{label} diverged at step {k}.", icon=":material/error:")
        if noise > 0:
            points = np.stack([t.points[0, 0] for t in trajectories])
            lab_sections.spread_section(labels, points, diverged_at, land)
    lab_sections.schedule_names(boxes[1], labels, configs)
    with boxes[2]:
        _numbers(land, configs, labels, trajectories, diverged_at)


def _numbers(land, configs, labels, trajectories, diverged_at) -> None:
    st.subheader("Each run in numbers")
    lab_sections.table_section(labels, configs, trajectories, land, background(land.key).minimum)
    if any(c.clip_norm is not None for c in configs):
        lab_sections.gradient_norm_section(labels, configs, trajectories, diverged_at)

    st.subheader("LR range test")
    st.caption(
        f"Run 1 ({labels[0]}) repeated for {RANGE_RATES} learning rates in one vectorised sweep, "
        "everything else unchanged: too small a rate barely moves, the best rates sit just below "
        "the edge where runs start to diverge."
    )
    framed(range_figure(configs[0]), "lab_range", "lab-range-test")
