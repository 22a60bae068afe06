"""Figures of the network page: what each run predicts on the plane, and its curves.

The prediction map colours every point of the plane by the class the network picks there,
pale where it hesitates (p = 1/K) and saturated where it is sure (p = 1): z = class + confidence,
on a colour scale with one band per class. One figure holds one map per run; its frames step
through the checkpoints, so ▶ Play replays the training.
"""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from viz import palette
from viz.background import axis_style, lecture_layout
from viz.panels import value_axis

CLASS_COLOURS = ("#0072B2", "#D55E00", "#009E73")
PALE = "#FFFFFF"
MAP_HEIGHT = 520
CURVE_HEIGHT = 560
FRAME_MS = 120
TINT = 45  # of 99 steps from white to the class colour
SHADES = 256  # levels of a prediction map, one byte per cell


def _hex(colour: str) -> tuple[int, int, int]:
    return palette.hex_to_rgb(colour)


def class_colorscale(classes: int) -> list:
    """One band per class on z ∈ [0, K): white at the band's start, a light tint of the class
    colour at its end, so that the data points in full colour stand out on it."""
    scale = []
    for k in range(classes):
        tint = palette.rgb(palette.ramp((PALE, CLASS_COLOURS[k]), 100)[TINT])
        scale += [[k / classes, PALE], [(k + 1) / classes - 1e-6, tint]]
    scale[-1][0] = 1.0
    return scale


def confidence_map(probabilities: np.ndarray) -> np.ndarray:
    """z = argmax + (p_max − 1/K)/(1 − 1/K) (scaled into its band), for [..., K] probabilities."""
    classes = probabilities.shape[-1]
    chosen = probabilities.argmax(axis=-1)
    sure = (probabilities.max(axis=-1) - 1 / classes) / (1 - 1 / classes)
    return (chosen + 0.999 * np.clip(sure, 0, 1)).astype(np.float32)


def shades(z: np.ndarray, classes: int) -> np.ndarray:
    """A confidence map z ∈ [0, K) as one byte per cell, 0…255 on a scale of SHADES levels
    (zmax = SHADES): rounded down, a cell stays in its class's band, and a map sends a quarter
    of float32's bytes (the figure holds one per run and checkpoint)."""
    return np.floor(np.asarray(z) * (SHADES / classes)).astype(np.uint8)


def prediction_figure(
    xs: np.ndarray,
    ys: np.ndarray,
    probabilities: np.ndarray,
    steps: np.ndarray,
    points: np.ndarray,
    labels: np.ndarray,
    names: list[str],
) -> go.Figure:
    """Each run's prediction map (probabilities [run, checkpoint, iy, ix, class]) with the
    training points on top, at the last checkpoint; frames step through `steps`."""
    runs, checkpoints, *_, classes = probabilities.shape
    z = shades(confidence_map(probabilities), classes)
    fig = make_subplots(rows=1, cols=runs, subplot_titles=names, horizontal_spacing=0.03)
    scale = class_colorscale(classes)
    for r in range(runs):
        fig.add_trace(
            go.Heatmap(
                x=xs,
                y=ys,
                z=z[r, -1],
                zmin=0,
                zmax=SHADES,
                colorscale=scale,
                showscale=False,
                hovertemplate="x=%{x:.2f} y=%{y:.2f}<extra></extra>",
            ),
            row=1,
            col=r + 1,
        )
    for r in range(runs):
        for k in range(classes):
            mine = labels == k
            fig.add_trace(
                go.Scatter(
                    x=points[mine, 0],
                    y=points[mine, 1],
                    mode="markers",
                    name=f"class {k + 1}",
                    legendgroup=f"class {k}",
                    showlegend=r == 0,
                    marker=dict(size=7, color=CLASS_COLOURS[k], line=dict(color="white", width=1)),
                    hoverinfo="skip",
                ),
                row=1,
                col=r + 1,
            )
    fig.frames = [
        go.Frame(
            name=str(int(step)),
            data=[go.Heatmap(z=z[r, c]) for r in range(runs)],
            traces=list(range(runs)),
        )
        for c, step in enumerate(steps)
    ]
    now = dict(mode="immediate", frame=dict(duration=0, redraw=True), transition=dict(duration=0))
    play = dict(
        frame=dict(duration=FRAME_MS, redraw=True), fromcurrent=True, transition=dict(duration=0)
    )
    fig.update_layout(
        updatemenus=[
            dict(
                type="buttons",
                direction="left",
                x=0,
                xanchor="left",
                y=-0.12,
                yanchor="top",
                showactive=False,
                font=dict(size=palette.FONT_SIZE),
                buttons=[
                    dict(label="▶ Play", method="animate", args=[None, play]),
                    dict(label="❚❚ Pause", method="animate", args=[[None], now]),
                ],
            )
        ],
        sliders=[
            dict(
                active=checkpoints - 1,
                x=0.18,
                len=0.82,
                y=-0.1,
                yanchor="top",
                currentvalue=dict(prefix="step ", font=dict(size=palette.FONT_SIZE + 2)),
                font=dict(color="rgba(0,0,0,0)", size=4),
                ticklen=3,
                steps=[
                    dict(method="animate", label=str(int(s)), args=[[str(int(s))], now])
                    for s in steps
                ],
            )
        ],
    )
    lecture_layout(fig, MAP_HEIGHT, dict(l=40, r=20, t=90, b=130))
    fig.update_annotations(
        font=dict(size=palette.FONT_SIZE + 1, color="#222222"), yshift=palette.TITLE_LIFT
    )
    for r in range(runs):
        fig.update_xaxes(
            axis_style("") | dict(range=[xs[0], xs[-1]], constrain="domain"), row=1, col=r + 1
        )
        fig.update_yaxes(
            axis_style("")
            | dict(
                range=[ys[0], ys[-1]], scaleanchor=f"x{r + 1 if r else ''}", showticklabels=r == 0
            ),
            row=1,
            col=r + 1,
        )
    return fig


def training_curves(
    x: np.ndarray,
    x_title: str,
    panels: list[tuple[str, np.ndarray]],
    names: list[str],
    styles: list[dict],
    diverged_at: np.ndarray,
) -> go.Figure:
    """A 2 × 2 grid of curves [run, evaluation] against `x` [run, evaluation] (steps or
    epochs), one x axis for all four panels (a zoom moves them together) with its tick labels on
    the lower row only (the lower titles need the room in presentation mode); a diverged run's
    curves stop at its step with a ✕."""
    fig = make_subplots(
        rows=2,
        cols=2,
        subplot_titles=[t for t, _ in panels],
        vertical_spacing=0.16,
        horizontal_spacing=0.1,
    )
    for p, (title, values) in enumerate(panels):
        row, col = p // 2 + 1, p % 2 + 1
        for r, name in enumerate(names):
            end = diverged_at[r] if diverged_at[r] >= 0 else values.shape[1] - 1
            fig.add_trace(
                go.Scatter(
                    x=x[r, : end + 1],
                    y=values[r, : end + 1],
                    mode="lines",
                    name=name,
                    legendgroup=name,
                    showlegend=p == 0,
                    line=styles[r] | dict(width=palette.THIN_LINE_WIDTH),
                ),
                row=row,
                col=col,
            )
            if diverged_at[r] >= 0:
                fig.add_trace(
                    go.Scatter(
                        x=[x[r, end]],
                        y=[values[r, end]],
                        mode="markers+text",
                        showlegend=False,
                        text=[f"diverged at step {diverged_at[r]}"] if p == 0 else [""],
                        textposition="top left",
                        legendgroup=name,
                        marker=dict(
                            symbol="x",
                            size=palette.HEAD_SIZE,
                            color=styles[r]["color"],
                            line=dict(color="black", width=1),
                        ),
                    ),
                    row=row,
                    col=col,
                )
        loss = "loss" in title
        axis = value_axis(values) if loss else dict(range=[0, 1.02], tickformat=".0%")
        fig.update_yaxes(axis_style("") | dict(showgrid=True) | axis, row=row, col=col)
        fig.update_xaxes(
            axis_style(x_title if row == 2 else "")
            | dict(showgrid=True, showticklabels=row == 2, matches=None if p == 0 else "x"),
            row=row,
            col=col,
        )
    lecture_layout(fig, CURVE_HEIGHT, dict(l=85, r=20, t=90, b=60))
    fig.update_annotations(
        font=dict(size=palette.FONT_SIZE + 1, color="#222222"), yshift=palette.TITLE_LIFT
    )
    return fig


def replay_marks(
    x: np.ndarray,
    panels: list[tuple[str, np.ndarray]],
    names: list[str],
    styles: list[dict],
    diverged_at: np.ndarray,
    step: int,
    steps_axis: bool,
) -> list[dict]:
    """Layout shapes marking evaluation `step` on the 2 × 2 grid of `training_curves`: a dot of
    HEAD_SIZE px at each run's value (none for a run that diverged before it), in the run's
    legend group so that hiding the run hides its dots, and, against steps, a dashed vertical
    line through every panel. Shapes, not traces: moving them redraws the shapes alone, where
    a changed trace makes plotly.js compute every curve again."""
    shapes = []
    radius = palette.HEAD_SIZE / 2
    for p, (_, values) in enumerate(panels):
        suffix = "" if p == 0 else str(p + 1)
        if steps_axis:
            shapes.append(
                dict(
                    type="line",
                    x0=step,
                    x1=step,
                    xref=f"x{suffix}",
                    y0=0,
                    y1=1,
                    yref=f"y{suffix} domain",
                    line=dict(color="#444444", dash="dash", width=1.5),
                )
            )
        for r, name in enumerate(names):
            if 0 <= diverged_at[r] < step or not np.isfinite(values[r, step]):
                continue
            shapes.append(
                dict(
                    type="circle",
                    xref=f"x{suffix}",
                    yref=f"y{suffix}",
                    xsizemode="pixel",
                    ysizemode="pixel",
                    xanchor=float(x[r, step]),
                    yanchor=float(values[r, step]),
                    x0=-radius,
                    x1=radius,
                    y0=-radius,
                    y1=radius,
                    fillcolor=styles[r]["color"],
                    line=dict(color="white", width=1.5),
                    legendgroup=name,
                    layer="above",
                )
            )
    return shapes
