"""The look shared by every figure: colours, marker symbols and font sizes for a lecture hall.

A colour belongs to an optimizer, the same on every page: the ones a lecture shows most (SGD,
momentum, AdaGrad, Adam) get four of Okabe & Ito's colour-blind-safe colours, the rest dark,
saturated colours from Paul Tol's palettes that stand out on the grey landscape (no sky blue
beside blue, no yellow, no black: black is the minimum's star). Runs without an optimizer of
their own (the lab's lanes) take `COLOURS` in order.
"""

import functools

import plotly.graph_objects as go
import plotly.io as pio

COLOURS: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#882255",  # wine
)

OPTIMIZER_COLOURS: dict[str, str] = {
    "sgd": "#0072B2",  # blue
    "momentum": "#D55E00",  # vermillion
    "nesterov": "#E69F00",  # orange
    "adagrad": "#009E73",  # green
    "rmsprop": "#882255",  # wine
    "adadelta": "#999933",  # olive
    "adam": "#CC79A7",  # reddish purple
    "adam_no_bias": "#332288",  # indigo
    "nadam": "#AA4499",  # purple
    "amsgrad": "#44AA99",  # teal
    "amsgrad_reddi": "#117733",  # dark green
    "adamw": "#661100",  # brown
    "lion": "#A6761D",  # ochre
    "newton": "#222222",  # near black
    "saddle_free_newton": "#5D3A9B",  # violet
}

DASHES = ("solid", "dash", "dot", "dashdot")

LANDSCAPE_COLOURS: tuple[str, ...] = ("#FFFFFF", "#ABABAB")
"""Low to high: a calm neutral ramp, so every optimizer colour stands out on every band."""

DIVERGED_SYMBOL = "x"
MINIMUM_SYMBOL = "star"
SADDLE_SYMBOL = "diamond"
HEAD_SYMBOL = "circle"

LINE_WIDTH = 3.5
THIN_LINE_WIDTH = 2.5
HEAD_SIZE = 15
LANDMARK_SIZE = 18

FONT_SIZE = 16
TITLE_LIFT = 8  # px: a panel title clear of the top line of its frame
TITLE_FONT_SIZE = 20
FONT_FAMILY = "Arial, Helvetica, sans-serif"
TEMPLATE = "optiscape"
# plotly_white, and tick labels that plotly.js never measures against the chart's edges: by
# default ("hide past div") it reads every label's box on every draw to hide those that stick
# out (≈ 20 ms of a race press here), and these figures' margins hold their labels anyway.
_AXIS = dict(ticklabeloverflow="allow")
pio.templates[TEMPLATE] = go.layout.Template(pio.templates["plotly_white"]).update(
    layout=dict(xaxis=_AXIS, yaxis=_AXIS)
)


def colour(i: int) -> str:
    """The colour of the i-th lane; a seventh wraps around to the first."""
    return COLOURS[i % len(COLOURS)]


def optimizer_styles(keys: list[str], same_path: list[bool] | None = None) -> list[dict]:
    """Each optimizer's line: its own colour, and a dash when its colour already appeared in
    this figure or its path runs on top of an earlier one (`same_path`), so that no line hides
    another."""
    styles, seen = [], {}
    for i, key in enumerate(keys):
        colour_ = OPTIMIZER_COLOURS.get(key, colour(i))
        repeat = seen.get(colour_, 0) + bool(same_path and same_path[i])
        seen[colour_] = seen.get(colour_, 0) + 1
        styles.append(dict(color=colour_, dash=DASHES[min(repeat, len(DASHES) - 1)]))
    return styles


def hex_to_rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def ramp(colours: tuple[str, ...], n: int) -> list[tuple[int, int, int]]:
    """n RGB colours evenly spaced along the piecewise-linear ramp through `colours`."""
    stops = [hex_to_rgb(c) for c in colours]
    out = []
    for i in range(n):
        position = i / max(n - 1, 1) * (len(stops) - 1)
        j = min(int(position), len(stops) - 2)
        t = position - j
        out.append(
            tuple(round(a + (b - a) * t) for a, b in zip(stops[j], stops[j + 1], strict=True))
        )
    return out


def rgb(triple: tuple[int, int, int]) -> str:
    return f"rgb({triple[0]},{triple[1]},{triple[2]})"


@functools.cache
def template_json() -> dict:
    """The TEMPLATE as the dict plotly.js needs inside a figure dict (figures built as dicts skip
    plotly.py, which would look the name up). Computed once: callers must not change it."""
    return pio.templates[TEMPLATE].to_plotly_json()
