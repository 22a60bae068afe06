"""What the learning-rate lab shows under its title: the page's full run draws the headings and
notes, which no slider changes, with a box for each part that the page's fragment redraws (the
runs' caption and linked views, the warnings, the noise spread, the table,
the gradient norms and the LR range test), so a slider move redraws only those."""

from dataclasses import dataclass

import numpy as np
import streamlit as st

from ui import headings, lab_sections
from ui.cached import RANGE_RATES, background, run
from ui.lab_figures import range_figure
from ui.lab_frames import framed
from ui.lab_sections import GRADIENT_NOTE, GRADIENT_TITLE, SPREAD_NOTE, SPREAD_TITLE


@dataclass(frozen=True)
class Boxes:
    """Where the fragment draws: `views` (the caption, the linked views and a warning for each
    diverged run), `spread` (None without noise), `table`, `gradient` (None without clipping)
    and `range_test`; all but `views` None until the page's first screen is drawn."""

    views: object
    spread: object
    table: object
    gradient: object
    range_test: object


def lab_boxes(noise: float, schedules, clipping: bool, below: bool) -> Boxes:
    """Draw the lab's headings and notes and the schedules' formulas (`schedules`: each run's);
    return the boxes between them. What is below the views only if `below`
    (ui/first_screen.py)."""
    views = st.container()
    st.caption(
        "The dots mark where the runs end. Hover a path on the map or a point of the "
        "learning-rate or loss curve, drag the step slider or press Play: the dots on all three "
        "views follow."
    )
    if not below:
        return Boxes(views, None, None, None, None)
    spread = None
    if noise > 0:
        headings.subheader(SPREAD_TITLE)
        st.caption(SPREAD_NOTE)
        spread = st.container()
    lab_sections.schedule_formulas(schedules)
    headings.subheader("Each run in numbers")
    table = st.container()
    gradient = None
    if clipping:
        headings.subheader(GRADIENT_TITLE)
        st.caption(GRADIENT_NOTE)
        gradient = st.container()
    headings.subheader("LR range test")
    return Boxes(views, spread, table, gradient, st.container())


def below_the_views(boxes: Boxes, land, configs, labels: list[str]) -> None:
    """Everything under the linked views, for the runs `configs` named `labels`."""
    trajectories = [run(config) for config in configs]
    diverged_at = np.array([t.diverged_at[0, 0] for t in trajectories])
    with boxes.views:  # under the views; a box the fragment writes on every run, as it must
        for label, k in zip(labels, diverged_at, strict=True):
            if k >= 0:
                st.warning(f"{label} diverged at step {k}.", icon=":material/error:")
    if boxes.table is None:  # not drawn yet: the page's first screen is being drawn
        return
    if boxes.spread is not None:
        points = np.stack([t.points[0, 0] for t in trajectories])
        with boxes.spread:
            lab_sections.spread_chart(labels, points, diverged_at, land)
    minimum = background(land.key).minimum
    with boxes.table:
        lab_sections.table_section(labels, configs, trajectories, land, minimum)
    if boxes.gradient is not None:
        with boxes.gradient:
            lab_sections.gradient_norm_chart(labels, configs, trajectories, diverged_at)
    with boxes.range_test:
        st.caption(
            f"Run 1 ({labels[0]}) repeated for {RANGE_RATES} learning rates in one vectorised "
            "sweep, everything else unchanged: too small a rate barely moves, the best rates sit "
            "just below the edge where runs start to diverge."
        )
        framed(range_figure(configs[0]), "lab_range", "lab-range-test")
