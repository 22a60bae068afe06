"""The learning-rate lab: schedules, warmup, restarts, clipping and batch noise, each as a race.

Several runs on one landscape from one start with one noise seed, each with its own optimizer,
rate, schedule, clipping and batch size: controls → LabConfig → simulate → linked figure.
"""

import numpy as np
import streamlit as st

import landscapes
from components.linked_steps import linked_steps
from lessons.learning_rate import CATALOG as LESSONS
from optimizers.analysis import divergence_edge, lab_table, regions
from optimizers.lab_config import MAX_RUNS, LabConfig
from optimizers.run_config import RunConfig
from optimizers.schedules import CATALOG as SCHEDULES
from ui import controls
from ui.binder import Binder
from ui.cached import RANGE_RATES, background, range_test, run
from ui.labels import run_labels
from ui.landscape_picker import landscape_picker, set_landscape
from ui.race_sections import formula_rows
from viz.lr_lab import gradient_norm_figure, linked_figure, lr_range_figure

ss = st.session_state


def load(lab: LabConfig) -> None:
    """Set every widget from the lab's runs."""
    first = lab.runs[0]
    set_landscape("lab.", first.landscape)
    controls.load_starts("lab.", landscapes.lookup(first.landscape), first.starts)
    controls.load_gradient("lab.", first)
    ss["lab.steps"] = first.steps
    ss["lab.n_runs"] = len(lab.runs)
    for i, config in enumerate(lab.runs):
        controls.load_optimizer(f"lab.{i}.", config.optimizers[0])
        controls.load_schedule(f"lab.{i}.", config.schedule)
        controls.load_gradient(f"lab.{i}.", config)


binder = Binder(
    prefix="lab.",
    buttons="lesson.",
    lessons=LESSONS,
    default_lesson="decay_under_noise",
    read_link=LabConfig.from_query,
    load=load,
    lesson_state=lambda lesson: LabConfig(tuple(run.config for run in lesson.runs)),
)
binder.start("Learning-rate lab")
sidebar = st.sidebar
binder.lesson_buttons(sidebar, "Lessons")

sidebar.subheader("Shared by every run")
land = landscape_picker(
    sidebar, "lab.", lambda: controls.reset_start("lab.", landscapes.lookup(ss["lab.land"]))
)
(start,) = controls.starts_control(sidebar, "lab.", land)
sidebar.slider("steps", 10, 2000, key="lab.steps")
noise, seed = controls.noise_control(sidebar, "lab.")

sidebar.subheader("Runs")
sidebar.number_input("How many", 1, MAX_RUNS, key="lab.n_runs")
runs = []
for i in range(ss["lab.n_runs"]):
    box = sidebar.expander(f"Run {i + 1}", expanded=i == 0)
    settings = controls.optimizer_slot(box, f"lab.{i}.")
    schedule = controls.schedule_control(box, f"lab.{i}.")
    clip = controls.clip_control(box, f"lab.{i}.")
    batch = controls.batch_control(box, f"lab.{i}.")
    runs.append((settings, schedule, clip, batch))

lab = binder.checked(
    lambda: LabConfig(
        tuple(
            RunConfig(land.key, (settings,), (start,), ss["lab.steps"], schedule, clip, noise,
                      batch, seed)
            for settings, schedule, clip, batch in runs
        )
    )
)  # fmt: skip
configs = lab.runs
lesson = binder.publish(lab)
binder.show_lesson(lesson)
labels = [run.label for run in lesson.runs] if lesson else run_labels(configs)
st.caption(
    f"{land.name}: {land.lesson} Every run starts at ({start[0]:.3g}, {start[1]:.3g}) and draws "
    f"the same noise (seed {seed})."
)

trajectories = [run(config) for config in configs]
points = np.stack([t.points[0, 0] for t in trajectories])
loss = np.stack([t.loss[0, 0] for t in trajectories])
lr = np.stack([t.lr[0] for t in trajectories])
diverged_at = np.array([t.diverged_at[0, 0] for t in trajectories])
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
schedules = [SCHEDULES[c.schedule[0] if c.schedule else "constant"] for c in configs]
formula_rows([(f"{lb}: {s.name}", s.latex) for lb, s in zip(labels, schedules, strict=True)])

st.subheader("Each run in numbers")
st.dataframe(lab_table(labels, configs, trajectories, land, grid.minimum), hide_index=True)

if any(c.clip_norm is not None for c in configs):
    st.subheader("Gradient norm, raw and clipped")
    st.caption(
        "Solid: ‖∇f‖ at the current point. Dotted: the norm of the gradient the optimizer was "
        "given, after noise and clipping; clipping caps it at c (dashed) however steep the wall."
    )
    raw, applied = (
        np.stack([np.linalg.norm(getattr(t, name)[0, 0], axis=-1) for t in trajectories])
        for name in ("grads", "applied_grads")
    )
    after = (
        np.arange(raw.shape[1]) >= np.where(diverged_at >= 0, diverged_at, raw.shape[1])[:, None]
    )
    raw[after] = applied[after] = np.nan
    clips = [c.clip_norm for c in configs]
    st.plotly_chart(
        gradient_norm_figure(labels, raw, applied, clips), config={"displayModeBar": False}
    )

st.subheader("LR range test")
st.caption(
    f"Run 1 ({labels[0]}) repeated for {RANGE_RATES} learning rates in one vectorised sweep, "
    "everything else unchanged: too small a rate barely moves, the best rates sit just below the "
    "edge where runs start to diverge."
)
rates, final_loss, diverged = range_test(configs[0])
gap = final_loss - grid.minimum
title = f"{labels[0]}: final f − f* after {configs[0].steps} steps"
st.plotly_chart(
    lr_range_figure(
        rates, gap, diverged, regions(rates, gap, diverged), divergence_edge(rates, diverged), title
    ),
    config={"displayModeBar": False},
)
