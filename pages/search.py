"""Hyperparameter search: grid vs random, log scales and coarse-to-fine, all on real runs.

widgets → RunConfig + two searched axes → optimizers.search (sweeps) → viz.search figures. The
link holds the config's query plus hx, hy (the searched hyperparameters), n (the budget), obj
(final or best loss) and zoom (the boxes chosen for coarse-to-fine rounds).
"""

import math

import numpy as np
import streamlit as st

import landscapes
from optimizers import CATALOG as OPTIMIZERS
from optimizers.run_config import RunConfig
from optimizers.search import (
    SEARCH_DEFAULTS,
    coarse_to_fine,
    default_axis,
    grid_points,
    objective,
    random_points,
    search_race,
    surface,
)
from lessons.search import CATALOG as PRESETS
from ui.landscape_picker import landscape_picker, set_landscape
from ui.page_start import page_start, preset_buttons
from viz.search import race_figure, rounds_figure, sampling_figure, surface_figure

SURFACE_SIZE = 100
RACE_SEEDS = 200
BUDGETS = [4, 9, 16, 25]
MAX_ROUNDS = 3
SAMPLING_DRAWS = 2000
KINDS = {"final": "final loss", "best": "best loss along the run"}
DEFAULT_PRESET = "one_matters"
ss = st.session_state


# --- state <-> config and link ------------------------------------------------------------------


def load(config: RunConfig, x: str, y: str, budget: int, kind: str, zoom: list) -> None:
    set_landscape("hs.", config.landscape)
    ss["hs.opt"] = config.optimizers[0][0]
    ss["hs.x"], ss["hs.y"] = x, y
    ss["hs.sx"], ss["hs.sy"] = config.starts[0]
    ss["hs.steps"] = config.steps
    ss["hs.seed"] = config.seed
    ss["hs.n"] = budget
    ss["hs.kind"] = kind
    ss["hs.zoom"] = zoom


def apply_preset(key: str) -> None:
    preset = PRESETS[key]
    load(preset.config, preset.x, preset.y, preset.budget, "final", [])
    ss["hs.preset"] = key


def _box(text: str) -> tuple[tuple[float, float], tuple[float, float]] | None:
    if text == "auto":
        return None
    u0, u1, v0, v1 = (float(part) for part in text.split(","))
    if not all(math.isfinite(v) for v in (u0, u1, v0, v1)):
        raise ValueError("a zoom box is not finite.")
    if not (0 <= u0 < u1 <= 1 and 0 <= v0 < v1 <= 1):
        raise ValueError("a zoom box must lie inside the searched square.")
    return (u0, u1), (v0, v1)


def load_link(query: dict[str, str]) -> None:
    config = RunConfig.from_query(query)
    if len(config.optimizers) != 1:
        raise ValueError("the search page tunes one optimizer.")
    key = config.optimizers[0][0]
    names = [h.name for h in OPTIMIZERS[key].hyperparams]
    x, y = query.get("hx", ""), query.get("hy", "")
    if key not in SEARCH_DEFAULTS or x not in names or y not in names or x == y:
        raise ValueError(f"pick two different hyperparameters of {OPTIMIZERS[key].name}.")
    budget = int(query.get("n", "9")) if query.get("n", "9").isdigit() else 0
    if budget not in BUDGETS:
        raise ValueError(f"the budget must be one of {BUDGETS}.")
    kind = query.get("obj", "final")
    if kind not in KINDS:
        raise ValueError("the objective must be 'final' or 'best'.")
    zoom = [_box(text) for text in query.get("zoom", "").split(";") if text][: MAX_ROUNDS - 1]
    load(config, x, y, budget, kind, zoom)


def first_load() -> None:
    ss["hs.loaded"] = True
    query = st.query_params.to_dict()
    if not {"land", "opt"} & set(query):
        apply_preset(DEFAULT_PRESET)
        return
    try:
        load_link(query)
    except ValueError as error:
        ss["hs.link_error"] = str(error)
        apply_preset(DEFAULT_PRESET)


def config_from_state() -> RunConfig:
    spec = OPTIMIZERS[ss["hs.opt"]]
    return RunConfig(
        landscape=ss["hs.land"],
        optimizers=((spec.key, spec.defaults()),),
        starts=((ss["hs.sx"], ss["hs.sy"]),),
        steps=ss["hs.steps"],
        seed=ss["hs.seed"],
    )


def link(config: RunConfig) -> dict[str, str]:
    def box(b) -> str:
        return "auto" if b is None else ",".join(f"{v:.4g}" for pair in b for v in pair)

    query = config.to_query() | {
        "hx": ss["hs.x"],
        "hy": ss["hs.y"],
        "n": str(ss["hs.n"]),
        "obj": ss["hs.kind"],
    }
    if ss["hs.zoom"]:
        query["zoom"] = ";".join(box(b) for b in ss["hs.zoom"])
    return query


def optimizer_changed() -> None:
    ss["hs.x"], ss["hs.y"] = SEARCH_DEFAULTS[ss["hs.opt"]]
    ss["hs.zoom"] = []


def start_at_default() -> None:
    ss["hs.sx"], ss["hs.sy"] = landscapes.lookup(ss["hs.land"]).default_start
    ss["hs.zoom"] = []


def zoom_in() -> None:
    ss["hs.zoom"] = [*ss["hs.zoom"], None][: MAX_ROUNDS - 1]


def start_over() -> None:
    ss["hs.zoom"] = []


def zoom_to_selection() -> None:
    """A box dragged on the rounds chart becomes the region of the next round."""
    boxes = ss["hs.rounds_chart"].selection.get("box", [])
    if not boxes:
        return
    x, y = axes()
    xs = [undrawn(x, v) for v in boxes[0]["x"]]
    ys = [undrawn(y, v) for v in boxes[0]["y"]]
    u = np.clip(np.sort(x.to_unit(np.array(xs))), 0, 1)
    v = np.clip(np.sort(y.to_unit(np.array(ys))), 0, 1)
    if u[1] - u[0] < 1e-3 or v[1] - v[0] < 1e-3:
        return
    box = ((float(u[0]), float(u[1])), (float(v[0]), float(v[1])))
    ss["hs.zoom"] = [*ss["hs.zoom"], box][-(MAX_ROUNDS - 1) :]


def undrawn(axis, value: float) -> float:
    return 1.0 - value if axis.scale == "log1m" else value


def axes():
    return default_axis(ss["hs.opt"], ss["hs.x"]), default_axis(ss["hs.opt"], ss["hs.y"])


# --- cached computations ------------------------------------------------------------------------


def _config(query: tuple) -> RunConfig:
    return RunConfig.from_query(dict(query))


@st.cache_data(max_entries=32, show_spinner=False)
def cached_surface(query: tuple, x_name: str, y_name: str, kind: str):
    config = _config(query)
    key = config.optimizers[0][0]
    return surface(config, default_axis(key, x_name), default_axis(key, y_name), SURFACE_SIZE, kind)


@st.cache_data(max_entries=32, show_spinner=False)
def cached_trials(query: tuple, x_name: str, y_name: str, kind: str, budget: int):
    config = _config(query)
    key = config.optimizers[0][0]
    x, y = default_axis(key, x_name), default_axis(key, y_name)
    rng = np.random.default_rng(config.seed)
    grid = grid_points(x, y, budget)
    random = random_points(x, y, budget, rng)
    grid_loss, _ = objective(config, x, y, grid, kind)
    random_loss, _ = objective(config, x, y, random, kind)
    return grid, grid_loss, random, random_loss


@st.cache_data(max_entries=16, show_spinner=False)
def cached_race(query: tuple, x_name: str, y_name: str, kind: str, budget: int):
    config = _config(query)
    key = config.optimizers[0][0]
    x, y = default_axis(key, x_name), default_axis(key, y_name)
    return search_race(config, x, y, budget, RACE_SEEDS, kind, config.seed)


@st.cache_data(max_entries=16, show_spinner=False)
def cached_rounds(query: tuple, x_name: str, y_name: str, kind: str, budget: int, zoom: tuple):
    config = _config(query)
    key = config.optimizers[0][0]
    x, y = default_axis(key, x_name), default_axis(key, y_name)
    return coarse_to_fine(config, x, y, budget, len(zoom) + 1, config.seed, kind, list(zoom))


# --- the page -----------------------------------------------------------------------------------

page_start("Hyperparameter search", "hs.", first_load, "a preset")
sidebar = st.sidebar
preset_buttons(sidebar, "Presets", PRESETS.values(), "hs.preset.", apply_preset)
sidebar.subheader("What is tuned")
land = landscape_picker(sidebar, "hs.", start_at_default)
sidebar.selectbox(
    "Optimizer",
    list(SEARCH_DEFAULTS),
    key="hs.opt",
    format_func=lambda k: OPTIMIZERS[k].name,
    on_change=optimizer_changed,
)
spec = OPTIMIZERS[ss["hs.opt"]]
names = [h.name for h in spec.hyperparams]
left, right = sidebar.columns(2)
left.selectbox("x axis", names, key="hs.x", on_change=start_over)
right.selectbox("y axis", names, key="hs.y", on_change=start_over)
sidebar.radio(
    "Objective", list(KINDS), key="hs.kind", format_func=KINDS.get, horizontal=True,
    on_change=start_over,
)  # fmt: skip
sidebar.select_slider("Budget (trials)", BUDGETS, key="hs.n", on_change=start_over)
sidebar.slider("steps per run", 10, 1000, key="hs.steps", on_change=start_over)
(x0, x1), (y0, y1) = land.domain
ss["hs.sx"] = float(min(max(ss["hs.sx"], x0), x1))
ss["hs.sy"] = float(min(max(ss["hs.sy"], y0), y1))
sidebar.slider("start x", float(x0), float(x1), key="hs.sx", step=(x1 - x0) / 400, format="%.3f")
sidebar.slider("start y", float(y0), float(y1), key="hs.sy", step=(y1 - y0) / 400, format="%.3f")
sidebar.number_input("seed", 0, 2**31 - 1, key="hs.seed", on_change=start_over)

if ss["hs.x"] == ss["hs.y"]:
    st.error("Pick two different hyperparameters for the two axes.")
    st.stop()
try:
    config = config_from_state()
except ValueError as error:
    st.error(f"These settings cannot run: {error}")
    st.stop()

query = link(config)
if st.query_params.to_dict() != query:
    st.query_params.from_dict(query)
preset = PRESETS.get(ss.get("hs.preset", ""))
if preset and (preset.config, preset.x, preset.y) != (config, ss["hs.x"], ss["hs.y"]):
    del ss["hs.preset"]
    preset = None
if preset:
    st.info(f"**{preset.title}.** {preset.look_for}", icon=":material/visibility:")

x, y = axes()
fixed = ", ".join(f"{n} = {v:.4g}" for n, v in spec.defaults().items() if n not in (x.name, y.name))
st.caption(
    f"{spec.name} on {land.name}, {config.steps} steps from ({config.starts[0][0]:.3g}, "
    f"{config.starts[0][1]:.3g}); the objective is the {KINDS[ss['hs.kind']]} minus f*. "
    f"Fixed: {fixed or 'nothing else'}."
)
key = tuple(sorted(config.to_query().items()))
args = (key, x.name, y.name, ss["hs.kind"])
found = cached_surface(*args)

st.subheader("The response surface, and a grid and a random search on it")
st.caption(
    f"{SURFACE_SIZE} × {SURFACE_SIZE} = {SURFACE_SIZE**2:,} real runs in one vectorised sweep. "
    "Grey: the run diverged. Above and to the right, each trial is projected onto one axis, on "
    "top of the best value reachable along it."
)
grid, grid_loss, random, random_loss = cached_trials(*args, ss["hs.n"])
st.markdown(
    f"**{ss['hs.n']} trials each.** Best f − f* found by the grid: **{np.min(grid_loss):.3g}**; "
    f"by random search: **{np.min(random_loss):.3g}**."
)
st.plotly_chart(
    surface_figure(found, grid, grid_loss, random, random_loss),
    config={"displayModeBar": False},
)

st.subheader("Best found after n trials")
race = cached_race(*args, ss["hs.n"])
st.caption(
    f"Geometric mean over {RACE_SEEDS} seeds (each seed: the grid in a random order, fresh random "
    "draws); the band is the middle half of the seeds."
)
st.plotly_chart(race_figure(race), config={"displayModeBar": False})

st.subheader("Sampling on the right scale")
left, right = st.columns(2)
left.latex(r"r = -4 \cdot \mathrm{rand}(), \quad \eta = 10^{r}")
right.latex(r"r = -3 + 2 \cdot \mathrm{rand}(), \quad \beta = 1 - 10^{r}")
st.caption(
    "A learning rate between 10⁻⁴ and 1 drawn uniformly lands above 0.1 nine times in ten; drawn "
    "as 10^r every decade gets the same share. The same holds for β between 0.9 and 0.999: what "
    "matters is 1 − β, the length of the average's memory 1/(1 − β)."
)
rng = np.random.default_rng(0)
uniform = rng.uniform(size=SAMPLING_DRAWS)
samples = {
    "log₁₀ η: η ∈ [10⁻⁴, 1]": (np.log10(1e-4 + uniform * (1 - 1e-4)), -4 * uniform),
    "log₁₀(1 − β): β ∈ [0.9, 0.999]": (
        np.log10(1 - (0.9 + uniform * 0.099)),
        np.log10(10.0 ** (-3 + 2 * uniform)),
    ),
}
st.plotly_chart(sampling_figure(samples), config={"displayModeBar": False})

st.subheader("Coarse to fine")
st.caption(
    "Round 1 samples the whole square. Press zoom to sample the next round inside a box around "
    "the best trials so far, or drag a box on the chart to choose the region yourself."
)
buttons = st.columns([1, 1, 4])
buttons[0].button(
    "Zoom in", on_click=zoom_in, disabled=len(ss["hs.zoom"]) >= MAX_ROUNDS - 1, key="hs.zoom_in"
)
buttons[1].button("Start over", on_click=start_over, key="hs.start_over")
rounds = cached_rounds(*args, ss["hs.n"], tuple(ss["hs.zoom"]))
st.markdown(f"**{len(rounds)} round(s) of {ss['hs.n']} trials.**")
st.plotly_chart(
    rounds_figure(found, rounds),
    key="hs.rounds_chart",
    on_select=zoom_to_selection,
    selection_mode="box",
    config={"displayModeBar": False},
)
