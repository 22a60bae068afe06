"""Presentation mode for any figure: text, lines and markers larger by one factor.

Every builder in viz/ sizes its figure for a screen a person sits at. On a projector seen from
the back of a room the same figure needs larger type and thicker lines, and a figure dict says
where all of them are: a `size` under any `font`, `textfont` or `marker`, a `width` under any
`line`, and the extent of a shape sized in pixels (`xsizemode`/`ysizemode` "pixel"). `enlarge`
scales those, nothing else, so one function serves every figure.
"""

from collections.abc import Mapping

import numpy as np

SIZE_KEYS = {"font": "size", "textfont": "size", "tickfont": "size", "marker": "size"}
SIZE_KEYS["line"] = "width"


def enlarge(spec, factor: float):
    """A copy of a figure dict (or any part of one) with every font size, marker size, line
    width and pixel-sized shape multiplied by `factor`; frames and templates included."""
    if isinstance(spec, Mapping):
        out = {}
        for key, value in spec.items():
            if key in SIZE_KEYS and isinstance(value, Mapping):
                value = _scaled(value, SIZE_KEYS[key], factor)
            out[key] = enlarge(value, factor)
        for axis in "xy":  # a shape sized in pixels (a dot at a data point)
            if spec.get(f"{axis}sizemode") == "pixel":
                for end in (f"{axis}0", f"{axis}1"):
                    out[end] = spec[end] * factor
        return out
    if isinstance(spec, list | tuple):
        return type(spec)(enlarge(item, factor) for item in spec)
    return spec


def _scaled(part: Mapping, key: str, factor: float) -> dict:
    value = part.get(key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {**part, key: value * factor}
    if isinstance(value, list | tuple | np.ndarray):
        return {**part, key: np.asarray(value, dtype=float) * factor}
    return dict(part)


def to_dict(figure) -> dict:
    """A figure dict from a plotly Figure or a dict."""
    return figure.to_dict() if hasattr(figure, "to_dict") else dict(figure)
