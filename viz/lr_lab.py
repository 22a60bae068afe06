"""Figures of the learning-rate lab: runs on the map linked to their LR and loss curves, and the
LR range test."""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from viz import palette
from viz.background import (
    Domain,
    Grid,
    axis_style,
    background_image,
    landmark_traces,
    lecture_layout,
)

LINKED_HEIGHT = 860
RANGE_HEIGHT = 460
TINY = 1e-12
REGION_COLOURS = {
    "too small": "rgba(86,180,233,0.16)",
    "just right": "rgba(0,158,115,0.16)",
    "diverges": "rgba(213,94,0,0.16)",
}


def _steps(n: int) -> np.ndarray:
    return np.arange(n, dtype=np.int32)


def linked_figure(
    grid: Grid,
    labels: list[str],
    points: np.ndarray,
    loss: np.ndarray,
    lr: np.ndarray,
    diverged_at: np.ndarray,
    minima: list[tuple[float, float]],
    domain: Domain,
) -> tuple[go.Figure, list[dict]]:
    """The runs `points[r, step, 2]` on the map (left), their learning rate and f − f* against the
    step (right), and the step markers: a head on the map and a dot on each curve per run.

    Returns the figure and the marker list for `components.linked_steps`: every marker trace's
    position at every step. Each path and curve point carries its step as customdata, so
    hovering it moves all markers to that step.
    """
    n_points = points.shape[1]
    fig = make_subplots(
        rows=2,
        cols=2,
        specs=[[{"colspan": 2}, None], [{}, {}]],
        row_heights=[0.62, 0.38],
        horizontal_spacing=0.09,
        vertical_spacing=0.14,
        subplot_titles=("", "learning rate η·s(t)", "f − f*"),
    )
    gap = np.maximum(loss - grid.minimum, 0.0) + TINY
    steps = _steps(n_points)
    for r, label in enumerate(labels):
        colour = palette.colour(r)
        hover = f"<b>{label}</b><br>step %{{customdata}}"
        views = (
            (points[r, :, 0], points[r, :, 1], 1, 1, "<br>x=%{x:.3f}, y=%{y:.3f}"),
            (steps[:-1], lr[r], 2, 1, "<br>η = %{y:.4g}"),
            (steps, gap[r], 2, 2, "<br>f − f* = %{y:.3g}"),
        )
        for x, y, row, col, value in views:
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=y,
                    mode="lines",
                    name=label,
                    showlegend=row == 1,
                    legendgroup=label,
                    customdata=steps,
                    line=dict(color=colour, width=palette.THIN_LINE_WIDTH),
                    hovertemplate=hover + value + "<extra></extra>",
                ),
                row=row,
                col=col,
            )
        k = int(diverged_at[r])
        if k >= 0:
            fig.add_annotation(
                x=float(points[r, k - 1 if k else 0, 0]),
                y=float(points[r, k - 1 if k else 0, 1]),
                text=f"✕ {label}: diverged at step {k}",
                showarrow=True,
                arrowcolor=colour,
                ax=60,
                ay=-40,
                font=dict(color=colour, size=palette.FONT_SIZE),
                bgcolor="rgba(255,255,255,0.8)",
                row=1,
                col=1,
            )
    for trace in landmark_traces(minima, []):
        fig.add_trace(trace, row=1, col=1)

    markers = []
    for r, label in enumerate(labels):
        series = (
            (1, 1, points[r, :, 0], points[r, :, 1], palette.HEAD_SIZE),
            (2, 1, steps[:-1], lr[r], palette.HEAD_SIZE - 4),
            (2, 2, steps, gap[r], palette.HEAD_SIZE - 4),
        )
        for row, col, xs, ys, size in series:
            markers.append(
                {"trace": len(fig.data), "x": np.round(xs, 6).tolist(), "y": ys.tolist()}
            )
            fig.add_trace(
                go.Scatter(
                    x=xs[:1],
                    y=ys[:1],
                    mode="markers",
                    marker=dict(
                        size=size, color=palette.colour(r), line=dict(color="white", width=2)
                    ),
                    legendgroup=label,
                    showlegend=False,
                    hoverinfo="skip",
                ),
                row=row,
                col=col,
            )

    fig.add_layout_image(background_image(grid))
    (x0, x1), (y0, y1) = domain
    lecture_layout(fig, LINKED_HEIGHT, dict(l=70, r=20, t=80, b=60))
    fig.update_xaxes(axis_style("x") | dict(range=[x0, x1], autorange=False), row=1, col=1)
    fig.update_yaxes(
        axis_style("y") | dict(range=[y0, y1], autorange=False, constrain="domain"),
        row=1,
        col=1,
    )
    fig.update_xaxes(axis_style("step") | dict(showgrid=True), row=2, col=1)
    fig.update_xaxes(axis_style("step") | dict(showgrid=True), row=2, col=2)
    fig.update_yaxes(axis_style("") | dict(showgrid=True, rangemode="tozero"), row=2, col=1)
    fig.update_yaxes(
        axis_style("") | dict(showgrid=True, type="log", exponentformat="power", dtick=1),
        row=2,
        col=2,
    )
    fig.update_annotations(selector=dict(text="learning rate η·s(t)"), font=dict(size=17))
    fig.update_annotations(selector=dict(text="f − f*"), font=dict(size=17))
    fig.update_layout(
        hovermode="closest",
        hoverdistance=20,
        uirevision=f"lab {domain}",
        meta={"equal_aspect": True},
    )
    return fig, markers


def lr_range_figure(
    rates: np.ndarray,
    final_gap: np.ndarray,
    diverged: np.ndarray,
    regions: dict[str, tuple[float, float]],
    edge: float | None,
    title: str,
) -> go.Figure:
    """Final f − f* against the learning rate (log–log), with the test's `regions` shaded and
    the divergence `edge` drawn as a dashed line. Diverged rates are drawn as ✕ at the top."""
    rates, final_gap, diverged = map(np.asarray, (rates, final_gap, diverged))
    fig = go.Figure()
    stable = ~diverged
    shown = np.maximum(final_gap, TINY)
    fig.add_trace(
        go.Scatter(
            x=rates[stable],
            y=shown[stable],
            mode="lines+markers",
            marker=dict(size=5, color=palette.colour(0)),
            line=dict(color=palette.colour(0), width=palette.THIN_LINE_WIDTH),
            name="final f − f*",
            hovertemplate="η = %{x:.3g}<br>final f − f* = %{y:.3g}<extra></extra>",
        )
    )
    if diverged.any():
        top = float(shown[stable].max()) if stable.any() else 1.0
        fig.add_trace(
            go.Scatter(
                x=rates[diverged],
                y=np.full(int(diverged.sum()), top),
                mode="markers",
                marker=dict(symbol="x", size=7, color=palette.colour(1)),
                name="diverged",
                hovertemplate="η = %{x:.3g}: diverged<extra></extra>",
            )
        )
    for name, (low, high) in regions.items():
        fig.add_vrect(
            x0=low,
            x1=high,
            fillcolor=REGION_COLOURS[name],
            line_width=0,
            layer="below",
        )
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker=dict(
                    symbol="square", size=16, color=REGION_COLOURS[name].replace("0.16", "0.5")
                ),
                name=name,
            )
        )
    if edge is not None:
        fig.add_vline(x=edge, line=dict(color=palette.colour(1), width=2, dash="dash"))
        fig.add_annotation(
            x=np.log10(edge),
            y=0,
            yref="paper",
            text=f"edge η ≈ {edge:.3g}",
            showarrow=False,
            xanchor="right",
            yanchor="bottom",
            font=dict(color=palette.colour(1), size=palette.FONT_SIZE),
        )
    lecture_layout(fig, RANGE_HEIGHT, dict(l=70, r=20, t=90, b=60))
    fig.update_xaxes(
        axis_style("learning rate η")
        | dict(type="log", showgrid=True, dtick=1, exponentformat="power")
    )
    fig.update_yaxes(
        axis_style("final f − f*")
        | dict(type="log", showgrid=True, exponentformat="power", dtick=1)
    )
    fig.update_layout(title=dict(text=title, font=dict(size=palette.FONT_SIZE + 1)))
    return fig


def gradient_norm_figure(
    labels: list[str], raw: np.ndarray, applied: np.ndarray, clip_norms: list[float | None]
) -> go.Figure:
    """‖∇f‖ (solid) and the norm of the gradient the optimizer received (dotted) per run, log
    scale, with each run's clipping threshold c as a thin horizontal line."""
    fig = go.Figure()
    for r, label in enumerate(labels):
        colour = palette.colour(r)
        steps = _steps(raw.shape[1])
        for values, dash, what in ((raw, "solid", "‖∇f‖"), (applied, "dot", "applied")):
            fig.add_trace(
                go.Scatter(
                    x=steps,
                    y=values[r] + TINY,
                    mode="lines",
                    name=label if dash == "solid" else f"{label}: applied",
                    legendgroup=label,
                    showlegend=dash == "solid",
                    line=dict(color=colour, width=palette.THIN_LINE_WIDTH, dash=dash),
                    hovertemplate=f"<b>{label}</b> {what}<br>step %{{x}}: %{{y:.3g}}"
                    "<extra></extra>",
                )
            )
        if clip_norms[r] is not None:
            fig.add_hline(y=clip_norms[r], line=dict(color=colour, width=1, dash="dash"))
    lecture_layout(fig, RANGE_HEIGHT - 60, dict(l=70, r=20, t=70, b=60))
    fig.update_xaxes(axis_style("step") | dict(showgrid=True))
    fig.update_yaxes(
        axis_style("gradient norm") | dict(type="log", showgrid=True, exponentformat="power")
    )
    fig.update_layout(hovermode="x unified")
    return fig
