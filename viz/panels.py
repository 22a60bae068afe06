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


def _surface_height(grid: Grid, values: np.ndarray) -> tuple[np.ndarray, str]:
    """The z shown in 3-D: f clipped at the top band edge, or log10(f − f* + ε) for log landscapes
    (whose values span decades, so a linear surface would be one spike and a flat floor)."""
    edges = band_edges(grid)
    if not grid.log_levels:
        return np.clip(values, edges[0], edges[-1]), "f"
    offset = max(edges[-1] - edges[0], TINY) * 10.0**-LOG_DECADES
    shifted = np.clip(values, edges[0], edges[-1]) - edges[0]
    return np.log10(shifted + offset), "log₁₀(f − f* + ε)"


def surface_figure(grid: Grid, names: list[str], points: np.ndarray, loss: np.ndarray) -> go.Figure:
    """The landscape as a 3-D surface with every path lying on it (z = its loss, lifted by
    PATH_LIFT of the z range so that the translucent surface does not hide the lines)."""
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
                    line=dict(color=palette.colour(o), width=7),
                    name=name,
                    legendgroup=name,
                    showlegend=s == 0,
                    hovertemplate=f"<b>{name}</b><br>x=%{{x:.3f}}<br>y=%{{y:.3f}}<extra></extra>",
                )
            )
    (x0, x1), (y0, y1) = (grid.xs[0], grid.xs[-1]), (grid.ys[0], grid.ys[-1])
    lecture_layout(fig, 640, dict(l=0, r=0, t=60, b=0))
    axis = dict(tickfont=dict(size=13), title=dict(font=dict(size=16)))
    fig.update_layout(
        scene=dict(
            xaxis=axis | dict(title=dict(text="x", font=dict(size=16)), range=[x0, x1]),
            yaxis=axis | dict(title=dict(text="y", font=dict(size=16)), range=[y0, y1]),
            zaxis=axis | dict(title=dict(text=z_title, font=dict(size=16))),
            aspectmode="manual",
            aspectratio=dict(x=1.4, y=1.4 * (y1 - y0) / (x1 - x0) if x1 > x0 else 1, z=0.7),
            camera=dict(eye=dict(x=-0.75, y=-1.1, z=1.3), center=dict(x=0, y=0, z=-0.2)),
        ),
        uirevision="surface",
    )
    return fig


def _summary(values: np.ndarray) -> np.ndarray:
    """One curve per optimizer from [O, S, T]: the start itself, or the median over starts."""
    return values[:, 0] if values.shape[1] == 1 else np.median(values, axis=1)


def _decades(series: np.ndarray) -> float:
    """How many powers of ten the positive finite values span (0 for none)."""
    values = series[np.isfinite(series) & (series > 0)]
    return float(np.log10(values.max() / values.min())) if values.size else 0.0


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
) -> go.Figure:
    """Four panels against the step: f − f* (log), distance to the nearest minimum, the learning
    rate and ‖∇f‖ (log). With several starts each curve is the median over the starts. A ✕ marks
    the step where an optimizer's first start diverged.

    Built as one dict and validated once: Plotly's make_subplots and per-panel updates cost
    four times as much, on every slider change.
    """
    n_starts = loss.shape[1]
    over = f" (median of {n_starts} starts)" if n_starts > 1 else ""
    gap = _summary(np.maximum(loss - loss_floor, 0.0)) + TINY
    panels = (
        (f"f − f*{over}", gap, "log"),
        (f"distance to the nearest minimum{over}", _summary(distance), "linear"),
        ("learning rate η·s(t)", lr, "log"),
        (f"gradient norm ‖∇f‖{over}", _summary(grad_norm) + TINY, "log"),
    )
    traces, layout = [], lecture_layout_dict(CURVE_HEIGHT, dict(l=70, r=20, t=90, b=50))
    annotations = []
    for p, ((title, series, kind), (x_domain, y_domain)) in enumerate(
        zip(panels, CURVE_PANELS, strict=True), start=1
    ):
        suffix = "" if p == 1 else str(p)
        layout[f"xaxis{suffix}"] = axis_style("step" if p > 2 else "") | dict(
            domain=x_domain, anchor=f"y{suffix}", showgrid=True
        )
        y_style = dict(domain=y_domain, anchor=f"x{suffix}", type=kind, showgrid=True)
        if kind == "log":
            y_style |= dict(exponentformat="power") | (
                dict(dtick=1) if _decades(series) >= 0.5 else {}
            )
        layout[f"yaxis{suffix}"] = axis_style("") | y_style
        annotations.append(
            dict(
                text=title,
                x=sum(x_domain) / 2,
                y=y_domain[1],
                xref="paper",
                yref="paper",
                xanchor="center",
                yanchor="bottom",
                yshift=8,
                showarrow=False,
                font=dict(size=palette.FONT_SIZE + 1, color="#222222"),
            )
        )
        for o, name in enumerate(names):
            traces.append(
                dict(
                    type="scatter",
                    x=np.arange(series.shape[1]),
                    y=series[o].astype(np.float32),
                    xaxis=f"x{suffix}",
                    yaxis=f"y{suffix}",
                    mode="lines",
                    line=dict(color=palette.colour(o), width=palette.THIN_LINE_WIDTH),
                    name=name,
                    legendgroup=name,
                    showlegend=p == 1,
                    hovertemplate=f"<b>{name}</b><br>step %{{x}}<br>%{{y:.4g}}<extra></extra>",
                )
            )
    for o, name in enumerate(names):
        diverged = np.flatnonzero(diverged_at[o] >= 0)
        if len(diverged):
            step = int(diverged_at[o, diverged[0]])
            traces.append(
                dict(
                    type="scatter",
                    x=[step],
                    y=[gap[o, min(step, gap.shape[1] - 1)]],
                    mode="markers",
                    marker=dict(
                        symbol=palette.DIVERGED_SYMBOL,
                        size=palette.HEAD_SIZE,
                        color=palette.colour(o),
                        line=dict(color="black", width=1),
                    ),
                    name=f"{name} diverged",
                    legendgroup=name,
                    showlegend=False,
                    hovertemplate=f"<b>{name}</b> diverged at step {step}<extra></extra>",
                )
            )
    layout |= dict(annotations=annotations, hovermode="x unified", uirevision="curves")
    return go.Figure(data=traces, layout=layout)


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
    least 2 % of the domain wide, moved inside the domain when it fits there."""
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
    for axis, (lo, hi) in enumerate(domain):
        if 2 * half[axis] <= hi - lo:
            centre[axis] = np.clip(centre[axis], lo + half[axis], hi - half[axis])
    return (
        (float(centre[0] - half[0]), float(centre[0] + half[0])),
        (float(centre[1] - half[1]), float(centre[1] + half[1])),
    )


def inspector_figure(
    grid: Grid,
    names: list[str],
    heads: np.ndarray,
    neg_grad: np.ndarray,
    updates: np.ndarray,
    domain: Domain,
) -> go.Figure:
    """At one step, for each optimizer: a dashed arrow −η∇f from its head (where plain gradient
    descent at its rate would go) and a solid arrow, the step Δx it took. Zoomed on the arrows."""
    fig = go.Figure()
    for o, name in enumerate(names):
        colour = palette.colour(o)
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
    view = _inspector_domain(heads, np.concatenate([heads + neg_grad, heads + updates]), domain)
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
    dark for diverged, light grey for ending near no known minimum."""
    n_minima = len(minima)
    colours = [DIVERGED_COLOUR, UNKNOWN_COLOUR] + [palette.colour(i) for i in range(n_minima)]
    codes = np.asarray(labels) + 2
    scale = []
    for k, c in enumerate(colours):
        scale += [[k / len(colours), c], [(k + 1) / len(colours), c]]
    fig = go.Figure(
        go.Heatmap(
            x=xs,
            y=ys,
            z=codes,
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
    legend = [(0, "diverged"), (1, "no known minimum")] + [
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
