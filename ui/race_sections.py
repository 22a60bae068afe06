"""Sections under the race: the update rules, the step inspector, the basins of attraction and
the downloads."""

import streamlit as st

from ui import headings
from ui.cached import background, basins, inspector
from ui.charts import plotly_chart
from ui.export import EXPORT_OPEN, export_section
from ui.tables import static_table
from viz import basins_figure
from viz.palette import optimizer_styles
from viz.race import drawing

BASIN_RESOLUTION = 60
ss = st.session_state


def formula_grid(rows: list[tuple[str, str]], colours: list[str]) -> str:
    """Markdown (with HTML) for one row per run: its colour swatch and label beside its formula.
    One element for the whole grid: every element on a page costs the browser a render on each
    script run (issue 13). The blank lines around each cell's Markdown let it be parsed inside
    the HTML grid."""
    cells = "\n".join(
        f"<div>\n\n<span style='color:{shade};font-size:1.6rem'>■</span> **{label}**\n\n</div>\n"
        f"<div>\n\n$$\n{latex}\n$$\n\n</div>"
        for (label, latex), shade in zip(rows, colours, strict=True)
    )
    return (
        "<div style='display:grid;grid-template-columns:2fr 5fr;align-items:center;"
        f"column-gap:1rem'>\n{cells}\n</div>"
    )


def update_rules(methods, names: list[str]) -> None:
    """Each optimizer's update rule beside its colour and name, in one element."""
    colours = [style["color"] for style in optimizer_styles([spec.key for spec in methods])]
    rows = [(name, spec.latex) for spec, name in zip(methods, names, strict=True)]
    st.markdown(f"### Update rules\n\n{formula_grid(rows, colours)}", unsafe_allow_html=True)


def domain_text(domain) -> str:
    (x0, x1), (y0, y1) = domain
    return f"x ∈ [{x0:g}, {x1:g}], y ∈ [{y0:g}, {y1:g}]"


def size_note(config) -> None:
    """Say when a race is large enough to be drawn in part (viz.race.drawing) and slow."""
    paths = len(config.optimizers) * len(config.starts)
    budget = drawing(paths, config.steps)
    if budget.reduced:
        st.caption(
            f":material/speed: A large race, {paths} paths × {config.steps} steps: the map draws "
            f"one step in {budget.stride} and {budget.frames} frames (heads, ✕ and curves use "
            "every step), and a change takes a few seconds. Fewer starts or steps answer at once."
        )


def divergence_warnings(names: list[str], trajectory) -> None:
    """One line for every optimizer with a diverged start: at which step it first diverged."""
    said = [
        f"{name} at step {diverged[diverged >= 0].min()}"
        for name, diverged in zip(names, trajectory.diverged_at, strict=True)
        if (diverged >= 0).any()
    ]
    if said:
        paths = "its path stops" if len(said) == 1 else "their paths stop"
        st.warning(f"Diverged: {', '.join(said)} ({paths} at the ✕).", icon=":material/error:")


@st.fragment
def inspector_section(config) -> None:
    """The inspector reruns on its own when its step slider moves. While it is off, the page
    draws it without a config (it depends on none then), and turning it on reruns the page so
    that the race's fragment draws it with the current one."""
    headings.subheader("Inspector")
    st.caption(
        "At one step, the dotted arrow is −η∇f (where plain gradient descent would go) and the "
        "solid arrow the step each optimizer actually took: momentum and adaptive scaling bend it."
    )
    if not st.toggle("Inspect the steps", key="inspector"):
        return
    if config is None:
        st.rerun(scope="app")
    ss["inspect"] = min(ss.get("inspect", 0), config.steps - 1)
    k = st.slider("step", 0, max(config.steps - 1, 1), key="inspect", disabled=config.steps == 1)
    figure, rows = inspector(config, k)
    look, table = st.columns([3, 2])
    plotly_chart(figure, look)
    static_table(rows, table)


def basins_section(config, names: list[str], land) -> None:
    """Which minimum one optimizer reaches from each of BASIN_RESOLUTION² starts (while it is
    off, drawn by the page without a config: its toggle reruns the page)."""
    headings.subheader("Basins of attraction")
    if not st.toggle("Show which minimum each start reaches", key="basins") or config is None:
        return
    ss["basin_slot"] = min(ss.get("basin_slot", 0), len(names) - 1)
    slot = st.selectbox(
        "Optimizer", range(len(names)), key="basin_slot", format_func=names.__getitem__
    )
    xs, ys, labels = basins(config, slot, BASIN_RESOLUTION)
    title = (
        f"{names[slot]} from {BASIN_RESOLUTION} × {BASIN_RESOLUTION} starts, {config.steps} steps"
    )
    minima = [p for p, _ in land.minima]
    plotly_chart(basins_figure(xs, ys, labels, minima, land.domain, title))


LOWER_ON = "race.lower_on"


def _lower_on() -> tuple[bool, bool, bool]:
    return bool(ss.get("inspector")), bool(ss.get("basins")), bool(ss.get(EXPORT_OPEN))


def lower_sections(names: list[str], land) -> tuple:
    """Boxes for the inspector, the basins and the downloads, under the charts. A section that
    is off depends on no run: it is drawn here once, not again on every slider move."""
    boxes = st.container(), st.container(), st.container()
    ss[LOWER_ON] = _lower_on()
    if not ss.get("inspector"):
        with boxes[0]:
            inspector_section(None)
    if not ss.get("basins"):
        with boxes[1]:
            basins_section(None, names, land)
    if not ss.get(EXPORT_OPEN):
        with boxes[2]:
            export_section(None, None, None, names)
    return boxes


def draw_lower_sections(boxes: tuple, config, trajectory, names: list[str], land) -> None:
    """The sections of `lower_sections` that depend on the run, in the race's fragment (a
    section turned on or off since the page's run is drawn by the page's next run)."""
    if _lower_on() != ss.get(LOWER_ON):
        st.rerun(scope="app")
    if ss.get("inspector"):
        with boxes[0]:
            inspector_section(config)
    if ss.get("basins"):
        with boxes[1]:
            basins_section(config, names, land)
    if ss.get(EXPORT_OPEN):
        with boxes[2]:
            export_section(config, trajectory, background(config.landscape), names)
