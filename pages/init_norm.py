"""Inside a deep network: initialization, activations and normalization, layer by layer.

controls → InitNormConfig → statistics (one jitted pass, cached) → the per-layer figure; below
it zero initialization's symmetry, training with and without batch norm, batch norm's formulas
and statistics, which axes each normalization averages over, and input normalization.
"""

import streamlit as st

from lessons.init_norm import CATALOG as LESSONS
from ui import init_norm_view as view
from ui.binder import Binder
from ui.charts import plotly_chart
from viz.init_norm import layer_statistics_figure

binder = Binder(
    prefix="in.",
    buttons="in.lesson.",
    lessons=LESSONS,
    default_lesson="zeros",
    read_link=view.InitNormConfig.from_query,
    load=view.load,
    lesson_state=lambda lesson: lesson.config,
    fallback="the first lesson",
    page="init_norm",
)
binder.start("Initialization and normalization")
sidebar = st.sidebar
binder.lesson_buttons(sidebar, "Lessons")
sidebar.subheader("The network")
view.net_controls(sidebar)
config = binder.checked(view.current)
lesson = binder.publish(config)
notes = binder.notes()
binder.show_lesson(lesson, notes)

with st.spinner("One pass through the network…"):
    stats = view.layer_statistics(config.net, config.seed)
    other = view.compared(config)
gain = f", gain {config.sigma:g}" if config.sigma != 1 else ""
name = f"normal σ = {config.sigma:g}" if config.init == "normal" else view.NAMES[config.init] + gain
other_name = f"{view.NAMES[config.compare]} (dashed)" if other is not None else ""
net_text = (
    f"{config.depth} {view.NAMES[config.activation]} layers of {config.width} units, {name}"
    + ("" if config.norm == "none" else f", {view.NAMES[config.norm]} before φ")
)
if stats.overflow_layer >= 0:
    st.warning(
        f"The activations overflow float32 at layer {stats.overflow_layer + 1}: "
        "from there on nothing is drawn.",
        icon=":material/error:",
    )
figure = layer_statistics_figure(stats, name, other, other_name, net_text)
plotly_chart(figure, name="layer_statistics")
st.caption(
    f"{view.BATCH} inputs x ~ N(0, I). Each violin is the distribution of one layer's "
    "activations (its width: the share of values there, a lone spike such as ReLU's zeros at "
    "full width; values beyond the axis counted at its edge). Gradients are of a cross-entropy "
    "against random labels: what the initialization lets back. A unit is dead when it outputs 0 "
    "for every input; saturated: φ′ below a fifth of its peak."
)

if config.init == "zeros":
    view.show_symmetry()
if config.train:
    view.show_training(config)
view.show_batch_norm(config)
view.show_axes()
view.show_input_normalization(config)
