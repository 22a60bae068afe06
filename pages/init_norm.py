"""Inside a deep network: initialization, activations and normalization, layer by layer.

controls → InitNormConfig → statistics (one jitted pass, cached) → the per-layer figure; below
it zero initialization's symmetry, training with and without batch norm, batch norm's formulas
and statistics, which axes each normalization averages over, and input normalization (drawn once
the first chart is: ui/first_screen.py).
"""

import streamlit as st

from lessons.init_norm import CATALOG as LESSONS
from ui import headings
from ui import init_norm_view as view
from ui.binder import Binder
from ui.charts import live_chart
from ui.first_screen import below_first_screen

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
headings.subheader("The network", sidebar)
sigma_box = view.net_controls(sidebar)
notes = binder.notes()
main, training = st.container(), st.container()


@st.fragment
def statistics() -> None:
    """σ and everything it changes (the lesson's note, the link, the per-layer figure, the
    training below it): a move reruns only this, not the sections further down."""
    view.sigma_slider(sigma_box)
    config = binder.checked(view.current)
    binder.show_lesson(binder.publish(config), notes)
    with main, st.spinner("One pass through the network…"):
        stats = view.statistics_of(config)
        other = view.compared(config)
    gain = f", gain {config.sigma:g}" if config.sigma != 1 else ""
    name = (
        f"normal σ = {config.sigma:g}"
        if config.init == "normal"
        else view.NAMES[config.init] + gain
    )
    other_name = f"{view.NAMES[config.compare]} (dashed)" if other is not None else ""
    net_text = (
        f"{config.depth} {view.NAMES[config.activation]} layers of {config.width} units, {name}"
        + ("" if config.norm == "none" else f", {view.NAMES[config.norm]} before φ")
    )
    if stats.overflow_layer >= 0:
        main.warning(
            f"The activations overflow float32 at layer {stats.overflow_layer + 1}: "
            "from there on nothing is drawn.",
            icon=":material/error:",
        )
    figure = view.statistics_figure(config, net_text, name, other_name)
    live_chart(figure, "in.chart", main, name="layer_statistics")
    main.caption(
        f"{view.BATCH} inputs x ~ N(0, I). Each violin is the distribution of one layer's "
        "activations (its width: the share of values there, a lone spike such as ReLU's zeros "
        "at full width; values beyond the axis counted at its edge). Gradients are of a "
        "cross-entropy against random labels: what the initialization lets back. A unit is "
        "dead when it outputs 0 for every input; saturated: φ′ below a fifth of its peak."
    )
    if config.train:
        with training:
            view.show_training(config)


statistics()
binder.tools()
if below_first_screen("init_norm"):
    config = view.current()
    if config.init == "zeros":
        view.show_symmetry()
    view.show_batch_norm(config)
    view.show_axes()
    view.show_input_normalization(config)
