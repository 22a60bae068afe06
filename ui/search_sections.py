"""Sections of the search page: the response surface and the race (the budget's and the
start's), sampling on the right scale (no run), coarse to fine, and turning a box dragged on
the rounds chart into the next round's region."""

import functools
from dataclasses import dataclass

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from optimizers.search_config import MAX_ROUNDS, SearchConfig
from ui import headings
from ui.charts import live_chart, plotly_chart
from ui.search_charts import (
    charts_as_ready,
    rounds_chart,
    sampling_chart,
)
from ui.search_runs import RACE_SEEDS, SURFACE_SIZE, rounds, trials
from viz.search import number, symbol

MIN_BOX = 1e-3
ss = st.session_state


@dataclass(frozen=True)
class Boxes:
    """Where the outputs of the budget and the start go, between the texts that stay; `race`
    and `rounds` None until the page's first screen is drawn (ui/first_screen.py)."""

    surface: DeltaGenerator
    race: DeltaGenerator
    rounds: DeltaGenerator


def page_layout(below: bool) -> Boxes:
    """The main column in its order: a box for each output the budget and the start change,
    and between them the texts and the sampling section that no slider changes (drawn once per
    full run, so that a fragment rerun does not redraw them); below the response surface only
    if `below`."""
    surface = st.container()
    st.caption(
        f"The response surface: {SURFACE_SIZE} × {SURFACE_SIZE} = {SURFACE_SIZE**2:,} real runs "
        "in one vectorised sweep; grey: the run diverged. Squares: the grid search; circles: the "
        "random search with the same budget; stars: the best trial of each. Above and to the "
        "right, each trial is projected onto one axis, on top of the best value reachable along "
        "it (grey line)."
    )
    if not below:
        return Boxes(surface, None, None)
    headings.subheader("Best found after n trials")
    st.caption(
        f"Geometric mean over {RACE_SEEDS} seeds (each seed: the grid in a random order, fresh "
        "random draws); the band is the middle half of the seeds."
    )
    race = st.container()
    sampling_section()
    headings.subheader("Coarse to fine")
    st.caption(
        "Round 1 samples the whole square. Press zoom to sample the next round inside a box "
        "around the best trials so far, or drag a box on the chart to choose the region yourself."
    )
    return Boxes(surface, race, st.container())


def searched_sections(search: SearchConfig, land, spec, kinds: dict[str, str], boxes: Boxes):
    """What is searched and what the grid and random search found, the response surface with
    their trials, the race of best-found-so-far over many seeds, and coarse to fine."""
    charts = charts_as_ready(search)  # the sweeps start now
    x, y = search.axes
    start = search.run.starts[0]
    fixed = ", ".join(
        f"{h.symbol} = {number(h.default, 4)}"
        for h in spec.hyperparams
        if h.name not in {x.name, y.name}
    )
    boxes.surface.caption(
        f"{spec.name} on {land.name}, {search.run.steps} steps from ({start[0]:.3g}, "
        f"{start[1]:.3g}); the objective is the {kinds[search.kind]} minus f*. "
        f"Fixed: {fixed or 'nothing else'}."
    )
    boxes.surface.markdown(headline(search, *trials(search)))
    for name, chart in charts:  # live charts: redrawn in place, and only while in sight
        box = boxes.surface if name == "surface" else boxes.race
        if box is not None:
            live_chart(chart, f"hs.{name}_chart", box)
    if boxes.rounds is not None:
        with boxes.rounds:
            rounds_section(search)


def rounds_section(search: SearchConfig) -> None:
    """Coarse to fine: zoom in around the best trials, or into a box dragged on the chart."""
    buttons = st.columns([1, 1, 4])
    buttons[0].button(
        "Zoom in", key="hs.zoom_in", disabled=len(search.zoom) >= MAX_ROUNDS - 1,
        on_click=lambda: ss.update({"hs.zoom": [*ss["hs.zoom"], None]}),
    )  # fmt: skip
    buttons[1].button("Start over", on_click=start_over, key="hs.start_over")
    st.markdown(f"**{len(rounds(search))} round(s) of {search.budget} trials.**")
    live_chart(
        rounds_chart(search), "hs.rounds_chart",
        on_select=functools.partial(zoom_to_selection, search),
    )  # fmt: skip


def start_over() -> None:
    ss["hs.zoom"] = []


def sampling_section() -> None:
    """Where uniform and log-scale sampling put η and β, with the course's formulas."""
    headings.subheader("Sampling on the right scale")
    left, right = st.columns(2)
    left.latex(r"r = -4 \cdot \mathrm{rand}(), \quad \eta = 10^{r}")
    right.latex(r"r = -3 + 2 \cdot \mathrm{rand}(), \quad \beta = 1 - 10^{r}")
    st.caption(
        "A learning rate between 10⁻⁴ and 1 drawn uniformly lands above 0.1 nine times in ten; "
        "drawn as 10ʳ every decade gets the same share. The same holds for β between 0.9 and "
        "0.999: what matters is 1 − β, the length of the average's memory 1/(1 − β)."
    )
    plotly_chart(sampling_chart())


def zoom_to_selection(search: SearchConfig) -> None:
    """A box dragged on the rounds chart becomes the region of the next round."""
    box = (ss["hs.rounds_chart"] or {}).get("box")
    if not box:
        return
    x, y = search.axes
    u = np.clip(np.sort(x.to_unit(np.array([undrawn(x, v) for v in box["x"]]))), 0, 1)
    v = np.clip(np.sort(y.to_unit(np.array([undrawn(y, v) for v in box["y"]]))), 0, 1)
    if u[1] - u[0] < MIN_BOX or v[1] - v[0] < MIN_BOX:
        return
    region = ((float(u[0]), float(u[1])), (float(v[0]), float(v[1])))
    ss["hs.zoom"] = [*ss["hs.zoom"], region][-(MAX_ROUNDS - 1) :]


def undrawn(axis, value: float) -> float:
    """A chart coordinate back to the value: a log1m axis is drawn as 1 − β."""
    return 1.0 - value if axis.scale == "log1m" else value


def trial_text(loss: np.ndarray, points: np.ndarray, x, y) -> str:
    """The best trial of a search: "**4.3 × 10⁻⁶** (η = 0.21, ε = 10⁻⁸)", in symbols."""
    finite = np.flatnonzero(np.isfinite(loss))
    if finite.size == 0:
        return "**none**: every trial diverged"
    best = finite[np.argmin(loss[finite])]
    where = ", ".join(
        f"{symbol(a)} = {number(v, 3 if a.scale == 'log1m' else 2)}"
        for a, v in zip((x, y), points[best], strict=True)
    )
    return f"**{number(float(loss[best]))}** ({where})"


def headline(search: SearchConfig, grid, grid_loss, random, random_loss) -> str:
    """What the grid and the random search found with the same budget, and where."""
    x, y = search.axes
    return (
        f"**{search.budget} trials each.** Best f − f* found by the grid: "
        f"{trial_text(grid_loss, grid, x, y)}; by random search: "
        f"{trial_text(random_loss, random, x, y)}."
    )
