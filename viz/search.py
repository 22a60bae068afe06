"""Figures of the hyperparameter-search page: the response surface with the trials of grid and
random search and their projections, best-found-so-far curves, sampling scales and the rounds
of a coarse-to-fine search.

Every axis is drawn on its sampling scale: a learning rate on a log axis, a decay rate β as
1 − β on a reversed log axis (so β grows upwards or rightwards, and 0.9, 0.99, 0.999 are evenly
spaced), anything else linearly.

The charts the page redraws on every change are figure dicts built here without plotly.py (whose
validation costs tens of ms per figure), their arrays sent as lists (see `listed`). The response
surface goes to the 2 decimals its hover label shows, drawn in cell units on category axes
(see `cells`), its diverged cells as gaps over a grey block; the rounds chart's faded surface is a
picture.
"""

import base64
import functools
import struct
import zlib

import numpy as np
import plotly.colors
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from viz import palette
from viz.background import axis_style, lecture_layout, lecture_layout_dict

TINY = 1e-12
ZERO = 1e-10
SURFACE_HEIGHT = 600
ROUNDS_HEIGHT = 560
CURVE_HEIGHT = 430
SAMPLING_HEIGHT = 400
BACKDROP_PIXELS = 6  # per cell of the rounds chart's backdrop, so that it stays sharp
# As wide as plotly.js would grow them to hold tick labels such as 10⁻¹⁰, the axis titles, the
# one-row legend above and the colour bar: growing them costs a second drawing on every redraw.
SURFACE_MARGIN = dict(l=110, r=100, t=53, b=84)
CURVE_MARGIN = dict(l=110, r=20, t=50, b=84)
ROUNDS_MARGIN = dict(l=110, r=20, t=53, b=84)
DECAYS = (0.9, 0.99, 0.999, 0.9999)
SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
VIRIDIS = [[i / 9, colour] for i, colour in enumerate(plotly.colors.sequential.Viridis)]
COLOURSCALE = VIRIDIS  # plotly.py's Viridis, spelt out (plotly.js has its own by that name)
TRACE_TYPES = ("scatter", "heatmap", "bar")
Z_DECIMALS = 2  # log₁₀ f − f* as sent: what the hover label reads, 800 shades over 8 decades
MASK_COLOUR = "#D9D9D9"
GRID_COLOUR = "#FFFFFF"
RANDOM_COLOUR = palette.COLOURS[1]
STRATEGY_COLOURS = {
    "grid": palette.COLOURS[0],
    "random_log": palette.COLOURS[1],
    "random_linear": palette.COLOURS[2],
}
STRATEGY_NAMES = {
    "grid": "grid search",
    "random_log": "random search, log scale",
    "random_linear": "random search, η on a linear scale",
}


def power(exponent: int) -> str:
    """10 to an integer power as a lecture writes it: 1, 10, 10⁻⁴."""
    return {0: "1", 1: "10"}.get(exponent, "10" + str(exponent).translate(SUPERSCRIPTS))


def number(value: float, digits: int = 2) -> str:
    """A value for a headline or legend with `digits` significant digits: 0.032, 4.3 × 10⁻⁶;
    "≈ 0" below 10⁻¹⁰, ∞ if diverged."""
    if not np.isfinite(value):
        return "∞ (diverged)"
    if abs(value) < ZERO:
        return "≈ 0"
    exponent = int(np.floor(np.log10(abs(value))))
    if -3 <= exponent <= 3:
        return f"{value:.{digits}g}"
    mantissa = f"{value / 10.0**exponent:.{digits}g}"
    if mantissa == "10":
        mantissa, exponent = "1", exponent + 1
    return power(exponent) if mantissa == "1" else f"{mantissa} × {power(exponent)}"


def log_ticks(low: float, high: float, most: int = 6) -> dict:
    """Labels on a log axis from low to high: whole decades, at most one label per decade and
    at most `most` of them (every second or third decade on a wide range)."""
    first, last = int(np.ceil(np.log10(low) - 1e-9)), int(np.floor(np.log10(high) + 1e-9))
    step = max(1, int(np.ceil((last - first + 1) / most)))
    exponents = range(last - (last - first) // step * step, last + 1, step)
    return dict(
        tickmode="array",
        tickvals=[10.0**e for e in exponents],
        ticktext=[power(e) for e in exponents],
    )


def decay_ticks(low: float, high: float) -> dict:
    """A decay rate β drawn as 1 − β on a log axis, labelled with β: 0.9, 0.99, 0.999 (one label
    per decade of 1 − β)."""
    shown = [b for b in DECAYS if low - 1e-12 <= b <= high + 1e-12]
    return dict(
        tickmode="array", tickvals=[1.0 - b for b in shown], ticktext=[f"{b:g}" for b in shown]
    )


def drawn(axis, values: np.ndarray) -> np.ndarray:
    """Values as plotted: 1 − β for a log1m axis, the values themselves otherwise."""
    values = np.asarray(values, dtype=np.float64)
    return 1.0 - values if axis.scale == "log1m" else values


def axis_layout(axis, title: str | None = None, most: int = 6) -> dict:
    """A log axis for log and log1m scales, at most one label per decade; a log1m axis is
    reversed, so that β grows along it, and labelled with β's values (0.9, 0.99, 0.999)."""
    style = axis_style(title if title is not None else axis.label) | dict(showgrid=False)
    if axis.scale == "linear":
        return style | dict(type="linear")
    if axis.scale == "log1m":
        return style | dict(type="log", autorange="reversed") | decay_ticks(axis.low, axis.high)
    return style | dict(type="log") | log_ticks(axis.low, axis.high, most)


def loss_axis(loss: np.ndarray, title: str | None = "f − f*", most: int = 3) -> dict:
    """A log axis of f − f* over the finite values of `loss`: at most `most` labels, horizontal."""
    finite = np.asarray(loss, dtype=np.float64)
    finite = np.maximum(finite[np.isfinite(finite)], 0.0) + TINY
    low, high = (finite.min(), finite.max()) if finite.size else (TINY, 1.0)
    return (
        axis_style(title or "")
        | dict(type="log", tickangle=0, showgrid=True)
        | log_ticks(min(low, high / 10), max(high, low * 10), most)
    )


def symbol(axis) -> str:
    """The hyperparameter's symbol (η, β₁, ε), never optax's keyword."""
    return axis.symbol or axis.name.replace("_", " ")


def _log_loss(loss: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(loss), np.log10(np.maximum(loss, 0.0) + TINY), np.nan)


def listed(values, digits: int | None = None, significant: int = 7) -> np.ndarray:
    """An array for a figure dict, sent as a JSON list (NaN as null): rounded to `digits`
    decimals if given, else to `significant` digits (a position or a loss needs no more).

    Not a typed array (base64), which plotly.py makes of a numpy array: plotly.js decodes one
    anew on every Plotly.react, so it sees new data and draws the whole figure again, and
    Streamlit calls Plotly.react twice for each new figure; a list it keeps."""
    array = np.asarray(values)
    if array.dtype.kind != "f":
        return array.astype(np.int64)
    array = array.astype(np.float64)
    if digits is not None:
        return np.round(array, digits)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = 10.0 ** (significant - 1 - np.floor(np.log10(np.abs(array))))
        return np.where(np.isfinite(scale), np.round(array * scale) / scale, array)


@functools.cache
def _template() -> dict:
    """The lecture template (palette.TEMPLATE) as plotly.py expands it, less what these figures
    never read (~6 kB a figure): other trace types, other kinds of subplot, and the default
    colour scales (every heat map here names its own)."""
    template = pio.templates[palette.TEMPLATE].to_plotly_json()
    data = {kind: template["data"][kind] for kind in TRACE_TYPES if kind in template["data"]}
    data["heatmap"] = [{k: v for k, v in t.items() if k != "colorscale"} for t in data["heatmap"]]
    unused = {"polar", "ternary", "scene", "geo", "coloraxis", "colorscale"}
    layout = {k: v for k, v in template["layout"].items() if k not in unused}
    return {"data": data, "layout": layout}


def _lecture(height: int, margin: dict) -> dict:
    """The lecture look, the template spelt out, and margins that already hold the axis titles,
    the legend and the colour bar: plotly.js draws a figure twice, on every redraw, when its
    margins must grow to fit them."""
    return lecture_layout_dict(height, margin) | {"template": _template()}


def _edges(axis, values: np.ndarray) -> np.ndarray:
    """The edges of the heat-map cells centred on `values` (drawn), as plotly.js puts them on
    a log or linear axis: half-way between centres and half a cell beyond the ends,
    geometrically on a log axis."""
    v = drawn(axis, values)
    if axis.scale == "linear":
        inner = (v[1:] + v[:-1]) / 2
        return np.concatenate([[1.5 * v[0] - 0.5 * v[1]], inner, [1.5 * v[-1] - 0.5 * v[-2]]])
    inner = np.sqrt(v[1:] * v[:-1])
    return np.concatenate([[v[0] ** 1.5 / v[1] ** 0.5], inner, [v[-1] ** 1.5 / v[-2] ** 0.5]])


# The response surface is drawn in cell units: cell i of n is centred at i on a linear axis that
# runs from -½ to n - ½, where u = (i + ½)/n is its unit coordinate on the axis's own scale (log,
# 1 − β on a log scale, or linear). The heat map sits on category axes over the same span, its
# categories the hyperparameters' values as text: plotly.js paints a heat map on linear or
# category axes as one pixel per cell (on log axes, cell by cell at screen size, three times
# the work of the whole rest of the chart), and its hover label reads the category, where on a
# log1m axis it would need 10 000 values of β beside the cells. The trials and the ticks sit on
# linear axes laid over those.


def cells(axis, values, n: int) -> np.ndarray:
    """Values of a hyperparameter as positions in cell units (see above)."""
    return axis.to_unit(np.asarray(values, dtype=np.float64)) * n - 0.5


def _text(value: float, digits: int) -> str:
    """A value as plotly.js's hover labels print %{x:.4g} (JavaScript's toPrecision)."""
    exponent = int(np.floor(np.log10(abs(value)))) if value else 0
    if exponent < -6 or exponent >= digits:
        mantissa, power_ = f"{value:.{digits - 1}e}".split("e")
        return f"{mantissa}e{'+' if int(power_) >= 0 else '-'}{abs(int(power_))}"
    return f"{value:.{max(0, digits - 1 - exponent)}f}"


def category_names(values) -> list[str]:
    """The cells' values as category names, as the hover label shows them (4 significant
    digits); neighbours that read alike (β near 1) are told apart by zero-width spaces."""
    names, seen = [], {}
    for value in values:
        name = _text(float(value), 4)
        seen[name] = seen.get(name, -1) + 1
        names.append(name + "\u200b" * seen[name])
    return names


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    raw = (high - low) / count
    base = 10.0 ** np.floor(np.log10(raw))
    step = base * min((m for m in (1, 2, 5, 10) if m * base >= raw), default=10)
    return [float(v) for v in np.arange(np.ceil(low / step) * step, high + step / 2, step)]


def _ticks(axis, most: int) -> tuple[list[float], list[str]]:
    """Tick values (on the axis's value scale) and labels: decades on a log axis (at most one
    label per decade), 0.9, 0.99, 0.999 for a decay rate, round numbers on a linear axis."""
    if axis.scale == "log":
        ticks = log_ticks(axis.low, axis.high, most)
        return ticks["tickvals"], ticks["ticktext"]
    if axis.scale == "log1m":
        shown = [b for b in DECAYS if axis.low - 1e-12 <= b <= axis.high + 1e-12]
        return shown, [f"{b:g}" for b in shown]
    values = _nice_ticks(axis.low, axis.high)
    return values, [f"{v:g}" for v in values]


def cell_axis(axis, n: int, title: str | None = None, most: int = 6) -> dict:
    """A linear axis in cell units that reads like the axis's own scale: labels at the cell
    positions of its ticks. Its span is the cells' (also when autoscaled, so that it stays on
    the heat map's category axis beneath it)."""
    values, labels = _ticks(axis, most)
    style = axis_style(title if title is not None else axis.label) | dict(showgrid=False)
    span = [-0.5, n - 0.5]
    return style | dict(
        type="linear",
        range=span,
        autorangeoptions=dict(minallowed=span[0], maxallowed=span[1]),
        tickmode="array",
        tickvals=listed(cells(axis, values, n)),
        ticktext=labels,
    )


def _category_axis(names: list[str], anchor: str, domain: list[float]) -> dict:
    span = [-0.5, len(names) - 0.5]
    return dict(
        type="category",
        categoryorder="array",
        categoryarray=names,
        range=span,
        autorangeoptions=dict(minallowed=span[0], maxallowed=span[1]),
        visible=False,
        anchor=anchor,
        domain=domain,
    )


def _mask_trace(surface, names: tuple[list[str], list[str]]) -> dict | None:
    """A grey block under the cells whose runs diverged (their bounding box; None if none did):
    the surface has gaps there, the grey shows through and says "diverged" under the mouse."""
    rows, columns = np.nonzero(~np.isfinite(surface.loss))
    if rows.size == 0:
        return None
    x = names[0][columns.min() : columns.max() + 1]
    y = names[1][rows.min() : rows.max() + 1]
    return {
        "type": "heatmap",
        "x": x,
        "y": y,
        "z": np.ones((len(y), len(x)), dtype=np.int64),
        "colorscale": [[0, MASK_COLOUR], [1, MASK_COLOUR]],
        "showscale": False,
        "hovertemplate": "diverged<extra></extra>",
        "name": "diverged",
        **CELLS,
    }


def _surface_trace(surface, names: tuple[list[str], list[str]]) -> dict:
    """The log₁₀ loss as a heat map on the category axes; diverged runs are gaps (null), where
    the grey mask shows through."""
    hover = [f"{symbol(axis)} = %{{{c}}}" for axis, c in ((surface.x, "x"), (surface.y, "y"))]
    return {
        "type": "heatmap",
        "x": names[0],
        "y": names[1],
        "z": listed(_log_loss(surface.loss), Z_DECIMALS),
        "colorscale": COLOURSCALE,
        "showscale": True,
        "colorbar": dict(
            title=dict(text="log₁₀(f − f*)", side="right", font=dict(size=palette.FONT_SIZE)),
            tickfont=dict(size=palette.FONT_SIZE - 2),
            thickness=18,
            len=0.8,
            x=1.0,
            xanchor="left",
            xpad=16,
            y=0.4,
        ),
        "hovertemplate": "<br>".join([*hover, "log₁₀(f − f*) = %{z:.2f}<extra></extra>"]),
        "hoverongaps": False,
        "name": "response surface",
        **CELLS,
    }


def _trial_marker(colour: str, symbol: str, size: int = 13) -> dict:
    return dict(symbol=symbol, size=size, color=colour, line=dict(color="black", width=1.5))


def _scatter(x, y, **style) -> dict:
    return {"type": "scatter", "x": listed(x), "y": listed(y), **style}


def _best(points: np.ndarray, loss: np.ndarray) -> np.ndarray | None:
    """The trial with the lowest finite loss (None when every trial diverged)."""
    finite = np.isfinite(loss)
    if not finite.any():
        return None
    return points[np.flatnonzero(finite)[np.argmin(loss[finite])]]


def _best_star(surface, points: np.ndarray, loss: np.ndarray, colour: str, size: int, **style):
    """A star on the trial with the lowest finite loss (None when every trial diverged), on the
    rounds chart's log axes."""
    best = _best(points, loss)
    if best is None:
        return None
    return _scatter(
        drawn(surface.x, best[:1]),
        drawn(surface.y, best[1:]),
        mode="markers",
        marker=_trial_marker(colour, "star", size),
        hoverinfo="skip",
        **style,
    )


def _profile(surface, along: str) -> np.ndarray:
    """The best f − f* over the other hyperparameter, for each value of one (NaN if all diverge)."""
    best = np.min(surface.loss, axis=0 if along == "x" else 1)
    return np.where(np.isfinite(best), np.maximum(best, 0.0) + TINY, np.nan)


# The response surface's panels (as make_subplots lays out 2 × 2 with column widths 0.8 / 0.2,
# row heights 0.2 / 0.8, spacing 0.015 / 0.025): x/y above, the map, x4/y4 beside it. The map is
# two pairs of axes: x3/y3 (categories, hidden) under the heat map, x5/y5 (cell units) over it,
# under the trials and with the ticks.
TOP, CELLS, MAP, SIDE = (
    dict(xaxis="x", yaxis="y"),
    dict(xaxis="x3", yaxis="y3"),
    dict(xaxis="x5", yaxis="y5"),
    dict(xaxis="x4", yaxis="y4"),
)
LEFT, RIGHT, UPPER, LOWER = [0.0, 0.788], [0.803, 1.0], [0.805, 1.0], [0.0, 0.78]
# The panels' copies of the map's axes (no labels, no ticks) sit on their panels' far sides, and
# so do their drag handles: beside the map, a handle would lie over its edge cells (the map spans
# its cells exactly) and take their hover labels.
_UNMARKED = dict(showticklabels=False, ticks="", automargin=False)
FAR_TOP, FAR_RIGHT = _UNMARKED | dict(side="top"), _UNMARKED | dict(side="right")


def surface_layer(surface) -> dict:
    """What the response surface chart draws from the surface alone (the mask, the heat map,
    the best value along each axis, the axes): built once per surface, whatever the budget."""
    n, m = len(surface.xs), len(surface.ys)
    names = category_names(surface.xs), category_names(surface.ys)
    profile = dict(mode="lines", line=dict(color="#555555", width=2), showlegend=False)
    profile["hoverinfo"] = "skip"
    mask = _mask_trace(surface, names)
    data = [
        *([mask] if mask else []),
        _surface_trace(surface, names),
        _scatter(np.arange(n, dtype=float), _profile(surface, "x"), **profile, **TOP),
        _scatter(_profile(surface, "y"), np.arange(m, dtype=float), **profile, **SIDE),
    ]
    layout = _lecture(SURFACE_HEIGHT, SURFACE_MARGIN) | dict(
        hovermode="closest",
        xaxis=cell_axis(surface.x, n, "") | dict(anchor="y", domain=LEFT, matches="x5") | FAR_TOP,
        xaxis2=dict(anchor="y2", domain=RIGHT, matches="x4", showticklabels=False),
        xaxis3=_category_axis(names[0], "y3", LEFT),
        xaxis4=dict(anchor="y4", domain=RIGHT),
        xaxis5=cell_axis(surface.x, n) | dict(anchor="y5", overlaying="x3"),
        yaxis=dict(anchor="x", domain=UPPER),
        yaxis2=dict(anchor="x2", domain=UPPER, matches="y", showticklabels=False),
        yaxis3=_category_axis(names[1], "x3", LOWER),
        yaxis4=cell_axis(surface.y, m, "")
        | dict(anchor="x4", domain=LOWER, matches="y5")
        | FAR_RIGHT,
        yaxis5=cell_axis(surface.y, m) | dict(anchor="x5", overlaying="y3"),
    )
    finite = surface.loss[np.isfinite(surface.loss)]
    bounds = np.array([finite.min(), finite.max()]) if finite.size else np.array([])
    return {"data": data, "layout": layout, "loss_bounds": bounds}


def response_surface_figure(
    surface,
    grid_points: np.ndarray,
    grid_loss: np.ndarray,
    random_points: np.ndarray,
    random_loss: np.ndarray,
    layer: dict | None = None,
) -> dict:
    """The response surface (masked grey where runs diverge) with grid trials (white squares) and
    random trials (circles), each strategy's best trial a star, and above and beside it their
    projections onto each axis on top of the best value reachable along that axis (grey line).
    One legend row above the chart; the colour bar stands beside the right-hand panel.

    `layer` is `surface_layer(surface)`, if already built: only the trials are added to it."""
    layer = layer or surface_layer(surface)
    n, m = len(surface.xs), len(surface.ys)
    data = list(layer["data"])
    strategies = (
        ("grid", grid_points, grid_loss, GRID_COLOUR, "square"),
        ("random", random_points, random_loss, RANDOM_COLOUR, "circle"),
    )
    # The map's span is the cells': a trial on its edge is drawn whole, over the frame.
    whole = dict(cliponaxis=False)
    for name, points, loss, colour, marker in strategies:
        values = len(np.unique(points[:, 0]))
        label = f"{name}: {values} value{'s' if values > 1 else ''} of {symbol(surface.x)}"
        shown = np.where(np.isfinite(loss), np.maximum(loss, 0.0) + TINY, np.nan)
        px, py = cells(surface.x, points[:, 0], n), cells(surface.y, points[:, 1], m)
        data.append(
            _scatter(
                px,
                py,
                mode="markers",
                marker=_trial_marker(colour, marker),
                name=label,
                legendgroup=name,
                hovertemplate=f"{name}<br>f − f* = %{{customdata:.3g}}<extra></extra>",
                customdata=listed(shown),
                **whole,
                **MAP,
            )
        )
        for x, y, axes in ((px, shown, TOP), (shown, py, SIDE)):
            data.append(
                _scatter(
                    x,
                    y,
                    mode="markers",
                    marker=_trial_marker(colour, marker, 10),
                    legendgroup=name,
                    showlegend=False,
                    hoverinfo="skip",
                    **whole,
                    **axes,
                )
            )
        best = _best(points, loss)
        if best is not None:
            star = _scatter(
                cells(surface.x, best[:1], n),
                cells(surface.y, best[1:], m),
                mode="markers",
                marker=_trial_marker(colour, "star", 24),
                hoverinfo="skip",
                name=f"best {name} trial",
                legendgroup=name,
                showlegend=False,
            )
            data.append(star | whole | MAP)
    diverged = dict(symbol="square", size=16, color=MASK_COLOUR)
    data.append(
        dict(type="scatter", x=[None], y=[None], mode="markers", marker=diverged, name="diverged")
    )
    trials = np.concatenate([grid_loss, random_loss, layer["loss_bounds"]])
    layout = layer["layout"] | dict(
        yaxis=layer["layout"]["yaxis"] | loss_axis(trials, most=3),
        xaxis4=layer["layout"]["xaxis4"] | loss_axis(trials, None, most=3),
    )
    return {"data": data, "layout": layout}


def best_after_n_figure(race) -> dict:
    """Geometric mean over seeds of the best f − f* found after k trials, the middle half of
    the seeds shaded."""
    data = []
    for key, name in STRATEGY_NAMES.items():
        mean = getattr(race, key)
        colour = STRATEGY_COLOURS[key]
        band = getattr(race, f"{key}_q", None)
        if band is not None:
            data.append(
                _scatter(
                    np.concatenate([race.trials, race.trials[::-1]]),
                    np.concatenate([band[1], band[0][::-1]]) + TINY,
                    mode="lines",
                    fill="toself",
                    fillcolor=colour,
                    opacity=0.15,
                    line=dict(width=0),
                    hoverinfo="skip",
                    showlegend=False,
                    legendgroup=key,
                )
            )
        data.append(
            _scatter(
                race.trials,
                mean + TINY,
                mode="lines+markers",
                line=dict(color=colour, width=palette.LINE_WIDTH),
                marker=dict(size=7, color=colour),
                name=name,
                legendgroup=key,
                hovertemplate=f"{name}<br>after %{{x}} trials: %{{y:.3g}}<extra></extra>",
            )
        )
    shown = np.concatenate(
        [np.ravel(getattr(race, key)) for key in STRATEGY_NAMES]
        + [np.ravel(getattr(race, f"{key}_q")) for key in STRATEGY_NAMES]
    )
    trials = axis_style("trials so far") | dict(showgrid=True)
    if len(race.trials) <= 25:
        trials["dtick"] = 1
    layout = _lecture(CURVE_HEIGHT, CURVE_MARGIN) | dict(
        xaxis=trials, yaxis=loss_axis(shown, "best f − f* (geometric mean)", most=6)
    )
    return {"data": data, "layout": layout}


def sampling_figure(
    samples: dict[str, tuple[np.ndarray, np.ndarray]], ticks: dict[str, dict] | None = None
) -> go.Figure:
    """Histograms, per hyperparameter, of where linear and log sampling put the same number of
    draws: `samples[title] = (linear draws, log draws)` given as log₁₀ of η or of 1 − β. A
    title "axis title: panel title" names the x axis and the panel; `ticks[title]` adds to the
    x axis (e.g. tickvals at log₁₀(1 − β) and ticktext with β's values)."""
    titles = list(samples)
    ticks = ticks or {}
    fig = make_subplots(
        rows=1,
        cols=len(titles),
        subplot_titles=[title.split(":")[-1].strip() for title in titles],
        horizontal_spacing=0.1,
    )
    for col, title in enumerate(titles, start=1):
        linear, logarithmic = samples[title]
        edges = np.linspace(
            min(linear.min(), logarithmic.min()), max(linear.max(), logarithmic.max()), 25
        )
        for values, name, colour in (
            (linear, "uniform on a linear scale", palette.COLOURS[2]),
            (logarithmic, "uniform on a log scale", palette.COLOURS[1]),
        ):
            counts, _ = np.histogram(values, edges)
            fig.add_trace(
                go.Bar(  # lists, not numpy arrays: see `listed`
                    x=((edges[:-1] + edges[1:]) / 2).tolist(),
                    y=counts.tolist(),
                    width=np.diff(edges).tolist(),
                    marker=dict(color=colour, opacity=0.6, line=dict(width=0)),
                    name=name,
                    legendgroup=name,
                    showlegend=col == 1,
                    hovertemplate=f"{name}<br>%{{y}} draws<extra></extra>",
                ),
                row=1,
                col=col,
            )
        fig.update_xaxes(axis_style(title.split(":")[0]) | ticks.get(title, {}), row=1, col=col)
        fig.update_yaxes(
            axis_style("draws" if col == 1 else "") | dict(showgrid=True), row=1, col=col
        )
    lecture_layout(fig, SAMPLING_HEIGHT, dict(l=70, r=20, t=100, b=60))
    fig.update_layout(barmode="overlay")
    fig.update_annotations(font=dict(size=palette.FONT_SIZE, color="#222222"), yshift=10)
    return fig


def _faded(colour: str, opacity: float) -> np.ndarray:
    """A colour as it looks at `opacity` on white, as RGB."""
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)
    return opacity * rgb + (1 - opacity) * 255


def _png(pixels: np.ndarray, palette_rgb: np.ndarray) -> bytes:
    """An 8-bit palette PNG of `pixels` (indices into `palette_rgb`, 256 × 3); every row uses the
    'Up' filter, so that the repeated rows of an enlarged cell cost nothing."""
    height, width = pixels.shape
    above = np.diff(pixels.astype(np.uint8), axis=0, prepend=np.zeros((1, width), np.uint8))
    rows = np.hstack([np.full((height, 1), 2, np.uint8), above.astype(np.uint8)])

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", header),
            chunk(b"PLTE", palette_rgb.round().astype(np.uint8).tobytes()),
            chunk(b"IDAT", zlib.compress(rows.tobytes(), 6)),
            chunk(b"IEND", b""),
        ]
    )


def _range_value(axis, value: float) -> float:
    """A drawn value in the axis's range coordinate (log₁₀ on a log axis), where layout images
    are placed."""
    return float(np.log10(value)) if axis.scale in ("log", "log1m") else float(value)


def rounds_backdrop(surface, opacity: float = 0.55) -> dict:
    """The surface faded behind the rounds, as a picture (the chart above it reads the values):
    a PNG below the axes with BACKDROP_PIXELS pixels per cell, grey where the run diverged, the
    colours those of the colour scale at `opacity` over white; and a trace without ink over
    the cells' extent, so that the axes span it as they span a heat map. Drawing a picture
    costs plotly.js nothing next to a heat map's ten thousand cells."""
    z = _log_loss(surface.loss)
    finite = np.isfinite(z)
    low, high = (z[finite].min(), z[finite].max()) if finite.any() else (0.0, 1.0)
    levels = np.round((np.where(finite, z, low) - low) / ((high - low) or 1.0) * 254)
    levels = np.where(finite, levels, 255).astype(np.uint8)
    stops = np.array([stop for stop, _ in VIRIDIS])
    colours = np.array([_faded(colour, opacity) for _, colour in VIRIDIS])
    shades = np.linspace(0, 1, 255)
    table = np.column_stack([np.interp(shades, stops, colours[:, c]) for c in range(3)])
    table = np.vstack([table, _faded(MASK_COLOUR, 1.0)])
    # Row 0 of a picture is its top: the largest drawn y on a plain axis, the smallest (the
    # largest β) on a reversed log1m one; either way the last row of cells. Columns run as the
    # cells do on both kinds of axis.
    pixels = np.repeat(np.repeat(levels[::-1], BACKDROP_PIXELS, 0), BACKDROP_PIXELS, 1)
    source = "data:image/png;base64," + base64.b64encode(_png(pixels, table)).decode()
    ex, ey = _edges(surface.x, surface.xs)[[0, -1]], _edges(surface.y, surface.ys)[[0, -1]]
    rx, ry = [_range_value(surface.x, e) for e in ex], [_range_value(surface.y, e) for e in ey]
    image = dict(
        source=source,
        xref="x",
        yref="y",
        x=rx[0],
        y=ry[1],
        sizex=abs(rx[1] - rx[0]),
        sizey=abs(ry[1] - ry[0]),
        xanchor="left",
        yanchor="top",
        sizing="stretch",
        layer="below",
    )
    extent = dict(type="scatter", x=ex.tolist(), y=ey.tolist(), mode="lines", line=dict(width=0))
    extent |= dict(hoverinfo="skip", showlegend=False, name="response surface")
    return {"image": image, "trace": extent}


def rounds_figure(surface, rounds: list, backdrop: dict | None = None) -> dict:
    """The faded surface, each round's box and trials in its own colour, the best trial a star.

    Drag a box on it (box select) to choose where the next round samples. `backdrop` is
    `rounds_backdrop(surface)`, if already built."""
    backdrop = backdrop or rounds_backdrop(surface)
    data, shapes = [backdrop["trace"]], []
    for r, found in enumerate(rounds):
        colour = palette.colour(r)
        (u0, u1), (v0, v1) = found.box
        corners = np.array([[u0, v0], [u1, v1]])
        bx = drawn(surface.x, surface.x.from_unit(corners[:, 0]))
        by = drawn(surface.y, surface.y.from_unit(corners[:, 1]))
        shapes.append(
            dict(
                type="rect",
                x0=float(bx[0]),
                x1=float(bx[1]),
                y0=float(by[0]),
                y1=float(by[1]),
                line=dict(color=colour, width=3, dash="dash"),
            )
        )
        shown = np.where(np.isfinite(found.loss), np.maximum(found.loss, 0.0) + TINY, np.nan)
        data.append(
            _scatter(
                drawn(surface.x, found.points[:, 0]),
                drawn(surface.y, found.points[:, 1]),
                mode="markers",
                marker=_trial_marker(colour, "circle", 11),
                name=f"round {r + 1}: best f − f* {_best_text(found.loss)}",
                customdata=listed(shown),
                hovertemplate=f"round {r + 1}<br>f − f*=%{{customdata:.3g}}<extra></extra>",
            )
        )
        star = _best_star(surface, found.points, found.loss, colour, 22, showlegend=False)
        if star is not None:
            data.append(star)
    layout = _lecture(ROUNDS_HEIGHT, ROUNDS_MARGIN) | dict(
        dragmode="select",
        hovermode="closest",
        shapes=shapes,
        images=[backdrop["image"]],
        xaxis=axis_layout(surface.x),
        yaxis=axis_layout(surface.y),
    )
    return {"data": data, "layout": layout}


def _best_text(loss: np.ndarray) -> str:
    finite = np.asarray(loss)[np.isfinite(loss)]
    if finite.size == 0:
        return "— every trial diverged"
    best = number(float(finite.min()))
    return best if best.startswith("≈") else f"= {best}"
