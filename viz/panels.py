"""The figures around the race: 3-D surface, the four curves, the step inspector and the basins."""

import numpy as np
import plotly.graph_objects as go

from viz import palette
from viz.background import (
    LOG_DECADES,
    Domain,
    Grid,
    apply_map_layout,
    axis_style,
    background_image,
    band_edges,
    finite_values,
    lecture_layout,
    lecture_layout_dict,
)
from viz.race import typed

SURFACE_POINTS_PER_PATH = 400
SURFACE_COLOURS = ("#F7FBFF", "#9ECAE1", "#2171B5")
PATH_LIFT = 0.015  # of the z range: paths float just above the surface, not inside it
CURVE_HEIGHT = 560
INSPECTOR_HEIGHT = 440
INSPECTOR_ASPECT = 1.6
INSPECTOR_PADDING = 0.35
INSPECTOR_MIN_SPAN = 0.02
BASIN_HEIGHT = 560
DIVERGED_COLOUR = "#222222"
UNKNOWN_COLOUR = "#DDDDDD"
TINY = 1e-12
MAX_LOG_LABELS = 5


def _surface_height(grid: Grid, values: np.ndarray) -> tuple[np.ndarray, str]:
    """The z shown in 3-D: f clipped at the top band edge, or log10(f − f* + ε) for log landscapes
    (whose values span decades, so a linear surface would be one spike and a flat floor)."""
    edges = band_edges(grid)
    if not grid.log_levels:
        return np.clip(values, edges[0], edges[-1]), "f"
    offset = max(edges[-1] - edges[0], TINY) * 10.0**-LOG_DECADES
    shifted = np.clip(values, edges[0], edges[-1]) - edges[0]
    return np.log10(shifted + offset), "log₁₀(f − f* + ε)"


def surface_figure(
    grid: Grid,
    names: list[str],
    points: np.ndarray,
    loss: np.ndarray,
    styles: list[dict] | None = None,
) -> go.Figure:
    """The landscape as a 3-D surface with every path lying on it (z = its loss, lifted by
    PATH_LIFT of the z range so that the translucent surface does not hide the lines)."""
    styles = styles or [dict(color=palette.colour(o)) for o in range(len(names))]
    values = finite_values(grid)
    z, z_title = _surface_height(grid, values)
    lift = PATH_LIFT * float(np.ptp(z))
    fig = go.Figure(
        go.Surface(
            x=grid.xs,
            y=grid.ys,
            z=z.astype(np.float32),
            colorscale=[[i / 2, c] for i, c in enumerate(SURFACE_COLOURS)],
            showscale=False,
            opacity=0.8,
            name="landscape",
            hovertemplate="x=%{x:.3f}<br>y=%{y:.3f}<extra></extra>",
            contours=dict(z=dict(show=True, color="#6B8BA4", width=1, usecolormap=False)),
        )
    )
    n_points = points.shape[2]
    keep = np.unique(np.linspace(0, n_points - 1, min(n_points, SURFACE_POINTS_PER_PATH)).round())
    keep = keep.astype(int)
    for o, name in enumerate(names):
        for s in range(points.shape[1]):
            path_z, _ = _surface_height(grid, loss[o, s, keep].astype(np.float64))
            fig.add_trace(
                go.Scatter3d(
                    x=points[o, s, keep, 0],
                    y=points[o, s, keep, 1],
                    z=path_z + lift,
                    mode="lines",
                    line=dict(color=styles[o]["color"], width=7),
                    name=name,
                    legendgroup=name,
                    showlegend=s == 0,
                    hovertemplate=f"<b>{name}</b><br>x=%{{x:.3f}}<br>y=%{{y:.3f}}<extra></extra>",
                )
            )
    (x0, x1), (y0, y1) = (grid.xs[0], grid.xs[-1]), (grid.ys[0], grid.ys[-1])
    lecture_layout(fig, 640, dict(l=10, r=10, t=60, b=10))
    axis = dict(tickfont=dict(size=13), nticks=5)
    fig.update_layout(
        scene=dict(
            xaxis=axis | dict(title=dict(text="x", font=dict(size=16)), range=[x0, x1]),
            yaxis=axis | dict(title=dict(text="y", font=dict(size=16)), range=[y0, y1]),
            zaxis=axis | dict(title=dict(text=z_title, font=dict(size=16))),
            aspectmode="manual",
            aspectratio=dict(x=1.2, y=1.2 * (y1 - y0) / (x1 - x0) if x1 > x0 else 1, z=0.6),
            camera=dict(eye=dict(x=-0.9, y=-1.35, z=1.35), center=dict(x=0, y=0, z=-0.15)),
        ),
        uirevision="surface",
    )
    return fig


def _summary(values: np.ndarray, diverged_at: np.ndarray) -> np.ndarray:
    """One curve per optimizer from [O, S, T]: the start itself, or the median over starts; a
    start's values after it diverged are NaN, so a diverged run's curve ends where it did."""
    steps = np.arange(values.shape[2])
    after = (diverged_at[..., None] >= 0) & (steps > diverged_at[..., None])
    values = np.where(after, np.nan, values)
    if values.shape[1] == 1:
        return values[:, 0]
    alive = ~np.all(np.isnan(values), axis=1)
    median = np.nanmedian(np.where(alive[:, None], values, 0.0), axis=1)
    return np.where(alive, median, np.nan)


def value_axis(series: np.ndarray) -> dict:
    """A log axis with at most one tick label per decade and at most MAX_LOG_LABELS labels, when
    the positive values span a decade or more; a linear axis otherwise."""
    values = series[np.isfinite(series) & (series > 0)]
    decades = float(np.log10(values.max() / values.min())) if values.size else 0.0
    if decades < 1:
        return dict(type="linear")
    dtick = max(1, int(np.ceil(decades / MAX_LOG_LABELS)))
    return dict(type="log", exponentformat="power", dtick=dtick)


CURVE_PANELS = (  # x and y domains of the 2 × 2 grid, left to right, top to bottom
    ((0.0, 0.45), (0.6, 1.0)),
    ((0.55, 1.0), (0.6, 1.0)),
    ((0.0, 0.45), (0.0, 0.4)),
    ((0.55, 1.0), (0.0, 0.4)),
)


def curves_figure(
    names: list[str],
    loss: np.ndarray,
    distance: np.ndarray,
    lr: np.ndarray,
    grad_norm: np.ndarray,
    diverged_at: np.ndarray,
    loss_floor: float,
    styles: list[dict] | None = None,
    distance_to: str = "the nearest minimum",
) -> dict:
    """Four panels against the step: f − f* (log), the distance to the nearest known target
    (`distance_to`), the learning rate and ‖∇f‖ (log). With several starts each curve is the
    median over the starts. A diverged run's curves stop at its step, marked with a ✕ and
    "diverged at step k" on every panel.

    A plain figure dict, like the race's: plotly.py's validation cost more than the rest of a
    slider change (the tests validate it with `go.Figure(curves_figure(...))`).
    """
    n_opt, n_starts, n_steps = loss.shape
    styles = styles or [dict(color=palette.colour(o), dash="solid") for o in range(n_opt)]
    over = f" (median of {n_starts})" if n_starts > 1 else ""
    first_divergence = np.where(diverged_at >= 0, diverged_at, n_steps).min(axis=1)
    rates = np.where(np.arange(lr.shape[1]) >= first_divergence[:, None], np.nan, lr)
    last_gradient = np.where(diverged_at >= 0, np.maximum(diverged_at - 1, 0), -1)
    panels = (
        (f"f − f*{over}", _summary(np.maximum(loss - loss_floor, 0.0), diverged_at) + TINY),
        (f"distance to {distance_to}{over}", _summary(distance, diverged_at)),
        ("learning rate η·s(t)", rates),
        (f"gradient norm ‖∇f‖{over}", _summary(grad_norm, last_gradient) + TINY),
    )
    traces, layout = [], lecture_layout_dict(CURVE_HEIGHT, dict(l=70, r=20, t=90, b=50))
    annotations = []
    for p, ((title, series), (x_domain, y_domain)) in enumerate(
        zip(panels, CURVE_PANELS, strict=True), start=1
    ):
        suffix = "" if p == 1 else str(p)
        layout[f"xaxis{suffix}"] = axis_style("step" if p > 2 else "") | dict(
            domain=x_domain, anchor=f"y{suffix}", showgrid=True
        )
        layout[f"yaxis{suffix}"] = (
            axis_style("")
            | dict(domain=y_domain, anchor=f"x{suffix}", showgrid=True)
            | value_axis(series)
        )
        annotations.append(
            dict(
                text=title,
                x=sum(x_domain) / 2,
                y=y_domain[1],
                xref="paper",
                yref="paper",
                xanchor="center",
                yanchor="bottom",
                yshift=palette.TITLE_LIFT,
                showarrow=False,
                font=dict(size=palette.FONT_SIZE + 1, color="#222222"),
            )
        )
        for o, name in enumerate(names):
            traces.append(
                dict(
                    type="scatter",
                    x0=0,
                    dx=1,
                    y=typed(series[o]),
                    xaxis=f"x{suffix}",
                    yaxis=f"y{suffix}",
                    mode="lines",
                    line=styles[o] | dict(width=palette.THIN_LINE_WIDTH),
                    name=name,
                    legendgroup=name,
                    showlegend=p == 1,
                    hovertemplate=f"<b>{name}</b><br>step %{{x}}<br>%{{y:.4g}}<extra></extra>",
                )
            )
            step = int(first_divergence[o])
            if step < n_steps:
                last = np.flatnonzero(np.isfinite(series[o]))
                at = int(last[-1]) if len(last) else 0
                traces.append(
                    dict(
                        type="scatter",
                        x=[at],
                        y=[float(series[o, at]) if len(last) else None],
                        xaxis=f"x{suffix}",
                        yaxis=f"y{suffix}",
                        mode="markers+text" if p == 1 else "markers",
                        text=[f"diverged at step {step}"],
                        textposition="top left",
                        textfont=dict(size=palette.FONT_SIZE - 2, color=styles[o]["color"]),
                        marker=dict(
                            symbol=palette.DIVERGED_SYMBOL,
                            size=palette.HEAD_SIZE,
                            color=styles[o]["color"],
                            line=dict(color="black", width=1),
                        ),
                        name=f"{name} diverged",
                        legendgroup=name,
                        showlegend=False,
                        hovertemplate=f"<b>{name}</b> diverged at step {step}<extra></extra>",
                    )
                )
    layout |= dict(
        annotations=annotations,
        hovermode="x unified",
        uirevision="curves",
        template=palette.template_json(),
    )
    return dict(data=traces, layout=layout)


def _arrow(tail: np.ndarray, vector: np.ndarray, colour: str, dash: str, **extra) -> go.Scatter:
    """A line from tail to tail + vector with an arrowhead at the tip."""
    tip = tail + vector
    return go.Scatter(
        x=[tail[0], tip[0]],
        y=[tail[1], tip[1]],
        mode="lines+markers",
        line=dict(color=colour, width=palette.LINE_WIDTH, dash=dash),
        marker=dict(symbol=["circle", "arrow"], size=[1, 16], angleref="previous", color=colour),
        **extra,
    )


def _inspector_domain(heads: np.ndarray, tips: np.ndarray, domain: Domain) -> Domain:
    """A view INSPECTOR_ASPECT times wider than tall around the heads and the arrow tips, at
    least 2 % of the domain wide, never wider than the domain and kept inside it."""
    every = np.concatenate([heads, tips]).reshape(-1, 2)
    every = every[np.all(np.isfinite(every), axis=1)]
    low, high = np.asarray(domain, dtype=np.float64).T
    if len(every):
        low, high = every.min(axis=0), every.max(axis=0)
    _, (y0, y1) = domain
    half = (high - low) * (0.5 + INSPECTOR_PADDING)
    half[1] = max(half[1], half[0] / INSPECTOR_ASPECT, INSPECTOR_MIN_SPAN * (y1 - y0) / 2)
    half[0] = max(half[0], half[1] * INSPECTOR_ASPECT)
    half[1] = half[0] / INSPECTOR_ASPECT
    centre = (low + high) / 2
    view = []
    for axis, (lo, hi) in enumerate(domain):
        half[axis] = min(half[axis], (hi - lo) / 2)
        centre[axis] = np.clip(centre[axis], lo + half[axis], hi - half[axis])
        view.append((float(centre[axis] - half[axis]), float(centre[axis] + half[axis])))
    return tuple(view)


def inspector_figure(
    grid: Grid,
    names: list[str],
    heads: np.ndarray,
    neg_grad: np.ndarray,
    updates: np.ndarray,
    domain: Domain,
    styles: list[dict] | None = None,
) -> go.Figure:
    """At one step, for each optimizer: a dotted arrow −η∇f from its head (where plain gradient
    descent at its rate would go) and a solid arrow, the step Δx it took. Zoomed on the heads
    and the steps taken, inside the domain: a −η∇f far longer than the step runs out of view."""
    fig = go.Figure()
    colours = [style["color"] for style in styles] if styles else None
    for o, name in enumerate(names):
        colour = colours[o] if colours else palette.colour(o)
        fig.add_trace(
            _arrow(
                heads[o],
                neg_grad[o],
                colour,
                "dot",
                name=f"{name}: −η∇f",
                legendgroup=name,
                showlegend=False,
                hovertemplate=f"<b>{name}</b> −η∇f<extra></extra>",
            )
        )
        fig.add_trace(
            _arrow(
                heads[o],
                updates[o],
                colour,
                "solid",
                name=name,
                legendgroup=name,
                hovertemplate=f"<b>{name}</b> step Δx<extra></extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[heads[o, 0]],
                y=[heads[o, 1]],
                mode="markers",
                marker=dict(
                    size=palette.HEAD_SIZE - 3, color=colour, line=dict(color="white", width=2)
                ),
                legendgroup=name,
                showlegend=False,
                hoverinfo="skip",
            )
        )
    fig.add_layout_image(background_image(grid))
    view = _inspector_domain(heads, heads + updates, domain)
    apply_map_layout(fig, view, INSPECTOR_HEIGHT)
    fig.update_layout(
        title=dict(text="dotted: −η∇f   solid: step taken", font=dict(size=palette.FONT_SIZE)),
        margin=dict(l=70, r=20, t=90, b=60),
        uirevision=None,
    )
    return fig


def inspector_rows(names: list[str], grad_norm: np.ndarray, step_norm: np.ndarray) -> list[dict]:
    """The inspector's table: ‖∇f‖, ‖Δx‖ and the effective rate ‖Δx‖/‖∇f‖ per optimizer."""
    rows = []
    for name, g, s in zip(names, grad_norm, step_norm, strict=True):
        rate = s / g if g > 0 else float("nan")
        rows.append(
            {
                "optimizer": name,
                "‖∇f‖": f"{g:.3g}",
                "‖Δx‖": f"{s:.3g}",
                "‖Δx‖ / ‖∇f‖": f"{rate:.3g}",
            }
        )
    return rows


def basins_figure(
    xs: np.ndarray,
    ys: np.ndarray,
    labels: np.ndarray,
    minima: list[tuple[float, float]],
    domain: Domain,
    title: str,
) -> go.Figure:
    """Every start coloured by the minimum it reached (the minimum's star has the same colour),
    dark for diverged (label −1), light grey for ending near no known minimum (label −2).

    Label l is drawn as code l + 2 at the middle of its own band of the colour scale, so a
    colour never depends on how Plotly rounds a band's edge."""
    n_minima = len(minima)
    colours = [UNKNOWN_COLOUR, DIVERGED_COLOUR] + [palette.colour(i) for i in range(n_minima)]
    codes = np.asarray(labels) + 2
    scale = []
    for k, c in enumerate(colours):
        scale += [[k / len(colours), c], [(k + 1) / len(colours), c]]
    fig = go.Figure(
        go.Heatmap(
            x=xs,
            y=ys,
            z=codes + 0.5,
            zmin=0,
            zmax=len(colours),
            colorscale=scale,
            showscale=False,
            customdata=np.asarray(labels),
            hovertemplate="start (%{x:.3f}, %{y:.3f})<extra></extra>",
            name="basins",
        )
    )
    present = set(np.unique(codes).tolist())
    legend = [(0, "no known minimum"), (1, "diverged")] + [
        (i + 2, f"→ minimum ({m[0]:.3g}, {m[1]:.3g})") for i, m in enumerate(minima)
    ]
    for code, label in legend:
        if code in present:
            fig.add_trace(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="markers",
                    marker=dict(symbol="square", size=16, color=colours[code]),
                    name=label,
                )
            )
    for i, m in enumerate(minima):
        fig.add_trace(
            go.Scatter(
                x=[m[0]],
                y=[m[1]],
                mode="markers",
                marker=dict(
                    symbol=palette.MINIMUM_SYMBOL,
                    size=palette.LANDMARK_SIZE + 4,
                    color=colours[i + 2],
                    line=dict(color="black", width=2),
                ),
                showlegend=False,
                hovertemplate=f"minimum ({m[0]:.3f}, {m[1]:.3f})<extra></extra>",
            )
        )
    apply_map_layout(fig, domain, BASIN_HEIGHT)
    fig.update_layout(title=dict(text=title, y=0.985, font=dict(size=palette.FONT_SIZE)))
    fig.update_layout(margin=dict(t=110), legend=dict(y=0.93))
    return fig
