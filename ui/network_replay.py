"""The network page's curves and numbers with a replay slider: which evaluation step the markers
on the curves and the table show. The slider, the curves and the table rerun as one fragment
over the trained run (nothing is trained again, the prediction maps above stay put)."""

import zlib

import numpy as np
import streamlit as st

from networks.train import TrainConfig
from ui import headings
from ui.charts import live_chart
from ui.tables import static_table
from viz.network import replay_marks, training_curves

REPLAY_KEY = "net.replay"
REPLAY_OF = "network_replay_of"  # the training the replay slider belongs to
ss = st.session_state


def _panels(history) -> list[tuple[str, np.ndarray]]:
    return [
        ("training loss", history.train_loss),
        ("validation loss", history.val_loss),
        ("training accuracy", history.train_accuracy),
        ("validation accuracy", history.val_accuracy),
    ]


def _x(history, axis: str) -> np.ndarray:
    steps = np.broadcast_to(np.arange(history.train_loss.shape[1]), history.train_loss.shape)
    return steps if axis == "steps" else history.epochs


@st.cache_resource(max_entries=16, show_spinner=False, hash_funcs={TrainConfig: repr})
def curves_dict(config: TrainConfig, _history, axis: str, names: tuple, styles: tuple) -> dict:
    """The curves' figure dict, once per training and x axis (shared, never changed). Its
    uirevision keeps a zoom and the runs hidden from the legend through the replay's steps."""
    history = _history
    figure = training_curves(
        _x(history, axis), axis, _panels(history), list(names), list(styles), history.diverged_at
    )
    figure.update_layout(uirevision=f"{axis} {zlib.crc32(repr(config).encode())}")
    return figure.to_dict()


@st.fragment
def curves_and_numbers(config: TrainConfig, history, names: list[str], styles: list[dict]):
    last = history.train_loss.shape[1] - 1
    if ss.get(REPLAY_OF) != repr(config):  # a new training opens at its end
        ss[REPLAY_OF], ss[REPLAY_KEY] = repr(config), last
    ss[REPLAY_KEY] = min(ss[REPLAY_KEY], last)
    headings.subheader("Loss and accuracy")
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    axis = left.radio("x axis", ["steps", "epochs"], horizontal=True, key="net.axis")
    step = right.slider("replay: the step shown below", 0, last, key=REPLAY_KEY)
    base = curves_dict(config, history, axis, tuple(names), tuple(styles))
    panels = _panels(history)
    marks = replay_marks(
        _x(history, axis), panels, names, styles, history.diverged_at, step, axis == "steps"
    )
    layout = base["layout"] | {"shapes": [*base["layout"].get("shapes", ()), *marks]}
    live_chart({"data": base["data"], "layout": layout}, "net.curves")
    headings.subheader(f"Each run in numbers, at step {step}")
    rows = [
        {
            "run": name,
            "validation accuracy": f"{history.val_accuracy[r, step]:.1%}",
            "validation loss": f"{history.val_loss[r, step]:.3g}",
            "training loss": f"{history.train_loss[r, step]:.3g}",
            "epochs": f"{history.epochs[r, step]:.1f}",
            "diverged at": int(history.diverged_at[r]) if history.diverged_at[r] >= 0 else None,
        }
        for r, name in enumerate(names)
    ]
    static_table(rows)
