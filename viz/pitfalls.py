"""Figures of the "Adam's weaknesses" page: NumPy arrays in, Plotly figures out."""

import functools

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from viz import palette
from viz.background import (
    Grid,
    apply_map_layout,
    axis_style,
    background_image,
    landmark_traces,
    lecture_layout,
)
from viz.panels import value_axis
from viz.race import typed

PANEL_HEIGHT = 460
MAP_HEIGHT = 520
SWITCH_COLOUR = "#222222"
TINY = 1e-12


def _line(x, y, name: str, style: dict, showlegend: bool = True, **extra) -> go.Scatter:
    return go.Scatter(
        x=x,
        y=y,
        mode="lines",
        name=name,
        legendgroup=name,
        showlegend=showlegend,
        line=style | dict(width=palette.THIN_LINE_WIDTH + 0.5),
        **extra,
    )


def _two_panels(left: str, right: str) -> go.Figure:
    fig = make_subplots(rows=1, cols=2, subplot_titles=(left, right), horizontal_spacing=0.12)
    lecture_layout(fig, PANEL_HEIGHT, dict(l=70, r=20, t=90, b=60))
    fig.update_annotations(font=dict(size=palette.FONT_SIZE + 1, color="#222222"))
    return fig


@functools.cache
def _two_panels_layout(left: str, right: str) -> dict:
    """The layout of `_two_panels` as a dict, made by plotly.py once per pair of titles (shared:
    callers copy what they change)."""
    return _two_panels(left, right).to_dict()["layout"]


def _dict_line(x, y, name: str, style: dict, axes: str = "", showlegend: bool = True) -> dict:
    """`_line` as a trace dict on the axes x{axes}, y{axes}, its arrays typed."""
    return dict(
        type="scatter",
        x=typed(x),
        y=typed(y),
        xaxis=f"x{axes}",
        yaxis=f"y{axes}",
        mode="lines",
        name=name,
        legendgroup=name,
        showlegend=showlegend,
        line=style | dict(width=palette.THIN_LINE_WIDTH + 0.5),
    )


def online_figure(
    steps: np.ndarray,
    x: np.ndarray,
    regret: np.ndarray,
    x_star: float,
    names: list[str],
    styles: list[dict],
    log_steps: bool,
) -> dict:
    """x_t and the average regret R_t/t of each optimizer against the step t (a log axis for
    the long runs); the best fixed point x* as a dashed line.

    A plain figure dict (plotly.py's make_subplots and validation cost 0.2–0.6 s a build here, a
    slider's whole budget); `go.Figure(online_figure(...))` validates it in the tests."""
    layout = dict(_two_panels_layout("where it plays: x_t", "average regret R_t / t"))
    kind = dict(type="log", dtick=1, exponentformat="power") if log_steps else {}
    for axis in ("xaxis", "xaxis2"):
        layout[axis] = layout[axis] | axis_style("step t") | dict(showgrid=True) | kind
    positive = np.where(regret > 0, regret, np.nan)
    layout["yaxis"] = layout["yaxis"] | axis_style("") | dict(range=[-1.1, 1.1], showgrid=True)
    regret_axis = axis_style("") | dict(showgrid=True) | value_axis(positive)
    layout["yaxis2"] = layout["yaxis2"] | regret_axis
    layout["shapes"] = [
        dict(
            type="line",
            x0=0,
            x1=1,
            xref="x domain",
            y0=x_star,
            y1=x_star,
            yref="y",
            line=dict(color="black", dash="dash", width=1.5),
        )
    ]
    layout["annotations"] = [
        *layout["annotations"],
        dict(
            x=0.02,
            xref="x domain",
            y=x_star,
            yref="y",
            text=f"x* = {x_star:g}",
            showarrow=False,
            yshift=12 if x_star < 0 else -12,
            xanchor="left",
            font=dict(size=palette.FONT_SIZE),
        ),
    ]
    data = []
    for o, name in enumerate(names):
        data.append(_dict_line(steps, x[o], name, styles[o]))
        data.append(_dict_line(steps, regret[o], name, styles[o], "2", False))
    return dict(data=data, layout=layout)


def wilson_figure(
    plane: np.ndarray,
    names: list[str],
    styles: list[dict],
    min_norm: np.ndarray,
    adaptive: np.ndarray | None,
) -> go.Figure:
    """Each path from w₀ = 0 in the plane (w₁, w₂ + w₃), the only two numbers a fresh point's
    prediction sign(w₁y + w₂ + w₃) depends on. Shaded: where every fresh point is predicted
    right (w₁ > |w₂ + w₃|); the minimum-norm solution X⁺y (star) and sign(Xᵀy)/c (diamond).
    The view frames where the runs end: an overshoot on the way may leave it."""
    ends = np.concatenate([plane[:, -1], min_norm[None]])
    top = float(np.nanmax(np.abs(ends))) * 1.6 + 0.05
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[0, top, top, 0],
            y=[0, top, -top, 0],
            fill="toself",
            mode="none",
            fillcolor="rgba(0,158,115,0.15)",
            name="every fresh point right",
            hoverinfo="skip",
        )
    )
    for o, name in enumerate(names):
        fig.add_trace(_line(plane[o, :, 0], plane[o, :, 1], name, styles[o]))
        fig.add_trace(
            go.Scatter(
                x=[plane[o, -1, 0]],
                y=[plane[o, -1, 1]],
                mode="markers",
                showlegend=False,
                legendgroup=name,
                marker=dict(
                    size=palette.HEAD_SIZE,
                    color=styles[o]["color"],
                    line=dict(color="white", width=2),
                ),
                hovertemplate=f"<b>{name}</b> ends at (%{{x:.3f}}, %{{y:.3f}})<extra></extra>",
            )
        )
    targets = [("minimum-norm solution X⁺y", min_norm, "star")]
    if adaptive is not None:
        targets.append(("sign(Xᵀy)/c", adaptive, "diamond"))
    for label, point, symbol in targets:
        fig.add_trace(
            go.Scatter(
                x=[point[0]],
                y=[point[1]],
                mode="markers",
                name=label,
                marker=dict(
                    symbol=symbol,
                    size=palette.LANDMARK_SIZE,
                    color="black",
                    line=dict(color="white", width=2),
                ),
            )
        )
    lecture_layout(fig, MAP_HEIGHT, dict(l=80, r=20, t=90, b=60))
    fig.update_xaxes(axis_style("w₁ (the feature that is the label)") | dict(range=[-0.05, top]))
    fig.update_yaxes(
        axis_style("w₂ + w₃ (the features every point has)")
        | dict(range=[-top, top], zeroline=True, zerolinecolor="#BBBBBB")
    )
    return fig


def test_error_figure(error: np.ndarray, names: list[str], styles: list[dict]) -> go.Figure:
    """The share of fresh points predicted wrong, against the step."""
    fig = go.Figure()
    steps = np.arange(1, error.shape[1] + 1)
    for o, name in enumerate(names):
        fig.add_trace(_line(steps, error[o], name, styles[o]))
    lecture_layout(fig, 360, dict(l=70, r=20, t=70, b=60))
    fig.update_xaxes(axis_style("step") | dict(showgrid=True))
    fig.update_yaxes(axis_style("fresh points wrong") | dict(range=[-0.02, 1.02], tickformat=".0%"))
    return fig


def paths_map(
    grid: Grid,
    paths: list[np.ndarray],
    names: list[str],
    styles: list[dict],
    domain,
    minima: list[tuple[float, float]],
    marks: list[tuple[str, np.ndarray]] = (),
) -> go.Figure:
    """Still paths on the landscape, `marks` (label, point) as ✕, the minima on top."""
    fig = go.Figure()
    for path, name, style in zip(paths, names, styles, strict=True):
        fig.add_trace(
            go.Scatter(
                x=path[:, 0],
                y=path[:, 1],
                mode="lines",
                name=name,
                line=style | dict(width=palette.LINE_WIDTH),
                hoverinfo="skip",
            )
        )
    for label, point in marks:
        fig.add_trace(
            go.Scatter(
                x=[point[0]],
                y=[point[1]],
                mode="markers+text",
                name=label,
                text=[label],
                textposition="top center",
                textfont=dict(size=palette.FONT_SIZE),
                marker=dict(
                    symbol=palette.DIVERGED_SYMBOL,
                    size=palette.HEAD_SIZE + 3,
                    color=SWITCH_COLOUR,
                    line=dict(color="white", width=1),
                ),
            )
        )
    for trace in landmark_traces(minima, []):
        fig.add_trace(trace)
    fig.add_layout_image(background_image(grid))
    apply_map_layout(fig, domain, MAP_HEIGHT)
    return fig


def swats_curves(
    loss: np.ndarray, gamma: np.ndarray, estimate: np.ndarray, switch: int, floor: float
) -> go.Figure:
    """f − f* against the step, and the rate estimates γ_k and λ_k/(1 − β₂ᵏ); a dashed line at
    the switch."""
    fig = _two_panels("f − f*", "SGD rate implied by Adam's steps")
    steps = np.arange(loss.size)
    gap = np.maximum(loss - floor, 0.0) + TINY
    blue, vermillion = palette.OPTIMIZER_COLOURS["sgd"], palette.OPTIMIZER_COLOURS["momentum"]
    fig.add_trace(_line(steps, gap, "f − f*", dict(color=blue), False), row=1, col=1)
    k = np.arange(1, gamma.size + 1)
    fig.add_trace(_line(k, gamma, "γ_k (this step)", dict(color=vermillion)), row=1, col=2)
    fig.add_trace(
        _line(k, estimate, "λ_k / (1 − β₂ᵏ) (its average)", dict(color=blue)), row=1, col=2
    )
    if switch >= 0:
        for col in (1, 2):
            fig.add_vline(x=switch, line=dict(color=SWITCH_COLOUR, dash="dash"), row=1, col=col)
        fig.add_annotation(
            x=switch,
            xref="x",
            y=1,
            yref="y domain",
            text=f"switch at step {switch}",
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font=dict(size=palette.FONT_SIZE),
        )
    fig.update_xaxes(axis_style("step") | dict(showgrid=True))
    fig.update_yaxes(axis_style("") | dict(showgrid=True) | value_axis(gap), row=1, col=1)
    fig.update_yaxes(axis_style("") | dict(showgrid=True) | value_axis(gamma), row=1, col=2)
    return fig


def rates_figure(rates: np.ndarray, names: list[str], styles: list[dict]) -> go.Figure:
    """Each optimizer's effective rate on x and on y against the step (log)."""
    fig = _two_panels("effective rate along x (the valley)", "effective rate along y (across)")
    steps = np.arange(1, rates.shape[1] + 1)
    for o, name in enumerate(names):
        for axis in (0, 1):
            trace = _line(steps, rates[o, :, axis], name, styles[o], axis == 0)
            fig.add_trace(trace, row=1, col=axis + 1)
    fig.update_xaxes(axis_style("step") | dict(showgrid=True))
    fig.update_yaxes(axis_style("") | dict(showgrid=True) | value_axis(rates))
    return fig


def hover_figure(x: np.ndarray, last: int) -> go.Figure:
    """|x_t| over the whole run (log), and x_t over the last `last` steps: it keeps changing
    side instead of settling."""
    fig = _two_panels("|x_t| over the run", f"x_t, the last {last} steps")
    adam = dict(color=palette.OPTIMIZER_COLOURS["adam"])
    steps = np.arange(x.size)
    size = np.abs(x) + TINY
    fig.add_trace(_line(steps, size, "Adam", adam), row=1, col=1)
    fig.add_trace(
        go.Scatter(
            x=steps[-last:],
            y=x[-last:],
            mode="lines+markers",
            showlegend=False,
            line=adam | dict(width=palette.THIN_LINE_WIDTH),
            marker=dict(size=8, color=adam["color"]),
        ),
        row=1,
        col=2,
    )
    fig.add_hline(y=0, line=dict(color="black", dash="dash", width=1.5), row=1, col=2)
    fig.update_xaxes(axis_style("step t") | dict(showgrid=True))
    fig.update_yaxes(axis_style("") | dict(showgrid=True) | value_axis(size), row=1, col=1)
    fig.update_yaxes(axis_style("") | dict(showgrid=True, exponentformat="power"), row=1, col=2)
    return fig
