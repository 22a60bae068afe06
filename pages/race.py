"""The race: optimizers side by side on one landscape, animated, driven by sliders, shared by link.

controls → RaceLink (a RunConfig and its view) → simulate → figures; the link is the RaceLink.
"""

import streamlit as st

import landscapes
from components.live_figures import live_figures
from lessons.race import CATALOG as PRESETS
from optimizers import CATALOG as OPTIMIZERS
from optimizers.run_config import RunConfig
from ui import controls, headings
from ui import race_sections as sections
from ui.binder import Binder
from ui.cached import chart, run
from ui.landscape_picker import landscape_picker, set_landscape
from ui.race_figures import slot_names
from ui.race_link import RaceLink
from ui.unseen import lazy_expander

MAX_SLOTS = 6
VIEWS = {"race": "Race on the map (2-D)", "surface": "Surface (3-D)"}
ss = st.session_state


def load(link: RaceLink) -> None:
    """Set every widget from a RaceLink (a link or a preset)."""
    config = link.config
    set_landscape("", config.landscape)
    ss["n_opt"] = len(config.optimizers)
    for slot, (settings, noisy) in enumerate(zip(config.optimizers, config.noisy, strict=True)):
        controls.load_optimizer(f"{slot}.", settings, noisy)
    controls.load_schedule("", config.schedule)
    controls.load_gradient("", config)
    ss["steps"] = config.steps
    controls.load_starts("", landscapes.lookup(config.landscape), config.starts, link.pattern)
    ss["view"], ss["basins"] = link.view, link.basins
    ss["inspector"] = link.inspect is not None
    ss["inspect"] = link.inspect or 0


def start_from_click() -> None:
    """A click on the map moves the start there (the centre, for a ring)."""
    if click := ss["race_charts"]:
        controls.move_start("", landscapes.lookup(ss["land"]), click["x"], click["y"])


binder = Binder(
    prefix="",
    buttons="preset.",
    lessons=PRESETS,
    default_lesson="zigzag",
    read_link=RaceLink.from_query,
    load=load,
    lesson_state=lambda preset: RaceLink(preset.config),
    fallback="the default race",
    same_picture=lambda a, b: a.config == b.config,
)
binder.start("Optimizer race")
sidebar = st.sidebar
binder.lesson_buttons(sidebar, "Lecture presets")

headings.subheader("Landscape", sidebar)
land = landscape_picker(
    sidebar, "", lambda: controls.reset_start("", landscapes.lookup(ss["land"]))
)

headings.subheader("Optimizers", sidebar)
sidebar.number_input("How many", 1, MAX_SLOTS, key="n_opt")
methods, slider_boxes, noisy = [], [], []
for slot in range(ss["n_opt"]):
    ss.setdefault(f"{slot}.opt", list(OPTIMIZERS)[slot])
    name = OPTIMIZERS[ss[f"{slot}.opt"]].name
    box = lazy_expander(sidebar, f"{slot + 1} · {name}", f"{slot}.open", expanded=slot == 0)
    methods.append(controls.method_picker(box, f"{slot}."))
    slider_boxes.append(box.container())
    noisy.append(controls.noise_flag(box, f"{slot}."))
headings.subheader("Learning-rate schedule", sidebar)
schedule = controls.schedule_control(sidebar, "", show_formula=True)
headings.subheader("Gradient", sidebar)
clip = controls.clip_control(sidebar, "")
noise, seed = controls.noise_control(sidebar, "")
batch = controls.batch_control(sidebar, "")
headings.subheader("Run", sidebar)
run_box = sidebar.container()
binder.tools()

head, formula = st.columns([2, 3], vertical_alignment="center")
head.markdown(f"### {land.name}")
formula.latex(land.latex)
notes = binder.notes()
notes.caption(f"{land.lesson} Domain: {sections.domain_text(land.domain)}.")
shown = binder.on_show()
binder.show_lesson(shown, notes)
if shown and shown.latex:
    notes.latex(shown.latex)
names = slot_names([spec.key for spec in methods], noise, tuple(noisy))
charts_box = st.container()
sections.update_rules(methods, names)
lower = sections.lower_sections(names, land)


@st.fragment
def race(shown, schedule, clip, noise, seed, batch) -> None:
    """The sliders a lecturer moves most (hyperparameters, steps, starts) and everything they
    change: a move reruns only this, not the rest of the page and its sidebar."""
    slots = tuple(
        (spec.key, controls.hyperparam_sliders(box, f"{slot}.", spec))
        for slot, (spec, box) in enumerate(zip(methods, slider_boxes, strict=True))
    )
    run_box.slider("steps", 1, 2000, key="steps")
    starts = controls.starts_control(run_box, "", land, patterns=True)
    link = binder.checked(
        lambda: RaceLink(
            RunConfig(land.key, slots, starts, ss["steps"], schedule, clip, noise, batch, seed,
                      tuple(noisy)),
            ss["view"] if ss.get("view") in VIEWS else "race", bool(ss.get("basins")),
            ss["inspect"] if ss.get("inspector") else None, **controls.start_pattern(""),
        )
    )  # fmt: skip
    if binder.publish(link) is None and shown:
        st.rerun()  # the lesson's words above no longer describe this picture
    config = link.config
    trajectory = run(config)
    with charts_box:
        sections.size_note(config)
        sections.divergence_warnings(names, trajectory)
        st.radio(
            "View", list(VIEWS), key="view", format_func=VIEWS.get, horizontal=True,
            label_visibility="collapsed",
        )  # fmt: skip
        live_figures(
            [chart(ss["view"], config), chart("curves", config)],
            key="race_charts",
            on_change=start_from_click,
        )
    sections.draw_lower_sections(lower, config, trajectory, names, land)


race(shown, schedule, clip, noise, seed, batch)
