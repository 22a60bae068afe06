"""The learning-rate lab: schedules, warmup, restarts, clipping and batch noise, each as a race.

Several runs on one landscape from one start with one noise seed, each with its own optimizer,
rate, schedule, clipping and batch size: widgets → RunConfigs → simulate → linked figure. Link:
run 0's `RunConfig.to_query()`, plus r1, r2, … holding what each further run changes.
"""

from urllib.parse import parse_qsl, urlencode

import numpy as np
import streamlit as st

import landscapes
from components.linked_steps import linked_steps
from optimizers import CATALOG as OPTIMIZERS
from lessons.learning_rate import CATALOG as LESSONS
from optimizers.run_config import RunConfig
from optimizers.schedules import CATALOG as SCHEDULES
from optimizers.simulate import sweep
from ui.cached import background, run
from ui.landscape_picker import landscape_picker, set_landscape
from ui.page_start import page_start, preset_buttons
from ui.sliders import log_options, number, param_slider
from viz import colour
from viz.lr_lab import gradient_norm_figure, linked_figure, lr_range_figure

MAX_RUNS = 5
RANGE_RATES = 300
BATCH_SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]
NO_CLIP = 10.0
DEFAULT_LESSON = "decay_under_noise"
SHARED = ("land", "start", "steps", "noise", "seed")
ss = st.session_state


# --- state <-> configs --------------------------------------------------------------------------


def run_key(i: int, name: str) -> str:
    return f"lab.{i}.{name}"


def load_runs(configs: list[RunConfig]) -> None:
    """Set every widget from a list of single-optimizer configs sharing landscape and start."""
    first = configs[0]
    set_landscape("lab.", first.landscape)
    ss["lab.sx"], ss["lab.sy"] = first.starts[0]
    ss["lab.steps"] = first.steps
    ss["lab.noise"] = first.noise_std
    ss["lab.seed"] = first.seed
    ss["lab.n_runs"] = len(configs)
    for i, config in enumerate(configs):
        key, hp = config.optimizers[0]
        ss[run_key(i, "opt")] = key
        for name, value in hp.items():
            ss[run_key(i, f"hp.{key}.{name}")] = value
        schedule_key = config.schedule[0] if config.schedule else "constant"
        ss[run_key(i, "sched")] = schedule_key
        for name, value in (config.schedule[1] if config.schedule else {}).items():
            ss[run_key(i, f"sp.{schedule_key}.{name}")] = value
        ss[run_key(i, "clip_on")] = config.clip_norm is not None
        ss[run_key(i, "clip")] = config.clip_norm or NO_CLIP
        ss[run_key(i, "batch")] = config.batch_size


def configs_from_state() -> list[RunConfig]:
    configs = []
    for i in range(ss["lab.n_runs"]):
        key = ss[run_key(i, "opt")]
        hp = {h.name: ss[run_key(i, f"hp.{key}.{h.name}")] for h in OPTIMIZERS[key].hyperparams}
        schedule = SCHEDULES[ss[run_key(i, "sched")]]
        settings = {
            h.name: ss[run_key(i, f"sp.{schedule.key}.{h.name}")] for h in schedule.hyperparams
        }
        configs.append(
            RunConfig(
                landscape=ss["lab.land"],
                optimizers=((key, hp),),
                starts=((ss["lab.sx"], ss["lab.sy"]),),
                steps=ss["lab.steps"],
                schedule=None if schedule.key == "constant" else (schedule.key, settings),
                clip_norm=ss[run_key(i, "clip")] if ss[run_key(i, "clip_on")] else None,
                noise_std=ss["lab.noise"],
                batch_size=ss[run_key(i, "batch")],
                seed=ss["lab.seed"],
            )
        )
    return configs


def to_link(configs: list[RunConfig]) -> dict[str, str]:
    """Run 0's query, and for each further run rI = what differs from it ('' = left out)."""
    base = configs[0].to_query()
    link = dict(base)
    for i, config in enumerate(configs[1:], start=1):
        query = config.to_query()
        diff = {k: v for k, v in query.items() if base.get(k) != v}
        diff |= {k: "" for k in base.keys() - query.keys()}
        link[f"r{i}"] = urlencode(diff)
    if ss.get("lab.lesson"):
        link["lesson"] = ss["lab.lesson"]
    return link


def from_link(query: dict[str, str]) -> list[RunConfig]:
    """The runs a link describes, or a ValueError that says what is wrong."""
    base = {k: v for k, v in query.items() if not k.startswith("r") and k != "lesson"}
    configs = [RunConfig.from_query(base)]
    for i in range(1, MAX_RUNS):
        if f"r{i}" not in query:
            break
        diff = dict(parse_qsl(query[f"r{i}"], keep_blank_values=True))
        if set(diff) & set(SHARED) - {"land"}:
            raise ValueError(f"run {i + 1} of the link changes a setting all runs share.")
        merged = {k: v for k, v in (base | diff).items() if v != ""}
        configs.append(RunConfig.from_query(merged))
    if any(len(c.optimizers) != 1 or len(c.starts) != 1 for c in configs):
        raise ValueError("each run of the lab has one optimizer and one start.")
    if len({c.landscape for c in configs}) > 1:
        raise ValueError("all runs must share one landscape.")
    return configs


def start_at_default() -> None:
    ss["lab.sx"], ss["lab.sy"] = landscapes.lookup(ss["lab.land"]).default_start


def apply_lesson(key: str) -> None:
    load_runs([run.config for run in LESSONS[key].runs])
    ss["lab.lesson"] = key


def first_load() -> None:
    ss["lab.loaded"] = True
    query = st.query_params.to_dict()
    if not {"land", "opt"} & set(query):
        apply_lesson(query.get("lesson") if query.get("lesson") in LESSONS else DEFAULT_LESSON)
        return
    try:
        load_runs(from_link(query))
        if query.get("lesson") in LESSONS:
            ss["lab.lesson"] = query["lesson"]
    except ValueError as error:
        ss["lab.link_error"] = str(error)
        apply_lesson(DEFAULT_LESSON)


def labels_for(configs: list[RunConfig]) -> list[str]:
    """Name each run by what sets it apart from the others."""

    def parts(c: RunConfig) -> dict[str, str]:
        key, hp = c.optimizers[0]
        schedule = SCHEDULES[c.schedule[0]].name if c.schedule else "Constant"
        return {
            "opt": OPTIMIZERS[key].name,
            "lr": f"η={number(hp['learning_rate'])}",
            "sched": schedule.lower() if schedule != "Constant" else "constant rate",
            "clip": f"clip {number(c.clip_norm)}" if c.clip_norm else "no clipping",
            "batch": f"B={c.batch_size}",
        }

    described = [parts(c) for c in configs]
    varying = [k for k in described[0] if len({d[k] for d in described}) > 1] or ["opt", "sched"]
    labels = [", ".join(d[k] for k in varying) for d in described]
    return [
        f"{label} ({i + 1})" if labels.count(label) > 1 else label for i, label in enumerate(labels)
    ]


# --- cached computations ------------------------------------------------------------------------


@st.cache_data(max_entries=32, show_spinner=False)
def range_test(query: tuple[tuple[str, str], ...]):
    """Final loss and divergence for RANGE_RATES log-spaced rates over the slider's range."""
    config = RunConfig.from_query(dict(query))
    spec = OPTIMIZERS[config.optimizers[0][0]]
    rate = next(h for h in spec.hyperparams if h.name == "learning_rate")
    rates = np.geomspace(rate.min, rate.max, RANGE_RATES)
    result = sweep(config, {"learning_rate": rates})
    return rates, result.final_loss, result.diverged_at >= 0


# --- the page -----------------------------------------------------------------------------------

page_start("Learning-rate lab", "lab.", first_load, "a lesson")
sidebar = st.sidebar
preset_buttons(sidebar, "Lessons", LESSONS.values(), "lesson.", apply_lesson)

sidebar.subheader("Shared by every run")
land = landscape_picker(sidebar, "lab.", start_at_default)
(x0, x1), (y0, y1) = land.domain
ss["lab.sx"] = float(min(max(ss["lab.sx"], x0), x1))
ss["lab.sy"] = float(min(max(ss["lab.sy"], y0), y1))
sidebar.slider("start x", float(x0), float(x1), key="lab.sx", step=(x1 - x0) / 400, format="%.3f")
sidebar.slider("start y", float(y0), float(y1), key="lab.sy", step=(y1 - y0) / 400, format="%.3f")
sidebar.slider("steps", 10, 2000, key="lab.steps")
sidebar.slider("gradient noise σ (batch size 1)", 0.0, 5.0, key="lab.noise", step=0.05)
sidebar.number_input("noise seed", 0, 2**31 - 1, key="lab.seed")

sidebar.subheader("Runs")
sidebar.number_input("How many", 1, MAX_RUNS, key="lab.n_runs")
for i in range(ss["lab.n_runs"]):
    ss.setdefault(run_key(i, "opt"), "sgd")
    ss.setdefault(run_key(i, "sched"), "constant")
    ss.setdefault(run_key(i, "clip_on"), False)
    ss.setdefault(run_key(i, "clip"), NO_CLIP)
    ss.setdefault(run_key(i, "batch"), 1)
    box = sidebar.expander(f"Run {i + 1}", expanded=i == 0)
    box.selectbox(
        "Method", list(OPTIMIZERS), key=run_key(i, "opt"), format_func=lambda k: OPTIMIZERS[k].name
    )
    spec = OPTIMIZERS[ss[run_key(i, "opt")]]
    for h in spec.hyperparams:
        param_slider(box, h, run_key(i, f"hp.{spec.key}.{h.name}"))
    box.selectbox(
        "Schedule",
        list(SCHEDULES),
        key=run_key(i, "sched"),
        format_func=lambda k: SCHEDULES[k].name,
    )
    schedule = SCHEDULES[ss[run_key(i, "sched")]]
    for h in schedule.hyperparams:
        param_slider(box, h, run_key(i, f"sp.{schedule.key}.{h.name}"))
    box.toggle("Clip the gradient's norm", key=run_key(i, "clip_on"))
    if ss[run_key(i, "clip_on")]:
        box.select_slider(
            "max norm c",
            log_options(0.01, 1000, ss[run_key(i, "clip")]),
            key=run_key(i, "clip"),
            format_func=number,
        )
    box.select_slider(
        "batch size B (noise σ/√B)",
        sorted(set(BATCH_SIZES) | {ss[run_key(i, "batch")]}),
        key=run_key(i, "batch"),
    )

try:
    configs = configs_from_state()
except ValueError as error:
    st.error(f"These settings cannot run: {error}")
    st.stop()

if ss.get("lab.lesson") and [r.config for r in LESSONS[ss["lab.lesson"]].runs] != configs:
    del ss["lab.lesson"]
link = to_link(configs)
if st.query_params.to_dict() != link:
    st.query_params.from_dict(link)

if ss.get("lab.lesson"):
    lesson = LESSONS[ss["lab.lesson"]]
    labels = [run.label for run in lesson.runs]
    st.info(f"**{lesson.title}.** {lesson.look_for}", icon=":material/visibility:")
else:
    labels = labels_for(configs)
st.caption(
    f"{land.name}: {land.lesson} Every run starts at ({configs[0].starts[0][0]:.3g}, "
    f"{configs[0].starts[0][1]:.3g}) and draws the same noise (seed {configs[0].seed})."
)

queries = [tuple(sorted(c.to_query().items())) for c in configs]
runs = [run(q) for q in queries]
points = np.stack([r.points[0, 0] for r in runs])
loss = np.stack([r.loss[0, 0] for r in runs])
lr = np.stack([r.lr[0] for r in runs])
diverged_at = np.array([r.diverged_at[0, 0] for r in runs])
grid = background(land.key)
for label, k in zip(labels, diverged_at, strict=True):
    if k >= 0:
        st.warning(f"{label} diverged at step {k}.", icon=":material/error:")

st.subheader("The race, linked to the learning rate")
st.caption(
    "Hover a path on the map or a point of the learning-rate or loss curve, or drag the step "
    "slider: the dots on all three views jump to that step."
)
figure, markers = linked_figure(
    grid, labels, points, loss, lr, diverged_at, [p for p, _ in land.minima], land.domain
)
linked_steps(figure, markers, configs[0].steps, key="lab_linked")

for i, (config, label) in enumerate(zip(configs, labels, strict=True)):
    schedule = SCHEDULES[config.schedule[0] if config.schedule else "constant"]
    name, formula = st.columns([2, 5], vertical_alignment="center")
    name.markdown(
        f"<span style='color:{colour(i)};font-size:1.4rem'>■</span> **{label}**: {schedule.name}",
        unsafe_allow_html=True,
    )
    formula.latex(schedule.latex)

st.subheader("Each run in numbers")
minima = np.array([p for p, _ in land.minima]).reshape(-1, 2)
rows = []
for label, config, r in zip(labels, configs, runs, strict=True):
    final = r.points[0, 0, -1]
    rows.append(
        {
            "run": label,
            "η": number(config.optimizers[0][1]["learning_rate"]),
            "batch B": config.batch_size,
            "noise σ/√B": number(config.gradient_noise),
            "final f − f*": f"{max(r.loss[0, 0, -1] - grid.minimum, 0.0):.3g}",
            "distance to nearest minimum": f"{np.linalg.norm(minima - final, axis=1).min():.3g}"
            if len(minima)
            else "–",
            "diverged at": int(r.diverged_at[0, 0]) if r.diverged_at[0, 0] >= 0 else "–",
        }
    )
st.dataframe(rows, hide_index=True)

clip_norms = [c.clip_norm for c in configs]
if any(c is not None for c in clip_norms):
    st.subheader("Gradient norm, raw and clipped")
    st.caption(
        "Solid: ‖∇f‖ at the current point. Dotted: the norm of the gradient the optimizer was "
        "given, after noise and clipping; clipping caps it at c (dashed) however steep the wall."
    )
    raw = np.stack([np.linalg.norm(r.grads[0, 0], axis=-1) for r in runs])
    applied = np.stack([np.linalg.norm(r.applied_grads[0, 0], axis=-1) for r in runs])
    after = (
        np.arange(raw.shape[1]) >= np.where(diverged_at >= 0, diverged_at, raw.shape[1])[:, None]
    )
    raw[after] = applied[after] = np.nan
    st.plotly_chart(
        gradient_norm_figure(labels, raw, applied, clip_norms), config={"displayModeBar": False}
    )

st.subheader("LR range test")
st.caption(
    f"Run 1 ({labels[0]}) repeated for {RANGE_RATES} learning rates in one vectorised sweep, "
    "everything else unchanged: too small a rate barely moves, the best rates sit just below the "
    "edge where runs start to diverge."
)
rates, final_loss, diverged = range_test(queries[0])
st.plotly_chart(
    lr_range_figure(
        rates,
        final_loss - grid.minimum,
        diverged,
        f"{labels[0]}: final f − f* after {configs[0].steps} steps",
    ),
    config={"displayModeBar": False},
)
