"""Sliders generated from hyperparameter records, with round numbers on log scales."""

import math

import streamlit as st

from optimizers.spec import Hyperparam

NICE_MANTISSAS = (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5)


def log_options(lo: float, hi: float, current: float) -> list[float]:
    """Round numbers about 10 a decade from lo to hi (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5 ×
    10^k: nearly even steps on a log axis), plus the current value."""
    decades = range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
    values = {float(f"{m * 10.0**k:.3g}") for k in decades for m in NICE_MANTISSAS}
    return sorted({v for v in values if lo <= v <= hi} | {float(current)})


def next_option(h: Hyperparam, value: float, up: bool) -> float | None:
    """The value a log-scaled hyperparameter's slider (`param_slider`) takes one step up or down
    from `value`; None at its end, or for a plain slider (whose float steps the browser adds)."""
    if h.scale != "log":
        return None
    options = log_options(h.min, h.max, value)
    i = options.index(float(value)) + (1 if up else -1)
    return options[i] if 0 <= i < len(options) else None


def number(value: float) -> str:
    return f"{value:.4g}"


def param_slider(container, h: Hyperparam, key: str):
    """One slider for a Hyperparam, its value kept in st.session_state[key]: a select slider of
    round numbers on a log scale where the record says so, else a plain slider."""
    st.session_state.setdefault(key, float(h.default))
    label = h.label
    if h.scale == "log":
        options = log_options(h.min, h.max, st.session_state[key])
        return container.select_slider(label, options, key=key, format_func=number, help=h.help)
    step = (h.max - h.min) / 1000 if h.max - h.min <= 1 else (h.max - h.min) / 200
    return container.slider(
        label, float(h.min), float(h.max), key=key, step=step, format="%.4g", help=h.help
    )
