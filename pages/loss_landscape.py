"""The loss landscape of a network: filter-normalized slices, skip connections, sharp and flat
minima, and the training path on its plane (Li et al. 2018).

controls → LandscapeConfig → landscape_pictures (trained, sliced, drawn; the next span ahead)
→ live charts. The span's fragment redraws only what the span changes (`pictures`); the rest of
the page, the same at every span, is drawn by the full run: elements a fragment does not draw
cost the browser nothing on its reruns. What is below the slices is drawn once they are
(ui/first_screen.py, ui/landscape_sections.py).
"""

import streamlit as st

from lessons.loss_landscape import CATALOG as LESSONS
from ui.binder import Binder
from ui.charts import live_chart
from ui.first_screen import below_first_screen
from ui.landscape_numbers import roughness_rows
from ui.landscape_pictures import landscape_pictures
from ui.landscape_sections import below_the_slices
from ui.loss_landscape_view import LandscapeConfig, load, read_controls, span_slider
from ui.tables import static_table

ss = st.session_state

binder = Binder(
    prefix="land.",
    buttons="land.lesson.",
    lessons=LESSONS,
    default_lesson="skips",
    read_link=LandscapeConfig.from_query,
    load=load,
    lesson_state=lambda lesson: lesson.config,
    page="loss_landscape",
)
binder.start("The loss landscape of a network")
sidebar = st.sidebar
binder.lesson_buttons(sidebar, "Lessons")
config, span_box = binder.checked(lambda: read_controls(sidebar))
notes = binder.notes()


def shown_at(config: LandscapeConfig, box):
    """The config's pictures (`landscape_pictures`), what is being worked out told in `box`."""
    previous, ss["land.span_shown"] = ss.get("land.span_shown"), config.span
    with box, st.spinner("Training the network(s) and slicing the landscape…"):
        status = st.empty()
        shown = landscape_pictures(config, previous, lambda what: status.caption(f"⏳ {what}…"))
    status.empty()
    return shown


@st.fragment
def pictures(drawn: LandscapeConfig, slices_box, numbers_box) -> None:
    """The span and what it changes (the lesson's note, the link, the slices and their
    roughness), drawn into the page's boxes: a move reruns only this. What the span does not
    change (the lines, the paths on their plane, the 3-D surfaces) is drawn by full runs only."""
    span_slider(span_box)
    config = binder.checked(lambda: drawn.replace(span=ss["land.span"]))
    binder.show_lesson(binder.publish(config), notes)
    shown = shown_at(config, slices_box)
    live_chart(shown.figures["land.slices"], "land.slices", slices_box)
    if numbers_box is not None:
        static_table(roughness_rows(shown.result), numbers_box)


slices_box = st.container()
shown = shown_at(config, slices_box)
if config.view != "random":
    st.caption(
        "Each dot is a checkpoint of the run, projected onto the plane; θ₀ is where it "
        "started. The plane's axes e₁, e₂ are orthonormal directions in parameter space."
    )
else:
    st.caption(
        "L(θ + a d₁ + b d₂) around each trained θ (★), d₁ and d₂ random Gaussian directions "
        "scaled filter by filter to the network's own weights (Li et al. 2018), so a = 1 "
        "changes every unit by its own size."
    )
st.caption(
    "Roughness in each title (train = training set, val. = held-out points): minima = grid "
    "points strictly below all 8 neighbours; TV = the "
    "total variation of log L along a grid line, averaged over the lines (a bowl: about twice "
    "its depth in log units; every extra bump adds to it)."
)

right = below_the_slices(config, shown) if below_first_screen("loss_landscape", sidebar) else None
pictures(config, slices_box, right)
binder.tools()
