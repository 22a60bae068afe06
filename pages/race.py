"""The race: optimizers side by side on one landscape, animated, driven by sliders, shared by link.

widgets → RunConfig → simulate → viz figures. The whole state is in the URL: RunConfig.to_query()
plus the view options below, so a copied link restores the exact picture.
"""

import math

import numpy as np
import streamlit as st

import landscapes
from components.live_figures import figure_bytes, live_figures
from optimizers import CATALOG as OPTIMIZERS
from optimizers.analysis import basin_labels
from lessons.race import CATALOG as PRESETS
from lessons.starts import grid, ring
from optimizers.run_config import RunConfig
from optimizers.schedules import CATALOG as SCHEDULES
from optimizers.simulate import endpoints
from ui.cached import background, run
from ui.landscape_picker import landscape_picker, set_landscape
from ui.page_start import page_start, preset_buttons
from ui.race_figures import curves_view, inspector_view, legend_names, race_view, surface_view
from ui.sliders import log_options, number, param_slider
from viz import basins_figure, colour

MAX_SLOTS = 6
BASIN_RESOLUTION = 60
NO_SCHEDULE = "none"
START_MODES = {"one": "One start", "ring": "Ring of starts", "grid": "Grid of starts"}
LISTED = "listed"
VIEWS = {"race": "Race on the map (2-D)", "surface": "Surface (3-D)"}
BATCH_SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]
DEFAULT = PRESETS["zigzag"].config
ss = st.session_state


# --- state <-> config ---------------------------------------------------------------------------


def hp_key(slot: int, optimizer: str, name: str) -> str:
    return f"hp.{slot}.{optimizer}.{name}"


def load_state(config: RunConfig, view: dict[str, str]) -> None:
    """Set every widget from a config and view options (a link, a preset or the defaults)."""
    land = landscapes.lookup(config.landscape)
    set_landscape("", config.landscape)
    ss["n_opt"] = len(config.optimizers)
    for slot, ((key, hp), noisy) in enumerate(zip(config.optimizers, config.noisy, strict=True)):
        ss[f"opt.{slot}"] = key
        ss[f"noisy.{slot}"] = noisy
        for name, value in hp.items():
            ss[hp_key(slot, key, name)] = value
    ss["sched"] = config.schedule[0] if config.schedule else NO_SCHEDULE
    for name, value in (config.schedule[1] if config.schedule else {}).items():
        ss[f"sp.{config.schedule[0]}.{name}"] = value
    ss["clip_on"] = config.clip_norm is not None
    ss["clip"] = config.clip_norm or 10.0
    ss["noise"] = config.noise_std
    ss["batch"] = config.batch_size
    ss["seed"] = config.seed
    ss["steps"] = config.steps
    ss["view"] = view.get("view", "race") if view.get("view") in VIEWS else "race"
    ss["basins"] = view.get("basins") == "1"
    ss["inspector"] = "inspect" in view
    ss["inspect"] = int(view_number(view, "inspect", 0, 0, config.steps - 1))
    (x0, x1), (y0, y1) = land.domain
    first = config.starts[0]
    ss["sx"] = float(view_number(view, "sx", first[0], x0, x1))
    ss["sy"] = float(view_number(view, "sy", first[1], y0, y1))
    ss["sr"] = float(view_number(view, "sr", 0.15 * (x1 - x0), 0, x1 - x0))
    ss["sn"] = int(view_number(view, "sn", 8, 2, 12))
    ss["smode"] = view.get("smode") if view.get("smode") in START_MODES else "one"
    ss.pop("listed_starts", None)
    if starts_from_state(land) != config.starts:
        ss["listed_starts"] = config.starts
        ss["smode"] = LISTED


def view_number(view: dict[str, str], name: str, default: float, lo: float, hi: float) -> float:
    try:
        value = float(view.get(name, default))
    except ValueError:
        return default
    return min(max(value, lo), hi) if math.isfinite(value) else default


def starts_from_state(land) -> tuple[tuple[float, float], ...]:
    mode, centre = ss["smode"], (ss["sx"], ss["sy"])
    if mode == LISTED and "listed_starts" in ss:
        return ss["listed_starts"]
    if mode == "ring":
        return ring(centre, ss["sr"], ss["sn"])
    if mode == "grid":
        return grid(land.domain, ss["sn"])
    return (centre,)


def config_from_state(land) -> RunConfig:
    optimizers, noisy = [], []
    for slot in range(ss["n_opt"]):
        key = ss[f"opt.{slot}"]
        spec = OPTIMIZERS[key]
        optimizers.append((key, {h.name: ss[hp_key(slot, key, h.name)] for h in spec.hyperparams}))
        noisy.append(ss[f"noisy.{slot}"])
    schedule = None
    if ss["sched"] != NO_SCHEDULE:
        spec = SCHEDULES[ss["sched"]]
        schedule = (spec.key, {h.name: ss[f"sp.{spec.key}.{h.name}"] for h in spec.hyperparams})
    return RunConfig(
        landscape=land.key,
        optimizers=tuple(optimizers),
        starts=starts_from_state(land),
        steps=ss["steps"],
        schedule=schedule,
        clip_norm=ss["clip"] if ss["clip_on"] else None,
        noise_std=ss["noise"],
        batch_size=ss["batch"],
        seed=ss["seed"],
        noisy=tuple(noisy),
    )


def view_state() -> dict[str, str]:
    view = {"view": ss["view"], "smode": ss["smode"]}
    view |= {name: number(ss[name]) for name in ("sx", "sy", "sr", "sn")}
    if ss["basins"]:
        view["basins"] = "1"
    if ss.get("inspector"):
        view["inspect"] = str(ss.get("inspect", 0))
    return view


def apply_preset(key: str) -> None:
    load_state(PRESETS[key].config, {})
    ss["preset"] = key


def reset_start() -> None:
    land = landscapes.lookup(ss["land"])
    ss["sx"], ss["sy"] = land.default_start
    (x0, x1), _ = land.domain
    ss["sr"] = 0.15 * (x1 - x0)
    if ss["smode"] == LISTED:
        ss["smode"] = "one"


def start_from_click() -> None:
    """A click on the map moves the start there (the centre, for a ring)."""
    click = ss["race_charts"]
    if not click:
        return
    land = landscapes.lookup(ss["land"])
    (x0, x1), (y0, y1) = land.domain
    ss["sx"] = float(min(max(click["x"], x0), x1))
    ss["sy"] = float(min(max(click["y"], y0), y1))
    if ss["smode"] in (LISTED, "grid"):
        ss["smode"] = "one"


def first_load() -> None:
    """On a session's first run, restore the state from the link, or explain why not."""
    ss["loaded"] = True
    query = st.query_params.to_dict()
    if not {"land", "opt"} & set(query):
        load_state(DEFAULT, {})
        return
    try:
        load_state(RunConfig.from_query(query), query)
    except ValueError as error:
        ss["link_error"] = str(error)
        load_state(DEFAULT, {})


# --- cached computations ------------------------------------------------------------------------


# The live-figures charts: each view's builder and Plotly config. They are cached as the JSON
# bytes the component receives: encoded once per run, not on every rerun.
CHARTS = {
    "race": (race_view, dict(displayModeBar=False)),
    "curves": (curves_view, dict(displayModeBar=False)),
    "surface": (surface_view, dict(displaylogo=False)),
}


@st.cache_resource(max_entries=80, show_spinner=False)
def chart(view: str, query: tuple[tuple[str, str], ...]) -> bytes:
    config = RunConfig.from_query(dict(query))
    build, plotly_config = CHARTS[view]
    figure = build(config, run(query), background(config.landscape))
    return figure_bytes(figure, **plotly_config)


# The inspector's figure is cached as an object (cache_resource): unpickling a go.Figure from
# cache_data re-runs Plotly's validation, which costs nearly as much as building it.
@st.cache_resource(max_entries=64, show_spinner=False)
def inspector(query: tuple[tuple[str, str], ...], k: int):
    config = RunConfig.from_query(dict(query))
    return inspector_view(config, run(query), background(config.landscape), k)


@st.cache_data(max_entries=16, show_spinner=False)
def basins(query: tuple[tuple[str, str], ...], slot: int):
    config = RunConfig.from_query(dict(query))
    land = landscapes.lookup(config.landscape)
    (x0, x1), (y0, y1) = land.domain
    xs = np.linspace(x0, x1, BASIN_RESOLUTION)
    ys = np.linspace(y0, y1, BASIN_RESOLUTION)
    starts = tuple((float(x), float(y)) for y in ys for x in xs)
    single = config.replace(
        optimizers=(config.optimizers[slot],), noisy=(config.noisy[slot],), starts=starts
    )
    ends = endpoints(single)
    minima = np.array([p for p, _ in land.minima]).reshape(-1, 2)
    tolerance = 0.02 * max(x1 - x0, y1 - y0)
    labels = basin_labels(ends.points[0], ends.diverged_at[0], minima, tolerance)
    return xs, ys, labels.reshape(BASIN_RESOLUTION, BASIN_RESOLUTION)


# --- the page -----------------------------------------------------------------------------------

page_start("Optimizer race", "", first_load, "the default race")
sidebar = st.sidebar
preset_buttons(sidebar, "Lecture presets", PRESETS.values(), "preset.", apply_preset)

sidebar.subheader("Landscape")
land = landscape_picker(sidebar, "", reset_start)

sidebar.subheader("Optimizers")
sidebar.number_input("How many", 1, MAX_SLOTS, key="n_opt")
for slot in range(ss["n_opt"]):
    ss.setdefault(f"opt.{slot}", list(OPTIMIZERS)[slot])
    ss.setdefault(f"noisy.{slot}", True)
    key = ss[f"opt.{slot}"]
    spec = OPTIMIZERS[key]
    box = sidebar.expander(f"{slot + 1} · {spec.name}", expanded=slot == 0)
    box.selectbox(
        "Method", list(OPTIMIZERS), key=f"opt.{slot}", format_func=lambda k: OPTIMIZERS[k].name
    )
    for h in spec.hyperparams:
        param_slider(box, h, hp_key(slot, key, h.name))
    box.checkbox("gets the gradient noise", key=f"noisy.{slot}")

sidebar.subheader("Learning-rate schedule")
ss.setdefault("sched", NO_SCHEDULE)
sidebar.selectbox(
    "Schedule",
    [NO_SCHEDULE, *SCHEDULES],
    key="sched",
    format_func=lambda k: "constant (none)" if k == NO_SCHEDULE else SCHEDULES[k].name,
)
if ss["sched"] != NO_SCHEDULE:
    schedule_spec = SCHEDULES[ss["sched"]]
    sidebar.latex(schedule_spec.latex)
    for h in schedule_spec.hyperparams:
        param_slider(sidebar, h, f"sp.{schedule_spec.key}.{h.name}")

sidebar.subheader("Gradient")
sidebar.toggle("Clip the gradient's norm", key="clip_on")
if ss["clip_on"]:
    sidebar.select_slider(
        "max norm c", log_options(0.01, 1000, ss["clip"]), key="clip", format_func=number
    )
sidebar.slider("noise σ (per coordinate, batch size 1)", 0.0, 5.0, key="noise", step=0.05)
sidebar.select_slider("batch size B (noise σ/√B)", BATCH_SIZES + sorted(
    {ss["batch"]} - set(BATCH_SIZES)), key="batch")  # fmt: skip
sidebar.number_input("noise seed", 0, 2**31 - 1, key="seed")

sidebar.subheader("Run")
sidebar.slider("steps", 1, 2000, key="steps")
sidebar.radio(
    "Starts",
    [*START_MODES, *([LISTED] if "listed_starts" in ss else [])],
    key="smode",
    format_func=lambda m: START_MODES.get(m, "As in the link or preset"),
    horizontal=True,
)
(x0, x1), (y0, y1) = land.domain
sidebar.slider("start x", float(x0), float(x1), key="sx", step=(x1 - x0) / 400, format="%.3f")
sidebar.slider("start y", float(y0), float(y1), key="sy", step=(y1 - y0) / 400, format="%.3f")
if ss["smode"] == "ring":
    sidebar.slider("ring radius", 0.0, float(x1 - x0) / 2, key="sr", step=(x1 - x0) / 400)
if ss["smode"] in ("ring", "grid"):
    sidebar.slider("starts on the ring / per grid side", 2, 12, key="sn")
sidebar.caption("Click the map to move the start.")

try:
    config = config_from_state(land)
except ValueError as error:
    st.error(f"These settings cannot run: {error}")
    st.stop()
names = legend_names(config)

query = config.to_query()
full_query = query | view_state()
if st.query_params.to_dict() != full_query:
    st.query_params.from_dict(full_query)
if ss.get("preset") and PRESETS[ss["preset"]].config != config:
    del ss["preset"]

# --- main area ----------------------------------------------------------------------------------

head, formula = st.columns([2, 3])
head.markdown(f"### {land.name}")
head.caption(land.lesson)
(x0, x1), (y0, y1) = land.domain
head.caption(f"Domain: x ∈ [{x0:g}, {x1:g}], y ∈ [{y0:g}, {y1:g}]")
formula.latex(land.latex)
if ss.get("preset"):
    preset = PRESETS[ss["preset"]]
    st.info(f"**{preset.title}.** {preset.look_for}", icon=":material/visibility:")

key_query = tuple(sorted(query.items()))
trajectory = run(key_query)
for i, name in enumerate(names):
    for s in np.flatnonzero(trajectory.diverged_at[i] >= 0)[:1]:
        k = trajectory.diverged_at[i, s]
        st.warning(
            f"{name} diverged at step {k} (its path stops at its ✕).", icon=":material/error:"
        )

st.radio("View", list(VIEWS), key="view", format_func=VIEWS.get, horizontal=True)
live_figures(
    [chart(ss["view"], key_query), chart("curves", key_query)],
    key="race_charts",
    on_click=start_from_click,
)

st.subheader("Update rules")
for slot, ((key, _), name) in enumerate(zip(config.optimizers, names, strict=True)):
    swatch, rule = st.columns([1, 5])
    swatch.markdown(
        f"<span style='color:{colour(slot)};font-size:1.6rem'>■</span> **{name}**",
        unsafe_allow_html=True,
    )
    rule.latex(OPTIMIZERS[key].latex)


@st.fragment
def inspector_section() -> None:
    """The inspector reruns on its own when its step slider moves."""
    st.subheader("Inspector")
    st.caption(
        "At one step, the dotted arrow is −η∇f (where plain gradient descent would go) and the "
        "solid arrow the step each optimizer actually took: momentum and adaptive scaling bend it."
    )
    if not st.toggle("Inspect the steps", key="inspector"):
        return
    ss.setdefault("inspect", 0)
    ss["inspect"] = min(ss["inspect"], config.steps - 1)
    k = st.slider("step", 0, max(config.steps - 1, 1), key="inspect", disabled=config.steps == 1)
    figure, rows = inspector(key_query, k)
    look, table = st.columns([3, 2])
    look.plotly_chart(figure, config={"displayModeBar": False})
    table.dataframe(rows, hide_index=True)


inspector_section()

st.subheader("Basins of attraction")
st.toggle("Show which minimum each start reaches", key="basins")
if ss["basins"]:
    ss.setdefault("basin_slot", 0)
    ss["basin_slot"] = min(ss["basin_slot"], len(names) - 1)
    slot = st.selectbox(
        "Optimizer", range(len(names)), key="basin_slot", format_func=names.__getitem__
    )
    xs, ys, labels = basins(key_query, slot)
    st.plotly_chart(
        basins_figure(
            xs, ys, labels, [p for p, _ in land.minima], land.domain,
            f"{names[slot]} from {BASIN_RESOLUTION} × {BASIN_RESOLUTION} starts, "
            f"{config.steps} steps",
        ),
        config={"displayModeBar": False},
    )  # fmt: skip
