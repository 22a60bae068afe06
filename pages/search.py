"""Hyperparameter search: grid vs random, log scales and coarse-to-fine, all on real runs.

controls → SearchConfig (one optimizer's run, two searched axes, budget, zoom) → sweeps →
viz.search figures; the link is the SearchConfig. The budget and the start are the sliders a
lecturer moves most: they and everything they change live in one fragment, so that moving them
reruns neither the rest of the sidebar nor the sampling section. What is below the response
surface is drawn once it is (ui/first_screen.py).
"""

import streamlit as st

import landscapes
from lessons.search import CATALOG as PRESETS
from optimizers import CATALOG as OPTIMIZERS
from optimizers.run_config import RunConfig
from optimizers.search import SEARCHABLE, default_pair
from optimizers.search_config import BUDGETS, SearchConfig
from ui import controls, headings
from ui.binder import Binder
from ui.first_screen import below_first_screen
from ui.landscape_picker import landscape_picker, set_landscape
from ui.search_charts import prepare
from ui.search_runs import next_budget, next_start
from ui.search_sections import page_layout, searched_sections, start_over

KINDS = {"final": "final loss", "best": "best loss along the run"}
ss = st.session_state


def load(search: SearchConfig) -> None:
    run = search.run
    set_landscape("hs.", run.landscape)
    controls.load_starts("hs.", landscapes.lookup(run.landscape), run.starts)
    ss["hs.opt"], ss["hs.x"], ss["hs.y"] = run.optimizers[0][0], search.x, search.y
    ss["hs.steps"], ss["hs.seed"] = run.steps, run.seed
    ss["hs.n"], ss["hs.kind"], ss["hs.zoom"] = search.budget, search.kind, list(search.zoom)


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
    page="search",
)
binder.start("Hyperparameter search")
sidebar = st.sidebar
binder.lesson_buttons(sidebar, "Presets")
headings.subheader("What is tuned", sidebar)
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
budget_box = sidebar.container()
sidebar.slider("steps per run", 10, 1000, key="hs.steps", on_change=start_over)
start_box = sidebar.container()
sidebar.number_input("seed", 0, 2**31 - 1, key="hs.seed", on_change=start_over)
binder.tools()
boxes = page_layout(below_first_screen("search", sidebar))


@st.fragment
def searched(land, spec, budget_box, start_box, boxes) -> None:
    """The budget and the start, and everything they change (the charts, the rounds, the link):
    moving them reruns this part of the page only."""
    budget_box.select_slider("Budget (trials)", BUDGETS, key="hs.n", on_change=start_over)
    start = controls.rounded_start(*controls.starts_control(start_box, "hs.", land))
    with boxes.surface:
        search = binder.checked(
            lambda: SearchConfig(
                RunConfig(land.key, ((spec.key, spec.defaults()),), (start,), ss["hs.steps"],
                          seed=ss["hs.seed"]),
                ss["hs.x"], ss["hs.y"], ss["hs.n"], ss["hs.kind"], tuple(ss["hs.zoom"]),
            )
        )  # fmt: skip
        binder.show_lesson(binder.publish(search))
    searched_sections(search, land, spec, KINDS, boxes)
    ahead = next_budget(search, ss.get("hs.n_shown")) or next_start(
        search, land.domain, ss.get("hs.x_shown")
    )
    if ahead:
        prepare(ahead)  # the slider moved last one step on, while the class looks at this one
    ss["hs.x_shown"], ss["hs.n_shown"] = start[0], search.budget


searched(land, spec, budget_box, start_box, boxes)
