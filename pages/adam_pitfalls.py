"""Adam's two weaknesses, shown: it may not converge (Reddi et al. 2018) and it may generalise
worse than SGD (Wilson et al. 2017); and what was tried against them (AMSGrad, SWATS), AdaGrad's
stall and Adam's hover near a minimum.

controls → PitfallConfig → run_pitfall (one engine call) → the part's figures.
"""

import dataclasses

import streamlit as st

from lessons.adam_pitfalls import CATALOG as LESSONS
from optimizers.pitfalls import LANDSCAPES, PARTS, SETTINGS, USES, PitfallConfig
from ui import headings
from ui.binder import Binder
from ui.pitfall_view import SHOW, cached_run
from ui.sliders import param_slider

PART_NAMES = {
    "reddi": "Reddi's counterexample (§3)",
    "reddi_online": "Online problem, 10⁶ steps (§5)",
    "reddi_stochastic": "Stochastic problem (§5)",
    "wilson": "Least squares: Wilson's construction",
    "swats": "Switching from Adam to SGD (SWATS)",
    "adagrad_stall": "AdaGrad's stall vs RMSProp",
    "adam_cycle": "Adam's hover near a minimum",
}
STEPS = (10, 30, 100, 300, 1000, 2000, 3000, 10_000, 30_000, 100_000, 300_000, 1_000_000)
STEP_LIMIT = {"reddi": 100_000, "reddi_online": 1_000_000, "reddi_stochastic": 1_000_000}
ss = st.session_state


FIELDS = [f.name for f in dataclasses.fields(PitfallConfig)]


def load(config: PitfallConfig) -> None:
    for name in FIELDS:
        ss[f"ap.{name}"] = getattr(config, name)


def settings(container, part: str) -> dict:
    """The part's controls; returns the config fields they set."""
    uses, values = USES[part], {"part": part}
    for name in (n for n in uses if n in SETTINGS):
        values[name] = param_slider(container, SETTINGS[name], f"ap.{name}")
    if "landscape" in uses:
        values["landscape"] = container.selectbox("Landscape", LANDSCAPES, key="ap.landscape")
    if "inverse_sqrt" in uses:
        values["inverse_sqrt"] = container.toggle(
            "rate α/√t (off: constant α)", key="ap.inverse_sqrt"
        )
    limit = STEP_LIMIT.get(part, 20_000)
    options = sorted({s for s in STEPS if s <= limit} | {min(ss["ap.steps"], limit)})
    ss["ap.steps"] = min(ss["ap.steps"], limit)
    values["steps"] = container.select_slider("steps", options, key="ap.steps")
    if "samples" in uses:
        values["samples"] = container.slider("training samples n", 2, 50, key="ap.samples")
    if "seed" in uses:
        values["seed"] = container.number_input("seed", 0, 2**31 - 1, key="ap.seed")
    return values


binder = Binder(
    prefix="ap.",
    buttons="ap.lesson.",
    lessons=LESSONS,
    default_lesson="reddi",
    read_link=PitfallConfig.from_query,
    load=load,
    lesson_state=lambda lesson: lesson.config,
    page="adam_pitfalls",
)
binder.start("Adam's weaknesses")
sidebar = st.sidebar
binder.lesson_buttons(sidebar, "Lessons")
headings.subheader("The construction", sidebar)
part = sidebar.selectbox("Show", PARTS, key="ap.part", format_func=PART_NAMES.get)
settings_box = sidebar.container()


@st.fragment
def picture(part: str) -> None:
    """The part's sliders and everything they change (the lesson's note, the link, the numbers
    and figures): a move reruns only this, not the lesson buttons and the rest of the sidebar."""
    chosen = settings(settings_box, part)
    config = binder.checked(
        lambda: PitfallConfig(**{name: ss[f"ap.{name}"] for name in FIELDS} | chosen)
    )
    binder.show_lesson(binder.publish(config), st.container())  # a leaving lesson moves no chart
    with st.spinner("Running…"):
        result = cached_run(config)
    SHOW[config.part](config, result)


picture(part)
binder.tools()
