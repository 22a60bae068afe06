"""Train a network: a small MLP learns a 2-D dataset live, with the optimizers and schedules of
the 2-D race, on real minibatches.

controls → TrainConfig → train (one engine call) → prediction maps over training and curves.
"""

import streamlit as st

from lessons.network import CATALOG as LESSONS
from networks import datasets
from networks.train import MAX_RUNS, TrainConfig
from optimizers import CATALOG as OPTIMIZERS
from ui import headings
from ui.binder import Binder
from ui.cached import trained_network
from ui.charts import live_chart
from ui.network_controls import data_controls, load, net_controls, run_slot
from ui.network_replay import curves_and_numbers
from ui.unseen import lazy_expander
from viz import optimizer_styles
from viz.network import prediction_figure

ss = st.session_state


def names_of(config: TrainConfig) -> list[str]:
    names = [
        f"{OPTIMIZERS[r.optimizer].name}, η={r.hyperparams['learning_rate']:g}, B={r.batch_size}"
        for r in config.runs
    ]
    return [f"{n} ({i + 1})" if names.count(n) > 1 else n for i, n in enumerate(names)]


binder = Binder(
    prefix="net.",
    buttons="net.lesson.",
    lessons=LESSONS,
    default_lesson="optimizers_spirals",
    read_link=TrainConfig.from_query,
    load=load,
    lesson_state=lambda lesson: lesson.config,
    page="network",
)
binder.start("Train a network")
sidebar = st.sidebar
binder.lesson_buttons(sidebar, "Lessons")
headings.subheader("Data", sidebar)
data = data_controls(sidebar)
headings.subheader("Network", sidebar)
net = net_controls(sidebar)
headings.subheader("Runs, from one initialization", sidebar)
sidebar.number_input("How many", 1, MAX_RUNS, key="net.runs")
n_train, _ = datasets.split_sizes(data["n"], datasets.CATALOG[data["dataset"]].classes)
runs = []
for i in range(ss["net.runs"]):
    box = lazy_expander(sidebar, f"Run {i + 1}", f"net.{i}.open", expanded=i == 0)
    runs.append(run_slot(box, i, n_train))
sidebar.slider("steps", 10, 2000, key="net.steps")
sidebar.number_input("initialization seed", 0, 2**31 - 1, key="net.seed")

config = binder.checked(
    lambda: TrainConfig(
        **data, net=net, runs=tuple(runs), steps=ss["net.steps"], seed=ss["net.seed"]
    )
)
lesson = binder.publish(config)
binder.tools()
notes = binder.notes()
spec = datasets.CATALOG[config.dataset]
notes.caption(f"{spec.name}: {spec.lesson} {n_train} training points, the rest held out.")
binder.show_lesson(lesson, notes)

with st.spinner(f"Training {len(config.runs)} run(s) for {config.steps} steps…"):
    history, chosen, field = trained_network(config)
names = names_of(config)
styles = optimizer_styles([run.optimizer for run in config.runs])
for name, k in zip(names, history.diverged_at, strict=True):
    if k >= 0:
        st.warning(f"{name} diverged at step {k}: its curves stop there.", icon=":material/error:")

data_set = config.data()
headings.subheader("What each run predicts, over training")
live_chart(
    prediction_figure(
        field.xs,
        field.ys,
        field.probabilities,
        history.checkpoint_steps[chosen],
        data_set.x_train,
        data_set.y_train,
        names,
    ),
    "net.maps",
    name="predictions",
)
st.caption(
    "Colour: the class the network picks there, pale where it is unsure. ▶ replays training."
)

curves_and_numbers(config, history, names, styles)
