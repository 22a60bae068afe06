"""The learning-rate lab: schedules, warmup, restarts, clipping and batch noise, each as a race.

Several runs on one landscape from one start with one noise seed, each with its own optimizer,
rate, schedule, clipping and batch size: controls → LabConfig → simulate → linked figure.

The start and the runs' controls live in a fragment with every output they change, so moving
one (a run's rate, the start) reruns only that fragment: the rest of the sidebar stays as it is.
"""

import numpy as np
import streamlit as st

import landscapes
from components.linked_steps import linked_steps
from lessons.learning_rate import CATALOG as LESSONS
from optimizers.lab_config import MAX_RUNS, LabConfig
from optimizers.run_config import RunConfig
from ui import controls, lab_sections
from ui.binder import Binder
from ui.cached import RANGE_RATES, background, run
from ui.charts import plotly_chart
from ui.export import chart_config
from ui.lab_figures import linked, range_figure
from ui.labels import run_labels
from ui.landscape_picker import landscape_picker, set_landscape

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


@st.fragment
def lab_view(land, start_box, boxes, noise: float, seed: int) -> None:
    """The start, each run's controls (in `boxes`) and everything they change."""
    (start,) = controls.starts_control(start_box, "lab.", land)
    runs = []
    for i, box in enumerate(boxes):
        settings = controls.optimizer_slot(box, f"lab.{i}.")
        schedule = controls.schedule_control(box, f"lab.{i}.")
        clip = controls.clip_control(box, f"lab.{i}.")
        batch = controls.batch_control(box, f"lab.{i}.")
        runs.append((settings, schedule, clip, batch))
    lab = binder.checked(
        lambda: LabConfig(
            tuple(
                RunConfig(land.key, (settings,), (start,), ss["lab.steps"], schedule, clip,
                          noise, batch, seed)
                for settings, schedule, clip, batch in runs
            )
        )
    )  # fmt: skip
    configs = lab.runs
    lesson = binder.publish(lab)
    binder.show_lesson(lesson)
    labels = [run.label for run in lesson.runs] if lesson else run_labels(configs)
    st.caption(
        f"{land.name}: {land.lesson} Every run starts at ({start[0]:.3g}, {start[1]:.3g}) and "
        f"draws the same noise (seed {seed})."
    )
    figure, markers = linked(configs, tuple(labels))
    linked_steps(figure, markers, configs[0].steps, key="lab_linked", config=chart_config("lab"))
    st.caption(
        "The dots mark where the runs end. Hover a path on the map or a point of the "
        "learning-rate or loss curve, drag the step slider or press Play: the dots on all three "
        "views follow."
    )
    outputs(land, configs, labels, noise)


def outputs(land, configs, labels, noise: float) -> None:
    """Everything under the linked views."""
    trajectories = [run(config) for config in configs]
    points = np.stack([t.points[0, 0] for t in trajectories])
    diverged_at = np.array([t.diverged_at[0, 0] for t in trajectories])
    for label, k in zip(labels, diverged_at, strict=True):
        if k >= 0:
            st.warning(f"{label} diverged at step {k}.", icon=":material/error:")
    if noise > 0:
        lab_sections.spread_section(labels, points, diverged_at, land)
    lab_sections.schedule_rows(labels, configs)

    st.subheader("Each run in numbers")
    lab_sections.table_section(labels, configs, trajectories, land, background(land.key).minimum)
    if any(c.clip_norm is not None for c in configs):
        lab_sections.gradient_norm_section(labels, configs, trajectories, diverged_at)

    st.subheader("LR range test")
    st.caption(
        f"Run 1 ({labels[0]}) repeated for {RANGE_RATES} learning rates in one vectorised sweep, "
        "everything else unchanged: too small a rate barely moves, the best rates sit just below "
        "the edge where runs start to diverge."
    )
    plotly_chart(range_figure(configs[0]))


sidebar.subheader("Shared by every run")
land = landscape_picker(
    sidebar, "lab.", lambda: controls.reset_start("lab.", landscapes.lookup(ss["lab.land"]))
)
start_box = sidebar.container()
sidebar.slider("steps", 10, 2000, key="lab.steps")
noise, seed = controls.noise_control(sidebar, "lab.")

sidebar.subheader("Runs")
sidebar.number_input("How many", 1, MAX_RUNS, key="lab.n_runs")
boxes = [sidebar.expander(f"Run {i + 1}", expanded=i == 0) for i in range(ss["lab.n_runs"])]
lab_view(land, start_box, boxes, noise, seed)
