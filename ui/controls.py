"""The run controls every page shares: an optimizer slot, a schedule, the gradient, the starts.

Each control is keyed by a prefix, so a page can hold several (the lab has one slot per run):
its widgets keep their values in `st.session_state[prefix + name]`. A control has two sides:
`load_…` sets its widgets from a config (a link, a lesson), and the drawing function shows the
widgets and returns the value they describe, ready for a `RunConfig`.
"""

import streamlit as st

from lessons.starts import grid, ring
from optimizers import CATALOG as OPTIMIZERS
from optimizers.params import Params
from optimizers.run_config import Settings
from optimizers.schedules import CATALOG as SCHEDULES
from ui.sliders import log_options, number, param_slider

CONSTANT = "constant"
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
NO_CLIP = 10.0
START_MODES = {"one": "One start", "ring": "Ring of starts", "grid": "Grid of starts"}
LISTED = "listed"
ss = st.session_state


# --- one optimizer ------------------------------------------------------------------------------


def load_optimizer(prefix: str, settings: Settings, noisy: bool = True) -> None:
    key, hp = settings
    ss[f"{prefix}opt"] = key
    ss[f"{prefix}noisy"] = noisy
    for name, value in hp.items():
        ss[f"{prefix}hp.{key}.{name}"] = value


def optimizer_slot(container, prefix: str, default: str = "sgd") -> Settings:
    """A method picker and a slider for each of its hyperparameters (symbols, not keys)."""
    spec = method_picker(container, prefix, default)
    return spec.key, hyperparam_sliders(container, prefix, spec)


def method_picker(container, prefix: str, default: str = "sgd"):
    """The optimizer of a slot: its catalogue record."""
    ss.setdefault(f"{prefix}opt", default)
    container.selectbox(
        "Method", list(OPTIMIZERS), key=f"{prefix}opt", format_func=lambda k: OPTIMIZERS[k].name
    )
    return OPTIMIZERS[ss[f"{prefix}opt"]]


def hyperparam_sliders(container, prefix: str, spec) -> Params:
    """A slider for each hyperparameter of the optimizer `spec`."""
    return Params(
        {
            h.name: param_slider(container, h, f"{prefix}hp.{spec.key}.{h.name}")
            for h in spec.hyperparams
        }
    )


def noise_flag(container, prefix: str) -> bool:
    ss.setdefault(f"{prefix}noisy", True)
    return container.checkbox("gets the gradient noise", key=f"{prefix}noisy")


# --- the learning-rate schedule -----------------------------------------------------------------


def load_schedule(prefix: str, schedule: Settings | None) -> None:
    key, hp = schedule or (CONSTANT, {})
    ss[f"{prefix}sched"] = key
    for name, value in hp.items():
        ss[f"{prefix}sp.{key}.{name}"] = value


def schedule_control(container, prefix: str, show_formula: bool = False) -> Settings | None:
    """A schedule picker and its sliders; None for the constant rate."""
    ss.setdefault(f"{prefix}sched", CONSTANT)
    container.selectbox(
        "Schedule", list(SCHEDULES), key=f"{prefix}sched", format_func=lambda k: SCHEDULES[k].name
    )
    spec = SCHEDULES[ss[f"{prefix}sched"]]
    if spec.key == CONSTANT:
        return None
    if show_formula:
        container.latex(spec.latex)
    values = {
        h.name: param_slider(container, h, f"{prefix}sp.{spec.key}.{h.name}")
        for h in spec.hyperparams
    }
    return spec.key, Params(values)


# --- the gradient: clipping, noise, batch size --------------------------------------------------


def load_gradient(prefix: str, config) -> None:
    """Clipping, noise, batch size and seed of a RunConfig."""
    ss[f"{prefix}clip_on"] = config.clip_norm is not None
    ss[f"{prefix}clip"] = config.clip_norm or NO_CLIP
    ss[f"{prefix}noise"] = config.noise_std
    ss[f"{prefix}batch"] = config.batch_size
    ss[f"{prefix}seed"] = config.seed


def clip_control(container, prefix: str) -> float | None:
    """A toggle and a log slider for the global-norm clip c; None when off."""
    ss.setdefault(f"{prefix}clip_on", False)
    ss.setdefault(f"{prefix}clip", NO_CLIP)
    if not container.toggle("Clip the gradient's norm", key=f"{prefix}clip_on"):
        return None
    return container.select_slider(
        "max norm c",
        log_options(0.01, 1000, ss[f"{prefix}clip"]),
        key=f"{prefix}clip",
        format_func=number,
    )


def batch_control(container, prefix: str) -> int:
    ss.setdefault(f"{prefix}batch", 1)
    return container.select_slider(
        "batch size B (noise σ/√B)",
        sorted(set(BATCH_SIZES) | {ss[f"{prefix}batch"]}),
        key=f"{prefix}batch",
    )


def noise_control(container, prefix: str) -> tuple[float, int]:
    """The noise σ of a batch of one and its seed."""
    ss.setdefault(f"{prefix}noise", 0.0)
    ss.setdefault(f"{prefix}seed", 0)
    noise = container.slider(
        "gradient noise σ (batch size 1)", 0.0, 5.0, key=f"{prefix}noise", step=0.05
    )
    seed = container.number_input("noise seed", 0, 2**31 - 1, key=f"{prefix}seed")
    return noise, seed


# --- where the runs start -----------------------------------------------------------------------


def load_starts(prefix: str, land, starts, pattern: dict | None = None) -> None:
    """Set the start widgets: a one-start, ring or grid `pattern` (mode, sx, sy, sr, sn) when
    it describes `starts`, else the listed starts themselves."""
    (x0, x1), _ = land.domain
    first = starts[0]
    pattern = {"mode": "one", "sx": first[0], "sy": first[1], "sr": 0.15 * (x1 - x0), "sn": 8} | (
        pattern or {}
    )
    ss[f"{prefix}smode"] = pattern["mode"]
    for name in ("sx", "sy", "sr", "sn"):
        ss[f"{prefix}{name}"] = pattern[name]
    ss.pop(f"{prefix}listed_starts", None)
    if pattern_starts(prefix, land) != tuple(starts):
        ss[f"{prefix}listed_starts"] = tuple(starts)
        ss[f"{prefix}smode"] = LISTED


def start_pattern(prefix: str) -> dict:
    return {"mode": ss[f"{prefix}smode"]} | {
        name: ss[f"{prefix}{name}"] for name in ("sx", "sy", "sr", "sn")
    }


def pattern_starts(prefix: str, land) -> tuple[tuple[float, float], ...]:
    """The starts the pattern widgets describe; a ring is kept inside the domain."""
    mode, centre = ss[f"{prefix}smode"], (ss[f"{prefix}sx"], ss[f"{prefix}sy"])
    if mode == LISTED and f"{prefix}listed_starts" in ss:
        return ss[f"{prefix}listed_starts"]
    if mode == "ring":
        (x0, x1), (y0, y1) = land.domain
        return tuple(
            (min(max(x, x0), x1), min(max(y, y0), y1))
            for x, y in ring(centre, ss[f"{prefix}sr"], ss[f"{prefix}sn"])
        )
    if mode == "grid":
        return grid(land.domain, ss[f"{prefix}sn"])
    return (centre,)


def _keep_inside(prefix: str, land, x: float, y: float) -> None:
    (x0, x1), (y0, y1) = land.domain
    ss[f"{prefix}sx"] = float(min(max(x, x0), x1))
    ss[f"{prefix}sy"] = float(min(max(y, y0), y1))


def move_start(prefix: str, land, x: float, y: float) -> None:
    """Put the start (a ring's centre) at (x, y), inside the domain; a grid becomes one start."""
    _keep_inside(prefix, land, x, y)
    if ss.get(f"{prefix}smode") in (LISTED, "grid"):
        ss[f"{prefix}smode"] = "one"


def reset_start(prefix: str, land) -> None:
    """Back to the landscape's own start (a new landscape), the ring scaled to its domain; a
    grid stays a grid."""
    (x0, x1), _ = land.domain
    ss[f"{prefix}sr"] = 0.15 * (x1 - x0)
    _keep_inside(prefix, land, *land.default_start)
    if ss.get(f"{prefix}smode") == LISTED:
        ss[f"{prefix}smode"] = "one"


START_DIGITS = 9


def start_step(lo: float, hi: float) -> float:
    """One step of a start slider over [lo, hi]."""
    return (hi - lo) / 400


def rounded_start(start: tuple[float, float]) -> tuple[float, float]:
    """A start to START_DIGITS decimals, so that a slider's -2.9699999999999998 and the step
    worked out ahead, -2.97, name the same runs."""
    return round(float(start[0]), START_DIGITS), round(float(start[1]), START_DIGITS)


def start_ahead(start, domain, previous_x: float | None) -> tuple[float, float] | None:
    """The start one start-x slider step (`start_step`) further in the direction the slider
    last moved from `previous_x` (rightwards before it has moved), rounded; None beyond the
    domain's edge. A page builds it ahead (`ui.ahead`) while the class looks at this one."""
    (x0, x1), _ = domain
    x, y = start
    step = start_step(x0, x1) * (-1 if previous_x is not None and previous_x > x else 1)
    ahead = rounded_start((x + step, y))
    return ahead if x0 <= ahead[0] <= x1 else None


def starts_control(container, prefix: str, land, patterns: bool = False):
    """Sliders for the start (kept inside the domain) and, with `patterns`, a ring or a grid of
    starts around it; returns the starts."""
    (x0, x1), (y0, y1) = land.domain
    ss.setdefault(f"{prefix}smode", "one")
    _keep_inside(prefix, land, ss[f"{prefix}sx"], ss[f"{prefix}sy"])
    if patterns:
        listed = [LISTED] if f"{prefix}listed_starts" in ss else []
        container.radio(
            "Starts",
            [*START_MODES, *listed],
            key=f"{prefix}smode",
            format_func=lambda m: START_MODES.get(m, "As in the link or preset"),
            horizontal=True,
        )
    for name, lo, hi in (("sx", x0, x1), ("sy", y0, y1)):
        container.slider(
            f"start {name[1]}",
            float(lo),
            float(hi),
            key=f"{prefix}{name}",
            step=start_step(lo, hi),
            format="%.3f",
        )
    if ss[f"{prefix}smode"] == "ring":
        container.slider(
            "ring radius", 0.0, float(x1 - x0) / 2, key=f"{prefix}sr", step=(x1 - x0) / 400
        )
    if ss[f"{prefix}smode"] in ("ring", "grid"):
        container.slider("starts on the ring / per grid side", 2, 12, key=f"{prefix}sn")
    return pattern_starts(prefix, land)
