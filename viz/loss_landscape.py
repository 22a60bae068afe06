"""Figures of the loss-landscape page: slices as log-level contour maps and 3-D surfaces, paths on
their plane, and 1-D sections. NumPy in, Plotly figures out.

Every loss is drawn on a log scale: contour levels evenly spaced in log₁₀ L, labels only at
decades (or at 1-2-5 steps when the picture spans less than a decade), one colour scale for
all the maps of a figure so that side-by-side pictures compare.
"""

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from viz import palette
from viz.background import axis_style, lecture_layout
from viz.panels import value_axis

LEVELS = 24
MAP_ROW_HEIGHT = 330
PANELS_PER_ROW = 4
SURFACE_HEIGHT = 520
CURVE_HEIGHT = 400
LOG_FLOOR = 1e-8
MAP_COLOURS = palette.LANDSCAPE_COLOURS
CONTOUR_LINE = "#666666"
SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
MANTISSAS = (1, 2, 5)
MAX_TICKS = 6
DECADES = 10.0


def _log(values) -> np.ndarray:
    return np.log10(np.maximum(np.asarray(values, np.float64), LOG_FLOOR))


def _power(exponent: int) -> str:
    return "1" if exponent == 0 else f"10{str(exponent).translate(SUPERSCRIPTS)}"


def log_ticks(lo: float, hi: float) -> tuple[list[float], list[str]]:
    """Tick positions in log₁₀ units and their labels for values 10^lo … 10^hi: whole decades
    (every k-th, at most MAX_TICKS) when the range spans a decade or more, else the 1-2-5
    values inside it (a span under a decade needs labels inside it)."""
    decades = list(range(int(np.ceil(lo - 1e-9)), int(np.floor(hi + 1e-9)) + 1))
    if len(decades) >= 2:
        step = int(np.ceil(len(decades) / MAX_TICKS))
        return [float(d) for d in decades[::step]], [_power(d) for d in decades[::step]]
    chosen = [
        m * 10.0**d
        for d in range(int(np.floor(lo)), int(np.ceil(hi)) + 1)
        for m in MANTISSAS
        if lo - 1e-9 <= np.log10(m * 10.0**d) <= hi + 1e-9
    ]
    return [float(np.log10(c)) for c in chosen], [f"{c:.2g}" for c in chosen]


def _scale() -> list[list]:
    colours = palette.ramp(MAP_COLOURS, 9)
    return [[i / 8, palette.rgb(c)] for i, c in enumerate(colours)]


def _range(grids: Sequence[np.ndarray]) -> tuple[float, float]:
    """log₁₀ of the lowest loss and of the highest, at most DECADES above the lowest (higher
    values share the top colour, so the levels resolve the neighbourhood of the minimum)."""
    logs = np.concatenate([_log(g).ravel() for g in grids])
    lo, hi = float(logs.min()), min(float(logs.max()), float(logs.min()) + DECADES)
    return lo, hi if hi > lo else lo + 1.0


def _roughness_text(rough) -> str:
    return f"{rough.local_minima} minima · TV {rough.total_variation:.1f}"


def _path_traces(paths, styles: dict, axis: str, legend: bool) -> list[go.Scatter]:
    traces = []
    for path in paths:
        style = styles[path.name]
        traces.append(
            go.Scatter(
                x=path.coords[:, 0],
                y=path.coords[:, 1],
                mode="lines+markers",
                name=path.name,
                legendgroup=path.name,
                showlegend=legend,
                line=style | dict(width=palette.LINE_WIDTH),
                marker=dict(size=5, color=style["color"]),
                customdata=np.stack([path.steps, path.loss, path.on_plane, path.off_plane], 1),
                hovertemplate=f"<b>{path.name}</b><br>step %{{customdata[0]}}<br>"
                "L had %{customdata[1]:.3g}, on the plane %{customdata[2]:.3g}<br>"
                "off the plane %{customdata[3]:.0%}<extra></extra>",
                xaxis=axis.replace("y", "x"),
                yaxis=axis,
            )
        )
        traces.append(
            go.Scatter(
                x=path.coords[-1:, 0],
                y=path.coords[-1:, 1],
                mode="markers",
                showlegend=False,
                legendgroup=path.name,
                hoverinfo="skip",
                marker=dict(
                    symbol=palette.HEAD_SYMBOL,
                    size=palette.HEAD_SIZE,
                    color=style["color"],
                    line=dict(color="black", width=1.5),
                ),
                xaxis=axis.replace("y", "x"),
                yaxis=axis,
            )
        )
    return traces


def slice_figure(pictures, styles: dict[str, dict]) -> go.Figure:
    """Each picture's training and validation loss side by side as filled contour maps of
    log₁₀ L on one colour scale, its roughness in the panel's title; θ (random view) as a
    black star at the centre, or the paths with θ₀ labelled (plane views)."""
    columns = min(2 * len(pictures), PANELS_PER_ROW)
    rows = -(-2 * len(pictures) // columns)
    titles = [
        f"{p.name}<br>{kind} · {_roughness_text(rough)}"
        for p in pictures
        for kind, rough in (("train", p.train), ("val.", p.val))
    ]
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=titles,
        horizontal_spacing=0.025 if columns > 2 else 0.07,
        vertical_spacing=0.12,
    )
    grids = [g for p in pictures for g in (p.grid.losses.train_loss, p.grid.losses.val_loss)]
    lo, hi = _range(grids)
    tickvals, ticktext = log_ticks(lo, hi)
    for i, z in enumerate(grids):
        picture = pictures[i // 2]
        row, col = i // columns + 1, i % columns + 1
        fig.add_trace(
            go.Contour(
                x=picture.grid.a,
                y=picture.grid.b,
                z=_log(z),
                coloraxis="coloraxis",
                contours=dict(start=lo, end=hi, size=(hi - lo) / LEVELS),
                line=dict(color=CONTOUR_LINE, width=0.6),
                customdata=z,
                hovertemplate="a=%{x:.3f} b=%{y:.3f}<br>L=%{customdata:.4g}<extra></extra>",
                name=titles[i].split("<br>")[0],
            ),
            row=row,
            col=col,
        )
        axis = f"y{i + 1 if i else ''}"
        if picture.paths:
            for trace in _path_traces(picture.paths, styles, axis, i == 0):
                fig.add_trace(trace)
            marks = [(picture.paths[0].coords[0], "θ₀")]
            if picture.explained is not None:  # a PCA plane: its origin is the trained θ
                marks.append(((0.0, 0.0), "θ"))
            for (x, y), text in marks:
                fig.add_annotation(
                    x=x,
                    y=y,
                    text=text,
                    showarrow=False,
                    yshift=18,
                    xref=axis.replace("y", "x"),
                    yref=axis,
                    font=dict(size=palette.FONT_SIZE + 4, color="black"),
                )
        else:
            fig.add_trace(
                go.Scatter(
                    x=[0.0],
                    y=[0.0],
                    mode="markers",
                    name="θ, the trained network",
                    showlegend=False,
                    marker=dict(
                        symbol=palette.MINIMUM_SYMBOL,
                        size=palette.LANDMARK_SIZE,
                        color="black",
                        line=dict(color="white", width=1),
                    ),
                    hoverinfo="skip",
                ),
                row=row,
                col=col,
            )
        plane = picture.explained is not None or bool(picture.paths)
        x_title, y_title = ("e₁", "e₂") if plane else ("a (along d₁)", "b (along d₂)")
        fig.update_xaxes(
            axis_style(x_title if row == rows else "")
            | dict(range=[picture.grid.a[0], picture.grid.a[-1]], nticks=4, tickformat=".2~g")
            | (dict() if plane else dict(tickvals=np.linspace(*picture.grid.a[[0, -1]], 5)[1:-1])),
            row=row,
            col=col,
        )
        fig.update_yaxes(
            axis_style(y_title if col == 1 else "")
            | dict(range=[picture.grid.b[0], picture.grid.b[-1]], nticks=5)
            | dict(showticklabels=col == 1 or columns == 2),
            row=row,
            col=col,
        )
    legend = any(p.paths for p in pictures)
    top = 105 if legend else 65
    lecture_layout(fig, rows * MAP_ROW_HEIGHT + top + 55, dict(l=70, r=20, t=top, b=55))
    small = palette.FONT_SIZE - (3 if columns > 2 else 0)
    fig.update_annotations(selector=dict(xref="paper"), font=dict(size=small, color="#222222"))
    fig.update_layout(
        coloraxis=dict(
            colorscale=_scale(),
            cmin=lo,
            cmax=hi,
            colorbar=dict(
                title=dict(text="L", side="top"),
                tickvals=tickvals,
                ticktext=ticktext,
                thickness=14,
                len=0.9,
            ),
        ),
    )
    return fig


def surface_figure(pictures, span_title: str) -> go.Figure:
    """Each picture's training loss as a 3-D surface over the slice, height log₁₀ L with the
    axis labelled in L at decades; one scene per picture, side by side."""
    count = len(pictures)
    fig = make_subplots(
        rows=1,
        cols=count,
        specs=[[{"type": "surface"}] * count],
        subplot_titles=[p.name for p in pictures],
        horizontal_spacing=0.02,
    )
    lo, hi = _range([p.grid.losses.train_loss for p in pictures])
    tickvals, ticktext = log_ticks(lo, hi)
    far = 1.25 if count == 1 else 1.75  # narrower scenes: step back so the z labels fit
    eye = dict(x=-far, y=-far, z=0.7 * far)
    for c, picture in enumerate(pictures):
        loss = picture.grid.losses.train_loss
        fig.add_trace(
            go.Surface(
                x=picture.grid.a,
                y=picture.grid.b,
                z=np.minimum(_log(loss), hi),
                cmin=lo,
                cmax=hi,
                colorscale=[[0, "#F7FBFF"], [0.5, "#9ECAE1"], [1, "#2171B5"]],
                showscale=False,
                customdata=loss,
                hovertemplate="a=%{x:.3f} b=%{y:.3f}<br>L=%{customdata:.4g}<extra></extra>",
                contours=dict(z=dict(show=True, color="#6B8BA4", width=1)),
            ),
            row=1,
            col=c + 1,
        )
        axis = dict(tickfont=dict(size=13), nticks=4, title=dict(font=dict(size=16)))
        fig.update_scenes(
            xaxis=axis | dict(title_text=span_title[0]),
            yaxis=axis | dict(title_text=span_title[1]),
            zaxis=axis | dict(title_text="L", tickvals=tickvals, ticktext=ticktext, range=[lo, hi]),
            aspectmode="manual",
            aspectratio=dict(x=1, y=1, z=0.7),
            camera=dict(eye=eye, center=dict(x=0, y=0, z=-0.1)),
            row=1,
            col=c + 1,
        )
    lecture_layout(fig, SURFACE_HEIGHT, dict(l=10, r=10, t=40, b=0))
    fig.update_layout(showlegend=False, uirevision="surface")
    fig.update_annotations(font=dict(size=palette.FONT_SIZE + 1))
    return fig


def path_figure(paths, styles: dict[str, dict]) -> go.Figure:
    """Per checkpoint: the training loss the run had (solid) against the loss at its projection
    on the plane, what the contours show under the dot (dotted); and the share of θ − origin
    that lies off the plane."""
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=[
            "training loss: had (solid), under the projected dot (dotted)",
            "share of the step off the plane",
        ],
        horizontal_spacing=0.1,
    )
    for path in paths:
        style = styles[path.name]
        pairs = ((path.loss, style["dash"], True), (path.on_plane, "dot", False))
        for values, dash, legend in pairs:
            fig.add_trace(
                go.Scatter(
                    x=path.steps,
                    y=values,
                    mode="lines",
                    name=path.name,
                    legendgroup=path.name,
                    showlegend=legend,
                    line=dict(color=style["color"], dash=dash, width=palette.THIN_LINE_WIDTH),
                ),
                row=1,
                col=1,
            )
        fig.add_trace(
            go.Scatter(
                x=path.steps,
                y=path.off_plane,
                mode="lines+markers",
                name=path.name,
                legendgroup=path.name,
                showlegend=False,
                marker=dict(size=4),
                line=style | dict(width=palette.THIN_LINE_WIDTH),
            ),
            row=1,
            col=2,
        )
    both = np.concatenate([np.concatenate([p.loss, p.on_plane]) for p in paths])
    fig.update_yaxes(axis_style("") | dict(showgrid=True) | value_axis(both), row=1, col=1)
    fig.update_yaxes(
        axis_style("") | dict(showgrid=True, range=[0, 1.02], tickformat=".0%"), row=1, col=2
    )
    fig.update_xaxes(axis_style("step") | dict(showgrid=True))
    lecture_layout(fig, CURVE_HEIGHT, dict(l=70, r=20, t=90, b=60))
    fig.update_annotations(font=dict(size=palette.FONT_SIZE))
    return fig


def line_figure(lines, styles: dict[str, dict], span: float) -> go.Figure:
    """Left: the training loss through each trained θ along its first random direction,
    α ∈ [−span, span], the basin width in the legend. Right: along the segment from θ₀
    (α = 0) to θ (α = 1) and beyond."""
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=["through θ along d₁: L(θ + α d₁)", "from θ₀ to θ: L((1 − α) θ₀ + α θ)"],
        horizontal_spacing=0.1,
    )
    for line in lines:
        style = styles[line.name] | dict(width=palette.THIN_LINE_WIDTH)
        fig.add_trace(
            go.Scatter(
                x=line.random.alpha,
                y=line.random.losses.train_loss,
                mode="lines",
                name=f"{line.name} · basin width {line.width:.2f}",
                legendgroup=line.name,
                line=style,
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=line.segment.alpha,
                y=line.segment.losses.train_loss,
                mode="lines",
                name=line.name,
                legendgroup=line.name,
                showlegend=False,
                line=style,
            ),
            row=1,
            col=2,
        )
    for alpha, label in ((0.0, "θ₀"), (1.0, "θ")):
        fig.add_vline(x=alpha, line=dict(color="#444444", dash="dash", width=1), row=1, col=2)
        fig.add_annotation(
            x=alpha,
            y=1,
            yref="y2 domain",
            xref="x2",
            text=label,
            showarrow=False,
            yshift=10,
            font=dict(size=palette.FONT_SIZE + 2),
        )
    for c, key in ((1, "random"), (2, "segment")):
        values = np.concatenate([getattr(line, key).losses.train_loss for line in lines])
        fig.update_yaxes(
            axis_style("training loss" if c == 1 else "")
            | dict(showgrid=True)
            | value_axis(values),
            row=1,
            col=c,
        )
    fig.update_xaxes(axis_style("α") | dict(showgrid=True))
    fig.update_xaxes(range=[-span, span], row=1, col=1)
    lecture_layout(fig, CURVE_HEIGHT, dict(l=80, r=20, t=90, b=60))
    fig.update_annotations(selector=dict(xref="paper"), font=dict(size=palette.FONT_SIZE))
    return fig
