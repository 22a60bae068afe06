"""The look shared by every figure: colours, marker symbols and font sizes for a lecture hall.

Optimizer colours are six of Okabe & Ito's colour-blind-safe colours (black and yellow are left
out: black is the minimum's star and yellow vanishes on a light background). They are ordered so
that the first few, which appear most often, differ most; sky blue comes last because it is the
weakest on the grey landscape.
"""

COLOURS: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
)

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
TITLE_FONT_SIZE = 20
FONT_FAMILY = "Arial, Helvetica, sans-serif"
TEMPLATE = "plotly_white"


def colour(i: int) -> str:
    """The colour of the i-th optimizer; a seventh wraps around to the first."""
    return COLOURS[i % len(COLOURS)]


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
