"""Presentation mode for any figure: text, lines and markers larger by one factor.

Every builder in viz/ sizes its figure for a screen a person sits at. On a projector seen from
the back of a room the same figure needs larger type and thicker lines, and a figure dict says
where all of them are: a `size` under any `font`, `textfont` or `marker`, a `width` under any
`line`, and the extent of a shape sized in pixels (`xsizemode`/`ysizemode` "pixel"). `enlarge`
scales those, nothing else, so one function serves every figure.

Larger tick labels and titles need room: the figure's margins (which hold them) grow by the
same factor, and each titled axis gets a standoff of its own (TITLE_STANDOFF px, scaled), which
plotly.js measures from the tick labels as drawn (without one it works out the distance from a
font size and, the margins being too small, the titles ran into the tick labels).
"""

import re
from collections.abc import Mapping

import numpy as np

SIZE_KEYS = {"font": "size", "textfont": "size", "tickfont": "size", "marker": "size"}
SIZE_KEYS["line"] = "width"
TITLE_STANDOFF = 6  # px between an axis's tick labels and its title, before scaling
SIDES = {"t", "b", "l", "r"}  # a margin's
AXIS = re.compile(r"^[xy]axis\d*$")


def enlarge(spec, factor: float):
    """A copy of a figure dict (or any part of one) with every font size, marker size, line
    width and pixel-sized shape multiplied by `factor`; frames and templates included."""
    if isinstance(spec, Mapping):
        out = {}
        for key, value in spec.items():
            if key in SIZE_KEYS and isinstance(value, Mapping):
                value = _scaled(value, SIZE_KEYS[key], factor)
            if AXIS.match(key) and isinstance(value, Mapping):
                value = _title_set_off(value, factor)
            if key == "margin" and isinstance(value, Mapping):
                value = {
                    k: v * factor if k in SIDES and _number(v) else v for k, v in value.items()
                }
            out[key] = enlarge(value, factor)
        for axis in "xy":  # a shape sized in pixels (a dot at a data point)
            if spec.get(f"{axis}sizemode") == "pixel":
                for end in (f"{axis}0", f"{axis}1"):
                    out[end] = spec[end] * factor
        return out
    if isinstance(spec, list | tuple):
        return type(spec)(enlarge(item, factor) for item in spec)
    return spec


def _title_set_off(axis: Mapping, factor: float) -> Mapping:
    title = axis.get("title")
    if not isinstance(title, Mapping) or not title.get("text") or "standoff" in title:
        return axis
    return {**axis, "title": {**title, "standoff": TITLE_STANDOFF * factor}}


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _scaled(part: Mapping, key: str, factor: float) -> dict:
    value = part.get(key)
    if _number(value):
        return {**part, key: value * factor}
    if isinstance(value, list | tuple | np.ndarray):
        return {**part, key: np.asarray(value, dtype=float) * factor}
    return dict(part)


def to_dict(figure) -> dict:
    """A figure dict from a plotly Figure or a dict."""
    return figure.to_dict() if hasattr(figure, "to_dict") else dict(figure)
