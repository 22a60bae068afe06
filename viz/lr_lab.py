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
from viz.race import exit_point

LINKED_HEIGHT = 860
RANGE_HEIGHT = 460
TINY = 1e-12
REGION_COLOURS = {
    "too small": "rgba(86,180,233,0.16)",
    "just right": "rgba(0,158,115,0.16)",
    "diverges": "rgba(213,94,0,0.16)",
}


DASHES = ("solid", "dash", "dot", "dashdot")
SAME_SHARE = 0.2  # a line drawn over an earlier one for this share of its points gets a dash
TAIL = 0.4  # the share of the last steps that `tail_distance` averages over
RATE_LEVELS = 20  # runs whose typical rates differ this much get a log rate axis
CURVES_HEIGHT = 230  # px of each curve's plot area when the curves sit under the map
LABEL_PX = 34  # a log axis gets at most one tick label per this many px, and one per decade


def _steps(n: int) -> np.ndarray:
    return np.arange(n, dtype=np.int32)


def log_axis(values: np.ndarray, length_px: float) -> dict:
    """A log axis over the finite positive `values` with at most one tick label per decade and
    per `LABEL_PX` px: labels every d decades at 10^(k d), d ≥ 1."""
    values = np.asarray(values, dtype=np.float64)
    shown = values[np.isfinite(values) & (values > 0)]
    low, high = (np.log10(shown.min()), np.log10(shown.max())) if shown.size else (-1.0, 1.0)
    low, high = np.floor(low), max(np.ceil(high), np.floor(low) + 1)
    every = max(1, int(np.ceil((high - low) / max(1, length_px // LABEL_PX))))
    return dict(
        type="log",
        range=[low - 0.05, high + 0.05],
        autorange=False,
        tick0=0,
        dtick=every,
        exponentformat="power",
        minor=dict(showgrid=False),
    )


def tail_distance(path: np.ndarray, minima: list[tuple[float, float]]) -> float:
    """How far a run wanders from the minimum at the end: the RMS distance of the last `TAIL`
    share of `path[step, 2]` from the known minimum nearest their mean (from their mean when no
    minimum is known). NaN for an empty path."""
    path = np.asarray(path, dtype=np.float64)
    if not len(path):
        return float("nan")
    tail = path[int(len(path) * (1 - TAIL)) :] if len(path) > 1 else path
    centre = tail.mean(axis=0)
    if len(minima):
        known = np.asarray(minima, dtype=np.float64).reshape(-1, 2)
        centre = known[np.argmin(np.linalg.norm(known - centre, axis=1))]
    return float(np.sqrt(((tail - centre) ** 2).sum(axis=1).mean()))


def _same_as_before(series: list[np.ndarray], order: list[int]) -> dict[int, int]:
    """For each run, how many runs drawn before it (in `order`) its line lies on for at least
    `SAME_SHARE` of the longer one's points: 0 keeps it solid, 1, 2, … give it a dash."""
    dashes = {}
    for i, r in enumerate(order):
        dashes[r] = 0
        for q in order[:i]:
            n = min(len(series[r]), len(series[q]))
            same = np.isclose(series[r][:n], series[q][:n], rtol=1e-3, atol=1e-9)
            count = same.reshape(n, -1).all(axis=1).sum()
            if count >= 2 and count >= SAME_SHARE * max(len(series[r]), len(series[q])):
                dashes[r] += 1
    return dashes


def _cross(x: float, y: float, colour: str, label: str, k: int) -> go.Scatter:
    return go.Scatter(
        x=[x],
        y=[y],
        mode="markers",
        marker=dict(
            symbol=palette.DIVERGED_SYMBOL,
            size=palette.HEAD_SIZE,
            color=colour,
            line=dict(color="white", width=1),
        ),
        legendgroup=label,
        showlegend=False,
        hovertemplate=f"<b>{label}</b><br>diverged at step {k}<extra></extra>",
    )


def linked_figure(
    grid: Grid,
    labels: list[str],
    points: np.ndarray,
    loss: np.ndarray,
    lr: np.ndarray,
    diverged_at: np.ndarray,
    minima: list[tuple[float, float]],
    domain: Domain,
    minimum_names: list[str] | None = None,
) -> tuple[go.Figure, list[dict]]:
    """The runs `points[r, step, 2]` on the map (top, or left on a wide screen), their learning
    rate and f − f* against the step, and the step markers: a head on the map and a dot on each
    curve per run. The component `components.linked_steps` sizes the views to its width.

    A run that diverged at step k is drawn up to step k − 1 and ends in a ✕ labelled "diverged
    at step k" on every view. Paths are drawn widest cloud first, so a run that stays put is on
    top; a line lying on an earlier one is dashed; the minima (named `minimum_names` beside
    their stars) are drawn above everything.

    Returns the figure and the marker list for `components.linked_steps`: every marker trace's
    position at every step (up to the divergence). Each path and curve point carries its step
    as customdata, so hovering it moves all markers to that step.
    """
    n_points = points.shape[1]
    fig = make_subplots(
        rows=2,
        cols=2,
        specs=[[{"colspan": 2}, None], [{}, {}]],
        subplot_titles=("", "learning rate η·s(t)", "f − f*"),
    )
    gap = np.maximum(loss - grid.minimum, 0.0) + TINY
    steps = _steps(n_points)
    ends = [int(k) if k >= 0 else n_points for k in diverged_at]  # points drawn: 0 … end − 1
    spread = [tail_distance(points[r, : ends[r]], minima) for r in range(len(labels))]
    order = sorted(range(len(labels)), key=lambda r: -np.nan_to_num(spread[r], nan=np.inf))
    views = (
        ("map", 1, 1, [points[r, : ends[r]] for r in range(len(labels))]),
        ("lr", 2, 1, [lr[r, : ends[r]] for r in range(len(labels))]),
        ("gap", 2, 2, [gap[r, : ends[r]] for r in range(len(labels))]),
    )
    values = {
        "map": "<br>x=%{x:.3f}, y=%{y:.3f}",
        "lr": "<br>η = %{y:.4g}",
        "gap": "<br>f − f* = %{y:.3g}",
    }
    crosses = []  # drawn above the heads, which stay where a diverged run stopped
    for view, row, col, series in views:
        dashes = _same_as_before(series, order)
        for r in order:
            label, end, colour = labels[r], ends[r], palette.colour(r)
            n = len(series[r])
            xy = series[r] if view == "map" else np.stack([steps[:n], series[r]], axis=1)
            fig.add_trace(
                go.Scatter(
                    x=xy[:, 0],
                    y=xy[:, 1],
                    mode="lines" if len(xy) > 1 else "lines+markers",
                    name=label,
                    showlegend=view == "map",
                    legendgroup=label,
                    legendrank=r,
                    customdata=steps[: len(xy)],
                    line=dict(
                        color=colour,
                        width=palette.THIN_LINE_WIDTH
                        + (1.5 if dashes[r] == 0 and view != "map" else 0),
                        dash=DASHES[min(dashes[r], len(DASHES) - 1)],
                    ),
                    marker=dict(color=colour, size=6),
                    hovertemplate=f"<b>{label}</b><br>step %{{customdata}}"
                    + values[view]
                    + "<extra></extra>",
                ),
                row=row,
                col=col,
            )
            if end < n_points:
                x, y = exit_point(points[r], end - 1, domain) if view == "map" else (end, xy[-1, 1])
                crosses.append((_cross(float(x), float(y), colour, label, end), row, col))
                if view != "lr":
                    fig.add_annotation(
                        x=float(x) if view == "map" else end,
                        y=float(y) if view == "map" else float(np.log10(y)),
                        text=f"✕ diverged at step {end}" + (f": {label}" if view == "map" else ""),
                        showarrow=True,
                        arrowcolor=colour,
                        ax=40,
                        ay=-36 if view == "map" else 36,
                        xanchor="left",
                        font=dict(color=colour, size=palette.FONT_SIZE),
                        bgcolor="rgba(255,255,255,0.85)",
                        row=row,
                        col=col,
                    )

    markers = []
    for r, label in enumerate(labels):
        end = ends[r]
        series = (
            (1, 1, points[r, :end, 0], points[r, :end, 1], palette.HEAD_SIZE),
            (2, 1, steps[: len(lr[r, :end])], lr[r, :end], palette.HEAD_SIZE - 4),
            (2, 2, steps[:end], gap[r, :end], palette.HEAD_SIZE - 4),
        )
        for row, col, xs, ys, size in series:
            markers.append(
                {"trace": len(fig.data), "x": np.round(xs, 6).tolist(), "y": ys.tolist()}
            )
            fig.add_trace(
                go.Scatter(
                    x=xs[-1:],
                    y=ys[-1:],
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
    for trace, row, col in crosses:
        fig.add_trace(trace, row=row, col=col)
    for trace in landmark_traces(minima, []):  # last, so the stars are drawn above everything
        fig.add_trace(trace, row=1, col=1)
    for (x, y), name in zip(minima, minimum_names or [], strict=False):
        if name:
            fig.add_annotation(
                x=x,
                y=y,
                text=name,
                showarrow=False,
                yshift=-24,
                row=1,
                col=1,
                font=dict(size=palette.FONT_SIZE),
                bgcolor="rgba(255,255,255,0.8)",
            )

    fig.add_layout_image(background_image(grid))
    (x0, x1), (y0, y1) = domain
    lecture_layout(fig, LINKED_HEIGHT, dict(l=70, r=20, t=20, b=60))
    fig.update_xaxes(axis_style("x") | dict(range=[x0, x1], autorange=False), row=1, col=1)
    fig.update_yaxes(axis_style("y") | dict(range=[y0, y1], autorange=False), row=1, col=1)
    fig.update_xaxes(axis_style("step") | dict(showgrid=True), row=2, col=1)
    fig.update_xaxes(axis_style("step") | dict(showgrid=True), row=2, col=2)
    drawn_lr = np.concatenate([lr[r, : ends[r]] for r in range(len(labels))])
    levels = [np.median(lr[r, : ends[r]]) for r in range(len(labels)) if ends[r]]
    spans_decades = drawn_lr.min() > 0 and max(levels) >= RATE_LEVELS * min(levels)
    rate_axis = log_axis(drawn_lr, CURVES_HEIGHT) if spans_decades else dict(rangemode="tozero")
    fig.update_yaxes(axis_style("") | dict(showgrid=True) | rate_axis, row=2, col=1)
    drawn_gap = np.concatenate([gap[r, : ends[r]] for r in range(len(labels))])
    fig.update_yaxes(
        axis_style("") | dict(showgrid=True) | log_axis(drawn_gap, CURVES_HEIGHT), row=2, col=2
    )
    for name, title in (("x2", "learning rate η·s(t)"), ("x3", "f − f*")):
        fig.update_annotations(selector=dict(text=title), font=dict(size=17), name=name)
    fig.update_layout(
        hovermode="closest",
        hoverdistance=20,
        uirevision=f"lab {domain}",
        legend=dict(yref="paper", y=1.0, yanchor="bottom"),
        meta={"linked_layout": {"aspect": (y1 - y0) / (x1 - x0), "curves": CURVES_HEIGHT}},
    )
    return fig, markers


def spread_figure(
    labels: list[str], distances: list[float], diverged_at: np.ndarray, steps: int
) -> go.Figure:
    """One bar per run: `tail_distance` of its path, in its colour; a diverged run gets a ✕."""
    fig = go.Figure()
    tail = round(steps * TAIL)
    for r, (label, d) in enumerate(zip(labels, distances, strict=True)):
        diverged = diverged_at[r] >= 0
        fig.add_trace(
            go.Bar(
                y=[label],
                x=[0 if diverged else d],
                orientation="h",
                marker=dict(color=palette.colour(r)),
                text=[f"diverged at step {diverged_at[r]}" if diverged else f"{d:.3g}"],
                textposition="outside",
                cliponaxis=False,
                showlegend=False,
                hovertemplate=f"<b>{label}</b><br>%{{text}}<extra></extra>",
            )
        )
    lecture_layout(fig, 70 + 44 * len(labels), dict(l=20, r=90, t=10, b=60))
    fig.update_xaxes(
        axis_style(f"RMS distance from the minimum over the last {tail} steps")
        | dict(showgrid=True, rangemode="tozero")
    )
    fig.update_yaxes(
        axis_style("") | dict(autorange="reversed", automargin=True, showline=False, ticks="")
    )
    fig.update_layout(bargap=0.3, showlegend=False)
    return fig


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
    fig.update_xaxes(axis_style("learning rate η") | dict(showgrid=True) | log_axis(rates, 10_000))
    fig.update_yaxes(
        axis_style("final f − f*") | dict(showgrid=True) | log_axis(shown, RANGE_HEIGHT - 150)
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
    drawn = np.concatenate([raw.ravel(), applied.ravel(), [c for c in clip_norms if c]])
    fig.update_yaxes(
        axis_style("gradient norm") | dict(showgrid=True) | log_axis(drawn, RANGE_HEIGHT - 190)
    )
    fig.update_layout(hovermode="x unified")
    return fig
