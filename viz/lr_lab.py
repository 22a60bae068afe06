"""Figures of the learning-rate lab: runs on the map linked to their LR and loss curves, and the
LR range test.

Every builder returns a plain figure dict, built without plotly.py's validation (which costs tens
of ms per figure, on every slider move): `go.Figure(spec, _validate=False)` draws one with
`st.plotly_chart`, and `tests` check each spec through `go.Figure(spec)`, which validates it.
"""

import numpy as np

from viz import palette
from viz.background import (
    Domain,
    Grid,
    axis_style,
    background_image,
    landmark_traces,
    lecture_layout_dict,
)
from viz.race import exit_point, typed

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


def _layout(height: int, margin: dict, **extra) -> dict:
    """`lecture_layout_dict` with the template spelled out, and `extra` on top."""
    return lecture_layout_dict(height, margin) | {"template": palette.template_json()} | extra


def _cross(x: float, y: float, colour: str, label: str, k: int, axes: tuple[str, str]) -> dict:
    return dict(
        type="scatter",
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
        xaxis=axes[0],
        yaxis=axes[1],
    )


def _linked_axes(domain: Domain) -> dict:
    """The three views' axes: the map on top over both columns, the LR and the f − f* curves
    below it (the component `components.linked_steps` lays them out for its width)."""
    (x0, x1), (y0, y1) = domain
    grid = dict(showgrid=True)
    return dict(
        xaxis=dict(anchor="y", domain=[0.0, 1.0])
        | axis_style("x")
        | dict(range=[x0, x1], autorange=False),
        yaxis=dict(anchor="x", domain=[0.625, 1.0])
        | axis_style("y")
        | dict(range=[y0, y1], autorange=False),
        xaxis2=dict(anchor="y2", domain=[0.0, 0.45]) | axis_style("step") | grid,
        yaxis2=dict(anchor="x2", domain=[0.0, 0.375]) | axis_style("") | grid,
        xaxis3=dict(anchor="y3", domain=[0.55, 1.0]) | axis_style("step") | grid,
        yaxis3=dict(anchor="x3", domain=[0.0, 0.375]) | axis_style("") | grid,
    )


def _curve_title(text: str, x: float, name: str) -> dict:
    return dict(
        font=dict(size=17),
        showarrow=False,
        text=text,
        x=x,
        xanchor="center",
        xref="paper",
        y=0.375,
        yanchor="bottom",
        yref="paper",
        name=name,
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
) -> tuple[dict, list[dict]]:
    """The runs `points[r, step, 2]` on the map (top, or left on a wide screen), their learning
    rate and f − f* against the step, and the step markers: a head on the map and a dot on each
    curve per run. The component `components.linked_steps` sizes the views to its width.

    A run that diverged at step k is drawn up to step k − 1 and ends in a ✕ labelled "diverged
    at step k" on every view. Paths are drawn widest cloud first, so a run that stays put is on
    top; a line lying on an earlier one is dashed; the minima (named `minimum_names` beside
    their stars) are drawn above everything.

    Returns the figure dict and the marker list for `components.linked_steps`: each view's
    marker trace (a point per run) with each run's line, whose point at index k is the run's
    marker at step k (a path on the map, a curve, both drawn from step 0 up to the divergence).
    The curves are drawn at x = 0, 1, … (`x0`, `dx`), so a point's index is its step, which
    hovering shows and sends.
    """
    n_points = points.shape[1]
    n_runs = len(labels)
    gap = np.maximum(loss - grid.minimum, 0.0) + TINY
    ends = [int(k) if k >= 0 else n_points for k in diverged_at]  # points drawn: 0 … end − 1
    spread = [tail_distance(points[r, : ends[r]], minima) for r in range(n_runs)]
    order = sorted(range(n_runs), key=lambda r: -np.nan_to_num(spread[r], nan=np.inf))
    views = (
        ("map", ("x", "y"), [points[r, : ends[r]] for r in range(n_runs)]),
        ("lr", ("x2", "y2"), [lr[r, : ends[r]] for r in range(n_runs)]),
        ("gap", ("x3", "y3"), [gap[r, : ends[r]] for r in range(n_runs)]),
    )
    values = {
        "map": "<br>x=%{x:.3f}, y=%{y:.3f}",
        "lr": "<br>η = %{y:.4g}",
        "gap": "<br>f − f* = %{y:.3g}",
    }
    data, annotations, crosses = [], [], []  # crosses: drawn above the heads
    annotations += [
        _curve_title("learning rate η·s(t)", 0.225, "x2"),
        _curve_title("f − f*", 0.775, "x3"),
    ]
    line_of = {}  # (run, view) → index of its line trace
    for view, axes, series in views:
        dashes = _same_as_before(series, order)
        for r in order:
            label, end, colour = labels[r], ends[r], palette.colour(r)
            n = len(series[r])
            along = (
                dict(x=typed(series[r][:, 0]), y=typed(series[r][:, 1]))
                if view == "map"
                else dict(x0=0, dx=1, y=typed(series[r]))
            )
            line_of[r, view] = len(data)
            data.append(
                dict(
                    type="scatter",
                    **along,
                    mode="lines" if n > 1 else "lines+markers",
                    name=label,
                    showlegend=view == "map",
                    legendgroup=label,
                    legendrank=r,
                    line=dict(
                        color=colour,
                        width=palette.THIN_LINE_WIDTH
                        + (1.5 if dashes[r] == 0 and view != "map" else 0),
                        dash=DASHES[min(dashes[r], len(DASHES) - 1)],
                    ),
                    marker=dict(color=colour, size=6),
                    hovertemplate=f"<b>{label}</b><br>step %{{pointNumber}}"
                    + values[view]
                    + "<extra></extra>",
                    xaxis=axes[0],
                    yaxis=axes[1],
                )
            )
            if end < n_points:
                x, y = (
                    exit_point(points[r], end - 1, domain)
                    if view == "map"
                    else (end, series[r][-1])
                )
                crosses.append(_cross(float(x), float(y), colour, label, end, axes))
                if view != "lr":
                    annotations.append(
                        dict(
                            x=float(x) if view == "map" else end,
                            y=float(y) if view == "map" else float(np.log10(y)),
                            text=f"✕ diverged at step {end}"
                            + (f": {label}" if view == "map" else ""),
                            showarrow=True,
                            arrowcolor=colour,
                            ax=40,
                            ay=-36 if view == "map" else 36,
                            xanchor="left",
                            font=dict(color=colour, size=palette.FONT_SIZE),
                            bgcolor="rgba(255,255,255,0.85)",
                            xref=axes[0],
                            yref=axes[1],
                        )
                    )

    markers = []  # one trace of step markers per view, a point per run
    for view, axes, series in views:
        x, y = [], []  # where each run ends (None: it has no point)
        for drawn in series:
            last = drawn[-1] if len(drawn) else None
            x.append(None if last is None else float(last[0] if view == "map" else len(drawn) - 1))
            y.append(None if last is None else float(last[1] if view == "map" else last))
        markers.append({"trace": len(data), "lines": [line_of[r, view] for r in range(n_runs)]})
        data.append(
            dict(
                type="scatter",
                x=x,
                y=y,
                mode="markers",
                marker=dict(
                    size=palette.HEAD_SIZE - (0 if view == "map" else 4),
                    color=[palette.colour(r) for r in range(n_runs)],
                    line=dict(color="white", width=2),
                ),
                showlegend=False,
                hoverinfo="skip",
                xaxis=axes[0],
                yaxis=axes[1],
            )
        )
    data += crosses
    for trace in landmark_traces(minima, []):  # last, so the stars are drawn above everything
        data.append(trace.to_plotly_json() | dict(xaxis="x", yaxis="y"))
    for (x, y), name in zip(minima, minimum_names or [], strict=False):
        if name:
            annotations.append(
                dict(
                    x=x,
                    y=y,
                    text=name,
                    showarrow=False,
                    yshift=-24,
                    font=dict(size=palette.FONT_SIZE),
                    bgcolor="rgba(255,255,255,0.8)",
                    xref="x",
                    yref="y",
                )
            )

    (x0, x1), (y0, y1) = domain
    layout = _layout(LINKED_HEIGHT, dict(l=70, r=20, t=20, b=60), **_linked_axes(domain))
    drawn_lr = np.concatenate([lr[r, : ends[r]] for r in range(n_runs)])
    levels = [np.median(lr[r, : ends[r]]) for r in range(n_runs) if ends[r]]
    spans_decades = drawn_lr.min() > 0 and max(levels) >= RATE_LEVELS * min(levels)
    layout["yaxis2"] |= (
        log_axis(drawn_lr, CURVES_HEIGHT) if spans_decades else dict(rangemode="tozero")
    )
    drawn_gap = np.concatenate([gap[r, : ends[r]] for r in range(n_runs)])
    layout["yaxis3"] |= log_axis(drawn_gap, CURVES_HEIGHT)
    layout |= dict(
        annotations=annotations,
        images=[background_image(grid).to_plotly_json()],
        hovermode="closest",
        hoverdistance=20,
        uirevision=f"lab {domain}",
        legend=layout["legend"] | dict(yref="paper", y=1.0, yanchor="bottom"),
        meta={"linked_layout": {"aspect": (y1 - y0) / (x1 - x0), "curves": CURVES_HEIGHT}},
    )
    return {"data": data, "layout": layout}, markers


def spread_figure(
    labels: list[str], distances: list[float], diverged_at: np.ndarray, steps: int
) -> dict:
    """One bar per run: `tail_distance` of its path, in its colour; a diverged run gets a ✕."""
    tail = round(steps * TAIL)
    data = []
    for r, (label, d) in enumerate(zip(labels, distances, strict=True)):
        diverged = diverged_at[r] >= 0
        data.append(
            dict(
                type="bar",
                y=[label],
                x=[0 if diverged else float(d)],
                orientation="h",
                marker=dict(color=palette.colour(r)),
                text=[f"diverged at step {diverged_at[r]}" if diverged else f"{d:.3g}"],
                textposition="outside",
                cliponaxis=False,
                showlegend=False,
                hovertemplate=f"<b>{label}</b><br>%{{text}}<extra></extra>",
            )
        )
    layout = _layout(
        70 + 44 * len(labels),
        dict(l=20, r=90, t=10, b=60),
        xaxis=axis_style(f"RMS distance from the minimum over the last {tail} steps")
        | dict(showgrid=True, rangemode="tozero"),
        yaxis=axis_style("")
        | dict(autorange="reversed", automargin=True, showline=False, ticks=""),
        bargap=0.3,
        showlegend=False,
    )
    return {"data": data, "layout": layout}


def lr_range_figure(
    rates: np.ndarray,
    final_gap: np.ndarray,
    diverged: np.ndarray,
    regions: dict[str, tuple[float, float]],
    edge: float | None,
    title: str,
) -> dict:
    """Final f − f* against the learning rate (log–log), with the test's `regions` shaded and
    the divergence `edge` drawn as a dashed line. Diverged rates are drawn as ✕ at the top."""
    rates, final_gap, diverged = map(np.asarray, (rates, final_gap, diverged))
    stable = ~diverged
    shown = np.maximum(final_gap, TINY)
    data = [
        dict(
            type="scatter",
            x=typed(rates[stable]),
            y=typed(shown[stable]),
            mode="lines+markers",
            marker=dict(size=5, color=palette.colour(0)),
            line=dict(color=palette.colour(0), width=palette.THIN_LINE_WIDTH),
            name="final f − f*",
            hovertemplate="η = %{x:.3g}<br>final f − f* = %{y:.3g}<extra></extra>",
        )
    ]
    if diverged.any():
        top = float(shown[stable].max()) if stable.any() else 1.0
        data.append(
            dict(
                type="scatter",
                x=typed(rates[diverged]),
                y=typed(np.full(int(diverged.sum()), top)),
                mode="markers",
                marker=dict(symbol="x", size=7, color=palette.colour(1)),
                name="diverged",
                hovertemplate="η = %{x:.3g}: diverged<extra></extra>",
            )
        )
    shapes, annotations = [], []
    for name, (low, high) in regions.items():
        shapes.append(
            dict(
                type="rect",
                x0=float(low),
                x1=float(high),
                xref="x",
                y0=0,
                y1=1,
                yref="y domain",
                fillcolor=REGION_COLOURS[name],
                line=dict(width=0),
                layer="below",
            )
        )
        data.append(
            dict(
                type="scatter",
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
        shapes.append(
            dict(
                type="line",
                x0=float(edge),
                x1=float(edge),
                xref="x",
                y0=0,
                y1=1,
                yref="y domain",
                line=dict(color=palette.colour(1), width=2, dash="dash"),
            )
        )
        annotations.append(
            dict(
                x=float(np.log10(edge)),
                y=0,
                yref="paper",
                text=f"edge η ≈ {edge:.3g}",
                showarrow=False,
                xanchor="right",
                yanchor="bottom",
                font=dict(color=palette.colour(1), size=palette.FONT_SIZE),
            )
        )
    layout = _layout(
        RANGE_HEIGHT,
        dict(l=70, r=20, t=90, b=60),
        xaxis=axis_style("learning rate η") | dict(showgrid=True) | log_axis(rates, 10_000),
        yaxis=axis_style("final f − f*")
        | dict(showgrid=True)
        | log_axis(shown, RANGE_HEIGHT - 150),
        shapes=shapes,
        annotations=annotations,
        title=dict(
            text=f"<b>{title}</b>", x=0, xanchor="left", font=dict(size=palette.FONT_SIZE + 1)
        ),
    )
    return {"data": data, "layout": layout}


def gradient_norm_figure(
    labels: list[str], raw: np.ndarray, applied: np.ndarray, clip_norms: list[float | None]
) -> dict:
    """‖∇f‖ (solid) and the norm of the gradient the optimizer received (dotted) per run, log
    scale, with each run's clipping threshold c as a thin horizontal line."""
    data, shapes = [], []
    for r, label in enumerate(labels):
        colour = palette.colour(r)
        for values, dash, what in ((raw, "solid", "‖∇f‖"), (applied, "dot", "applied")):
            data.append(
                dict(
                    type="scatter",
                    x0=0,
                    dx=1,
                    y=typed(values[r] + TINY),
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
            shapes.append(
                dict(
                    type="line",
                    x0=0,
                    x1=1,
                    xref="x domain",
                    y0=clip_norms[r],
                    y1=clip_norms[r],
                    yref="y",
                    line=dict(color=colour, width=1, dash="dash"),
                )
            )
    drawn = np.concatenate([raw.ravel(), applied.ravel(), [c for c in clip_norms if c]])
    layout = _layout(
        RANGE_HEIGHT - 60,
        dict(l=70, r=20, t=70, b=60),
        xaxis=axis_style("step") | dict(showgrid=True),
        yaxis=axis_style("gradient norm")
        | dict(showgrid=True)
        | log_axis(drawn, RANGE_HEIGHT - 190),
        shapes=shapes,
        hovermode="x unified",
    )
    return {"data": data, "layout": layout}
