"""The learning-rate lab: schedules, warmup, restarts, clipping and batch noise, each as a race.

Several runs on one landscape from one start with one noise seed, each with its own optimizer,
rate, schedule, clipping and batch size: controls → LabConfig → simulate → linked figure.

The sliders a lecturer moves most (the start, each run's hyperparameters) live in a fragment
with every output they change, written into their places in the sidebar: moving one reruns only
that fragment; the lesson buttons, the pickers and the rest of the sidebar stay as they are.
"""

import streamlit as st

import landscapes
from components.linked_steps import linked_steps
from lessons.learning_rate import CATALOG as LESSONS
from optimizers.lab_config import MAX_RUNS, LabConfig
from optimizers.run_config import RunConfig
from ui import controls, headings
from ui.binder import Binder
from ui.charts import presenting
from ui.export import chart_config
from ui.first_screen import below_first_screen
from ui.lab_figures import linked, prepare_next
from ui.lab_outputs import below_the_views, lab_boxes
from ui.labels import run_labels
from ui.landscape_picker import landscape_picker, set_landscape
from ui.lecture import PRESENT_FACTOR
from ui.unseen import lazy_expander

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
    page="learning_rate",
)
binder.start("Learning-rate lab")
sidebar = st.sidebar
binder.lesson_buttons(sidebar, "Lessons")


@st.fragment
def lab_view(land, noise: float, seed: int) -> None:
    """The sliders a lecturer moves most (the start, each run's hyperparameters) and everything
    they change: moving one reruns only this, not the rest of the page and its sidebar."""
    (start,) = controls.starts_control(start_box, "lab.", land)
    start = controls.rounded_start(start)
    present = presenting()
    settings = [
        (spec.key, controls.hyperparam_sliders(box, f"lab.{i}.", spec))
        for i, (spec, box) in enumerate(zip(methods, slider_boxes, strict=True))
    ]
    lab = binder.checked(
        lambda: LabConfig(
            tuple(
                RunConfig(land.key, (slot,), (start,), ss["lab.steps"], schedule, clip, noise,
                          batch, seed)
                for slot, (schedule, clip, batch) in zip(settings, gradients, strict=True)
            )
        )
    )  # fmt: skip
    configs = lab.runs
    lesson = binder.publish(lab)  # None once a control moved away from it
    binder.show_lesson(lesson, lesson_box)
    labels = [run.label for run in lesson.runs] if lesson else run_labels(configs)
    with boxes.views:
        st.caption(
            f"{land.name}: {land.lesson} Every run starts at ({start[0]:.3g}, {start[1]:.3g}) "
            f"and draws the same noise (seed {seed})."
        )
        figure, markers = linked(configs, tuple(labels), present)
        linked_steps(
            figure,
            markers,
            configs[0].steps,
            key="lab_linked",
            config=chart_config("lab"),
            scale=PRESENT_FACTOR if present else 1,
        )
    below_the_views(boxes, land, configs, labels)
    prepare_next(configs, ss.get("lab.shown"), land.domain, present)  # while the class looks
    ss["lab.shown"] = configs


headings.subheader("Shared by every run", sidebar)
land = landscape_picker(
    sidebar, "lab.", lambda: controls.reset_start("lab.", landscapes.lookup(ss["lab.land"]))
)
start_box = sidebar.container()
sidebar.slider("steps", 10, 2000, key="lab.steps")
noise, seed = controls.noise_control(sidebar, "lab.")

headings.subheader("Runs", sidebar)
sidebar.number_input("How many", 1, MAX_RUNS, key="lab.n_runs")
methods, slider_boxes, gradients = [], [], []
for i in range(ss["lab.n_runs"]):
    box = lazy_expander(sidebar, f"Run {i + 1}", f"lab.{i}.open", expanded=i == 0)
    methods.append(controls.method_picker(box, f"lab.{i}."))
    slider_boxes.append(box.container())
    schedule = controls.schedule_control(box, f"lab.{i}.")
    clip = controls.clip_control(box, f"lab.{i}.")
    gradients.append((schedule, clip, controls.batch_control(box, f"lab.{i}.")))
binder.tools()
lesson_box = st.container()  # the lesson's note, if one is on show: the fragment draws it
# The headings and formulas are drawn here; the fragment draws in the boxes between them.
below = below_first_screen("learning_rate", sidebar)
boxes = lab_boxes(
    noise, [s for s, _, _ in gradients], any(c is not None for _, c, _ in gradients), below
)
lab_view(land, noise, seed)
