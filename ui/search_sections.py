"""Parts of the search page that need no run: sampling on the right scale, and turning a box
dragged on the rounds chart into the next round's region."""

import numpy as np
import streamlit as st

from optimizers.search_config import MAX_ROUNDS, SearchConfig
from ui.charts import plotly_chart
from viz.search import number, power, sampling_figure, symbol

SAMPLING_DRAWS = 2000
MIN_BOX = 1e-3
ss = st.session_state


def sampling_section() -> None:
    """Where uniform and log-scale sampling put η and β, with the course's formulas."""
    st.subheader("Sampling on the right scale")
    left, right = st.columns(2)
    left.latex(r"r = -4 \cdot \mathrm{rand}(), \quad \eta = 10^{r}")
    right.latex(r"r = -3 + 2 \cdot \mathrm{rand}(), \quad \beta = 1 - 10^{r}")
    st.caption(
        "A learning rate between 10⁻⁴ and 1 drawn uniformly lands above 0.1 nine times in ten; "
        "drawn as 10ʳ every decade gets the same share. The same holds for β between 0.9 and "
        "0.999: what matters is 1 − β, the length of the average's memory 1/(1 − β)."
    )
    uniform = np.random.default_rng(0).uniform(size=SAMPLING_DRAWS)
    rate, decay = (
        "learning rate η (log scale): η ∈ [10⁻⁴, 1]",
        "β (1 − β on a log scale): β ∈ [0.9, 0.999]",
    )
    samples = {
        rate: (np.log10(1e-4 + uniform * (1 - 1e-4)), -4 * uniform),
        decay: (np.log10(1 - (0.9 + uniform * 0.099)), np.log10(10.0 ** (-3 + 2 * uniform))),
    }
    ticks = {
        rate: dict(tickvals=list(range(-4, 1)), ticktext=[power(e) for e in range(-4, 1)]),
        decay: dict(tickvals=[-1, -2, -3], ticktext=["0.9", "0.99", "0.999"], autorange="reversed"),
    }
    plotly_chart(sampling_figure(samples, ticks))


def zoom_to_selection(search: SearchConfig) -> None:
    """A box dragged on the rounds chart becomes the region of the next round."""
    boxes = ss["hs.rounds_chart"].selection.get("box", [])
    if not boxes:
        return
    x, y = search.axes
    u = np.clip(np.sort(x.to_unit(np.array([undrawn(x, v) for v in boxes[0]["x"]]))), 0, 1)
    v = np.clip(np.sort(y.to_unit(np.array([undrawn(y, v) for v in boxes[0]["y"]]))), 0, 1)
    if u[1] - u[0] < MIN_BOX or v[1] - v[0] < MIN_BOX:
        return
    box = ((float(u[0]), float(u[1])), (float(v[0]), float(v[1])))
    ss["hs.zoom"] = [*ss["hs.zoom"], box][-(MAX_ROUNDS - 1) :]


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
