"""Hyperparameter search: grid vs random, log scales and coarse-to-fine, all on real runs.

controls → SearchConfig (one optimizer's run, two searched axes, budget, zoom) → sweeps →
viz.search figures; the link is the SearchConfig.
"""

import functools

import streamlit as st

import landscapes
from lessons.search import CATALOG as PRESETS
from optimizers import CATALOG as OPTIMIZERS
from optimizers.run_config import RunConfig
from optimizers.search import SEARCHABLE, default_pair
from optimizers.search_config import BUDGETS, MAX_ROUNDS, SearchConfig
from ui import controls
from ui.binder import Binder
from ui.charts import plotly_chart
from ui.landscape_picker import landscape_picker, set_landscape
from ui.search_runs import RACE_SEEDS, SURFACE_SIZE, race, response_surface, rounds, trials
from ui.search_sections import headline, sampling_section, zoom_to_selection
from viz.search import best_after_n_figure, number, response_surface_figure, rounds_figure

KINDS = {"final": "final loss", "best": "best loss along the run"}
ss = st.session_state


def load(search: SearchConfig) -> None:
    run = search.run
    set_landscape("hs.", run.landscape)
    controls.load_starts("hs.", landscapes.lookup(run.landscape), run.starts)
    ss["hs.opt"], ss["hs.x"], ss["hs.y"] = run.optimizers[0][0], search.x, search.y
    ss["hs.steps"], ss["hs.seed"] = run.steps, run.seed
    ss["hs.n"], ss["hs.kind"], ss["hs.zoom"] = search.budget, search.kind, list(search.zoom)


def start_over() -> None:
    ss["hs.zoom"] = []


def optimizer_changed() -> None:
    ss["hs.x"], ss["hs.y"] = default_pair(ss["hs.opt"])
    start_over()


def landscape_changed() -> None:
    controls.reset_start("hs.", landscapes.lookup(ss["hs.land"]))
    start_over()


binder = Binder(
    prefix="hs.",
    buttons="hs.preset.",
    lessons=PRESETS,
    default_lesson="one_matters",
    read_link=SearchConfig.from_query,
    load=load,
    lesson_state=lambda p: SearchConfig(p.config, p.x, p.y, p.budget),
    fallback="a preset",
    same_picture=lambda a, b: (a.run, a.x, a.y) == (b.run, b.x, b.y),
)
binder.start("Hyperparameter search")
sidebar = st.sidebar
binder.lesson_buttons(sidebar, "Presets")
sidebar.subheader("What is tuned")
land = landscape_picker(sidebar, "hs.", landscape_changed)
sidebar.selectbox(
    "Optimizer", SEARCHABLE, key="hs.opt", format_func=lambda k: OPTIMIZERS[k].name,
    on_change=optimizer_changed,
)  # fmt: skip
spec = OPTIMIZERS[ss["hs.opt"]]
labels = {h.name: h.label for h in spec.hyperparams}
for axis in ("x", "y"):
    sidebar.selectbox(f"{axis} axis", list(labels), key=f"hs.{axis}", format_func=labels.get,
                      on_change=start_over)  # fmt: skip
sidebar.radio(
    "Objective", list(KINDS), key="hs.kind", format_func=KINDS.get, horizontal=True,
    on_change=start_over,
)  # fmt: skip
sidebar.select_slider("Budget (trials)", BUDGETS, key="hs.n", on_change=start_over)
sidebar.slider("steps per run", 10, 1000, key="hs.steps", on_change=start_over)
(start,) = controls.starts_control(sidebar, "hs.", land)
sidebar.number_input("seed", 0, 2**31 - 1, key="hs.seed", on_change=start_over)

search = binder.checked(
    lambda: SearchConfig(
        RunConfig(land.key, ((spec.key, spec.defaults()),), (start,), ss["hs.steps"],
                  seed=ss["hs.seed"]),
        ss["hs.x"], ss["hs.y"], ss["hs.n"], ss["hs.kind"], tuple(ss["hs.zoom"]),
    )
)  # fmt: skip
binder.show_lesson(binder.publish(search))
x, y = search.axes
fixed = ", ".join(
    f"{h.symbol} = {number(h.default, 4)}"
    for h in spec.hyperparams
    if h.name not in {x.name, y.name}
)
st.caption(
    f"{spec.name} on {land.name}, {search.run.steps} steps from ({start[0]:.3g}, {start[1]:.3g}); "
    f"the objective is the {KINDS[search.kind]} minus f*. Fixed: {fixed or 'nothing else'}."
)
found = response_surface(search)
grid, grid_loss, random, random_loss = trials(search)
st.markdown(headline(search, grid, grid_loss, random, random_loss))
plotly_chart(response_surface_figure(found, grid, grid_loss, random, random_loss))
st.caption(
    f"The response surface: {SURFACE_SIZE} × {SURFACE_SIZE} = {SURFACE_SIZE**2:,} real runs in "
    "one vectorised sweep; grey: the run diverged. Squares: the grid search; circles: the random "
    "search with the same budget; stars: the best trial of each. Above and to the right, each "
    "trial is projected onto one axis, on top of the best value reachable along it (grey line)."
)

st.subheader("Best found after n trials")
st.caption(
    f"Geometric mean over {RACE_SEEDS} seeds (each seed: the grid in a random order, fresh random "
    "draws); the band is the middle half of the seeds."
)
plotly_chart(best_after_n_figure(race(search)))

sampling_section()

st.subheader("Coarse to fine")
st.caption(
    "Round 1 samples the whole square. Press zoom to sample the next round inside a box around "
    "the best trials so far, or drag a box on the chart to choose the region yourself."
)
buttons = st.columns([1, 1, 4])
buttons[0].button(
    "Zoom in", key="hs.zoom_in", disabled=len(search.zoom) >= MAX_ROUNDS - 1,
    on_click=lambda: ss.update({"hs.zoom": [*ss["hs.zoom"], None]}),
)  # fmt: skip
buttons[1].button("Start over", on_click=start_over, key="hs.start_over")
found_rounds = rounds(search)
st.markdown(f"**{len(found_rounds)} round(s) of {search.budget} trials.**")
plotly_chart(
    rounds_figure(found, found_rounds),
    key="hs.rounds_chart",
    on_select=functools.partial(zoom_to_selection, search),
    selection_mode="box",
)
