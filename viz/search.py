"""Figures of the hyperparameter-search page: the response surface with the trials of grid and
random search and their projections, best-found-so-far curves, sampling scales and the rounds
of a coarse-to-fine search.

Every axis is drawn on its sampling scale: a learning rate on a log axis, a decay rate β as
1 − β on a reversed log axis (so β grows upwards or rightwards, and 0.9, 0.99, 0.999 are evenly
spaced), anything else linearly.
"""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from viz import palette
from viz.background import axis_style, lecture_layout

TINY = 1e-12
ZERO = 1e-10
SURFACE_HEIGHT = 600
ROUNDS_HEIGHT = 560
CURVE_HEIGHT = 430
SAMPLING_HEIGHT = 400
DECAYS = (0.9, 0.99, 0.999, 0.9999)
SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
COLOURSCALE = "Viridis"
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


def _surface_trace(surface, showscale: bool = True, opacity: float = 1.0) -> go.Heatmap:
    return go.Heatmap(
        x=drawn(surface.x, surface.xs),
        y=drawn(surface.y, surface.ys),
        z=_log_loss(surface.loss).astype(np.float32),
        colorscale=COLOURSCALE,
        opacity=opacity,
        showscale=showscale,
        colorbar=dict(
            title=dict(text="log₁₀(f − f*)", side="right", font=dict(size=palette.FONT_SIZE)),
            tickfont=dict(size=palette.FONT_SIZE - 2),
            thickness=18,
            len=0.8,
            y=0.4,
        ),
        hoverongaps=False,
        hovertemplate=f"{symbol(surface.x)} = %{{customdata[0]:.4g}}<br>"
        f"{symbol(surface.y)} = %{{customdata[1]:.4g}}<br>"
        "log₁₀(f − f*) = %{z:.2f}<extra></extra>",
        customdata=np.dstack(np.meshgrid(surface.xs, surface.ys)).astype(np.float32),
        name="response surface",
    )


def _mask_trace(surface) -> go.Heatmap:
    """Grey cells where the run diverged."""
    return go.Heatmap(
        x=drawn(surface.x, surface.xs),
        y=drawn(surface.y, surface.ys),
        z=np.where(surface.diverged, 1.0, np.nan).astype(np.float32),
        colorscale=[[0, MASK_COLOUR], [1, MASK_COLOUR]],
        showscale=False,
        hoverongaps=False,
        hovertemplate="diverged<extra></extra>",
        name="diverged",
    )


def _trial_marker(colour: str, symbol: str, size: int = 13) -> dict:
    return dict(symbol=symbol, size=size, color=colour, line=dict(color="black", width=1.5))


def _best_star(
    surface, points: np.ndarray, loss: np.ndarray, colour: str, size: int
) -> go.Scatter | None:
    """A star on the trial with the lowest finite loss (None when every trial diverged)."""
    finite = np.isfinite(loss)
    if not finite.any():
        return None
    best = points[np.flatnonzero(finite)[np.argmin(loss[finite])]]
    return go.Scatter(
        x=drawn(surface.x, best[:1]),
        y=drawn(surface.y, best[1:]),
        mode="markers",
        marker=_trial_marker(colour, "star", size),
        hoverinfo="skip",
    )


def _profile(surface, along: str) -> np.ndarray:
    """The best f − f* over the other hyperparameter, for each value of one (NaN if all diverge)."""
    best = np.min(surface.loss, axis=0 if along == "x" else 1)
    return np.where(np.isfinite(best), np.maximum(best, 0.0) + TINY, np.nan)


def response_surface_figure(
    surface,
    grid_points: np.ndarray,
    grid_loss: np.ndarray,
    random_points: np.ndarray,
    random_loss: np.ndarray,
) -> go.Figure:
    """The response surface (masked grey where runs diverge) with grid trials (white squares) and
    random trials (circles), each strategy's best trial a star, and above and beside it their
    projections onto each axis on top of the best value reachable along that axis (grey line).
    One legend row above the chart; the colour bar stands beside the right-hand panel."""
    fig = make_subplots(
        rows=2,
        cols=2,
        column_widths=[0.8, 0.2],
        row_heights=[0.2, 0.8],
        shared_xaxes="columns",
        shared_yaxes="rows",
        horizontal_spacing=0.015,
        vertical_spacing=0.025,
    )
    fig.add_trace(_mask_trace(surface), row=2, col=1)
    fig.add_trace(_surface_trace(surface), row=2, col=1)
    strategies = (
        ("grid", grid_points, grid_loss, GRID_COLOUR, "square"),
        ("random", random_points, random_loss, RANDOM_COLOUR, "circle"),
    )
    profile_line = dict(color="#555555", width=2)
    for x, y, row, col in (
        (drawn(surface.x, surface.xs), _profile(surface, "x"), 1, 1),
        (_profile(surface, "y"), drawn(surface.y, surface.ys), 2, 2),
    ):
        fig.add_trace(
            go.Scatter(
                x=x, y=y, mode="lines", line=profile_line, showlegend=False, hoverinfo="skip"
            ),
            row=row,
            col=col,
        )
    for name, points, loss, colour, marker in strategies:
        values = len(np.unique(points[:, 0]))
        label = f"{name}: {values} value{'s' if values > 1 else ''} of {symbol(surface.x)}"
        shown = np.where(np.isfinite(loss), np.maximum(loss, 0.0) + TINY, np.nan)
        px, py = drawn(surface.x, points[:, 0]), drawn(surface.y, points[:, 1])
        fig.add_trace(
            go.Scatter(
                x=px,
                y=py,
                mode="markers",
                marker=_trial_marker(colour, marker),
                name=label,
                legendgroup=name,
                hovertemplate=f"{name}<br>f − f* = %{{customdata:.3g}}<extra></extra>",
                customdata=shown,
            ),
            row=2,
            col=1,
        )
        for (x, y), (row, col) in (((px, shown), (1, 1)), ((shown, py), (2, 2))):
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=y,
                    mode="markers",
                    marker=_trial_marker(colour, marker, 10),
                    legendgroup=name,
                    showlegend=False,
                    hoverinfo="skip",
                ),
                row=row,
                col=col,
            )
        star = _best_star(surface, points, loss, colour, 24)
        if star is not None:
            star.update(name=f"best {name} trial", legendgroup=name, showlegend=False)
            fig.add_trace(star, row=2, col=1)
    diverged = dict(symbol="square", size=16, color=MASK_COLOUR)
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", marker=diverged, name="diverged"))
    lecture_layout(fig, SURFACE_HEIGHT, dict(l=80, r=10, t=40, b=60))
    fig.update_layout(hovermode="closest")
    fig.update_xaxes(axis_layout(surface.x), row=2, col=1)
    fig.update_yaxes(axis_layout(surface.y), row=2, col=1)
    fig.update_xaxes(axis_layout(surface.x, "") | dict(showticklabels=False), row=1, col=1)
    fig.update_yaxes(axis_layout(surface.y, "") | dict(showticklabels=False), row=2, col=2)
    trials = np.concatenate([grid_loss, random_loss, surface.loss.ravel()])
    fig.update_yaxes(loss_axis(trials, most=3), row=1, col=1)
    fig.update_xaxes(loss_axis(trials, None, most=3), row=2, col=2)
    return fig


def best_after_n_figure(race) -> go.Figure:
    """Geometric mean over seeds of the best f − f* found after k trials, the middle half of
    the seeds shaded."""
    fig = go.Figure()
    for key, name in STRATEGY_NAMES.items():
        mean = getattr(race, key)
        colour = STRATEGY_COLOURS[key]
        band = getattr(race, f"{key}_q", None)
        if band is not None:
            fig.add_trace(
                go.Scatter(
                    x=np.concatenate([race.trials, race.trials[::-1]]),
                    y=np.concatenate([band[1], band[0][::-1]]) + TINY,
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
        fig.add_trace(
            go.Scatter(
                x=race.trials,
                y=mean + TINY,
                mode="lines+markers",
                line=dict(color=colour, width=palette.LINE_WIDTH),
                marker=dict(size=7, color=colour),
                name=name,
                legendgroup=key,
                hovertemplate=f"{name}<br>after %{{x}} trials: %{{y:.3g}}<extra></extra>",
            )
        )
    lecture_layout(fig, CURVE_HEIGHT, dict(l=80, r=20, t=50, b=60))
    fig.update_xaxes(
        axis_style("trials so far")
        | dict(showgrid=True, dtick=1 if len(race.trials) <= 25 else None)
    )
    shown = np.concatenate(
        [np.ravel(getattr(race, key)) for key in STRATEGY_NAMES]
        + [np.ravel(getattr(race, f"{key}_q")) for key in STRATEGY_NAMES]
    )
    fig.update_yaxes(loss_axis(shown, "best f − f* (geometric mean)", most=6))
    return fig


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
                go.Bar(
                    x=(edges[:-1] + edges[1:]) / 2,
                    y=counts,
                    width=np.diff(edges),
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


def rounds_figure(surface, rounds: list) -> go.Figure:
    """The faded surface, each round's box and trials in its own colour, the best trial a star.

    Drag a box on it (box select) to choose where the next round samples."""
    fig = go.Figure([_mask_trace(surface), _surface_trace(surface, showscale=False, opacity=0.55)])
    for r, found in enumerate(rounds):
        colour = palette.colour(r)
        (u0, u1), (v0, v1) = found.box
        corners = np.array([[u0, v0], [u1, v1]])
        bx = drawn(surface.x, surface.x.from_unit(corners[:, 0]))
        by = drawn(surface.y, surface.y.from_unit(corners[:, 1]))
        fig.add_shape(
            type="rect",
            x0=bx[0],
            x1=bx[1],
            y0=by[0],
            y1=by[1],
            line=dict(color=colour, width=3, dash="dash"),
        )
        shown = np.where(np.isfinite(found.loss), np.maximum(found.loss, 0.0) + TINY, np.nan)
        fig.add_trace(
            go.Scatter(
                x=drawn(surface.x, found.points[:, 0]),
                y=drawn(surface.y, found.points[:, 1]),
                mode="markers",
                marker=_trial_marker(colour, "circle", 11),
                name=f"round {r + 1}: best f − f* {_best_text(found.loss)}",
                customdata=shown,
                hovertemplate=f"round {r + 1}<br>f − f*=%{{customdata:.3g}}<extra></extra>",
            )
        )
        star = _best_star(surface, found.points, found.loss, colour, 22)
        if star is not None:
            fig.add_trace(star.update(showlegend=False))
    lecture_layout(fig, ROUNDS_HEIGHT, dict(l=80, r=20, t=50, b=70))
    fig.update_layout(
        dragmode="select",
        hovermode="closest",
    )
    fig.update_xaxes(axis_layout(surface.x))
    fig.update_yaxes(axis_layout(surface.y))
    return fig


def _best_text(loss: np.ndarray) -> str:
    finite = np.asarray(loss)[np.isfinite(loss)]
    if finite.size == 0:
        return "— every trial diverged"
    best = number(float(finite.min()))
    return best if best.startswith("≈") else f"= {best}"
