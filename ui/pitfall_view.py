"""What the "Adam's weaknesses" page draws for each part: its figures and a line of numbers."""

import numpy as np
import streamlit as st

import landscapes
from optimizers import CATALOG as OPTIMIZERS
from optimizers.pitfalls import WILSON_RUNS, PitfallConfig, online_runs, run_pitfall
from ui.cached import background
from ui.charts import live_chart, plotly_chart
from viz import optimizer_styles
from viz.pitfalls import (
    hover_figure,
    online_figure,
    paths_map,
    rates_figure,
    swats_curves,
    test_error_figure,
    wilson_figure,
)

HOVER_STEPS = 40


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs={PitfallConfig: repr})
def cached_run(config: PitfallConfig):
    return run_pitfall(config)


def _names(keys) -> list[str]:
    return [OPTIMIZERS[key].name for key in keys]


def show_online(config: PitfallConfig, run) -> None:
    keys = list(online_runs(config))
    names = _names(keys)
    ends = ", ".join(
        f"{name}: x = {x:.3g}, R/T = {r:.3g}"
        for name, x, r in zip(names, run.x[:, -1], run.average_regret[:, -1], strict=True)
    )
    st.markdown(f"**After {config.steps:,} steps.** {ends}.")
    figure = online_figure(
        run.steps,
        run.x,
        run.average_regret,
        run.x_star,
        names,
        optimizer_styles(keys),
        log_steps=config.part != "reddi",
    )
    live_chart(figure, "ap.online")


def show_wilson(config: PitfallConfig, run) -> None:
    names = ["Gradient descent", *_names(WILSON_RUNS[1:])]
    styles = optimizer_styles(list(WILSON_RUNS), [False, False, True])  # RMSProp ends on Adam
    wrong = ", ".join(f"{n}: {e:.0%}" for n, e in zip(names, run.test_error[:, -1], strict=True))
    st.markdown(f"**Fresh points predicted wrong after {config.steps:,} steps.** {wrong}.")
    min_norm = np.array([run.min_norm[0], run.min_norm[1] + run.min_norm[2]])
    adaptive = run.adaptive_limit
    if adaptive is not None:
        adaptive = np.array([adaptive[0], adaptive[1] + adaptive[2]])
    left, right = st.columns([3, 2])
    plotly_chart(wilson_figure(run.plane, names, styles, min_norm, adaptive), left)
    plotly_chart(test_error_figure(run.test_error, names, styles), right)


def show_swats(config: PitfallConfig, run) -> None:
    land = landscapes.lookup(config.landscape)
    switch = int(run.switch_step)
    said = (
        f"switched to SGD at step {switch} with the rate Λ = {run.sgd_rate:.3g}"
        if switch >= 0
        else "never switched: the estimate did not settle within ε"
    )
    st.markdown(f"**SWATS {said}.** Final f = {run.loss[-1]:.3g}.")
    adam, sgd = optimizer_styles(["adam", "momentum"])
    cut = switch + 1 if switch >= 0 else len(run.points)
    paths = [run.points[:cut], run.points[cut - 1 :]]
    marks = [(f"switch, step {switch}", run.points[switch])] if switch >= 0 else []
    minima = [p for p, _ in land.minima]
    figure = paths_map(
        background(land.key),
        paths,
        ["Adam phase", "SGD phase"],
        [adam, sgd],
        land.domain,
        minima,
        marks,
    )
    plotly_chart(figure)
    floor = min([f for _, f in land.minima], default=0.0)
    plotly_chart(swats_curves(run.loss, run.gamma, run.estimate, switch, floor))


def show_rates(config: PitfallConfig, run) -> None:
    land = landscapes.lookup(config.landscape)
    keys = ["adagrad", "rmsprop"]
    names, styles = _names(keys), optimizer_styles(keys)
    ends = ", ".join(
        f"{n} ends at ({p[0]:.3g}, {p[1]:.3g}) with rate {r[0]:.3g} along x"
        for n, p, r in zip(names, run.points[:, -1], run.rates[:, -1], strict=True)
    )
    st.markdown(f"**After {config.steps:,} steps:** {ends}.")
    minima = [p for p, _ in land.minima]
    plotly_chart(rates_figure(run.rates, names, styles))
    paths = list(run.points)
    plotly_chart(paths_map(background(land.key), paths, names, styles, land.domain, minima))


def show_hover(config: PitfallConfig, run) -> None:
    tail = np.abs(run.x[-HOVER_STEPS:])
    st.markdown(
        f"**The last {HOVER_STEPS} steps:** |x| between {tail.min():.2g} and {tail.max():.2g}; "
        f"x changes sign {int(np.sum(np.diff(np.sign(run.x[-HOVER_STEPS:])) != 0))} times."
    )
    plotly_chart(hover_figure(run.x, HOVER_STEPS))


SHOW = {
    "reddi": show_online,
    "reddi_online": show_online,
    "reddi_stochastic": show_online,
    "wilson": show_wilson,
    "swats": show_swats,
    "adagrad_stall": show_rates,
    "adam_cycle": show_hover,
}
