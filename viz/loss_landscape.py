"""Figures of the loss-landscape page: slices as log-level contour maps and 3-D surfaces, paths on
their plane, and 1-D sections. NumPy in, Plotly figure dicts out (built as dicts: a go.Figure
of the four maps took ≈ 0.2 s to build, longer than slicing them).

Every loss is drawn on a log scale: contour levels evenly spaced in log₁₀ L, labels only at
decades (or at 1-2-5 steps when the picture spans less than a decade), one colour scale for
all the maps of a figure so that side-by-side pictures compare.
"""

from collections.abc import Sequence

import numpy as np

from viz import palette
from viz.background import (
    N_BANDS,
    REDRAWN_IMAGE,
    axis_style,
    band_colours,
    banded_image,
    four_digits,
    lecture_layout_dict,
    staircase_colorscale,
)
from viz.panels import value_axis
from viz.subplots import cell_name, grid_layout

MAP_ROW_HEIGHT = 330
PANELS_PER_ROW = 4
SURFACE_HEIGHT = 520
CURVE_HEIGHT = 400
LOG_FLOOR = 1e-8
SLICE_PIXELS = 400  # a map's banded picture, per side (≈ 280 screen pixels at 1600 wide)
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


def _range(grids: Sequence[np.ndarray]) -> tuple[float, float]:
    """log₁₀ of the lowest loss and of the highest, at most DECADES above the lowest (higher
    values share the top colour, so the levels resolve the neighbourhood of the minimum)."""
    logs = np.concatenate([_log(g).ravel() for g in grids])
    lo, hi = float(logs.min()), min(float(logs.max()), float(logs.min()) + DECADES)
    return lo, hi if hi > lo else lo + 1.0


def _roughness_text(rough) -> str:
    return f"{rough.local_minima} minima · TV {rough.total_variation:.1f}"


def _axis(index: int) -> tuple[str, str]:
    """The trace references ("x3", "y3") of the index-th (from 0) subplot."""
    return cell_name("x", index), cell_name("y", index)


def _layout(height: int, margin: dict, cells: dict, **extra) -> dict:
    look = lecture_layout_dict(height, margin) | {"template": palette.template_json()}
    return look | cells | extra


def _path_traces(paths, styles: dict, index: int, legend: bool) -> list[dict]:
    x, y = _axis(index)
    traces = []
    for path in paths:
        style = styles[path.name]
        traces.append(
            dict(
                type="scatter",
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
                xaxis=x,
                yaxis=y,
            )
        )
        traces.append(
            dict(
                type="scatter",
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
                xaxis=x,
                yaxis=y,
            )
        )
    return traces


def slice_figure(pictures, styles: dict[str, dict]) -> dict:
    """Each picture's training and validation loss side by side as maps of log₁₀ L banded like
    filled contours (N_BANDS levels, one colour scale for all), its roughness in the panel's
    title; θ (random view) as a black star at the centre, or the paths with θ₀ labelled (plane
    views). The bands are pictures made here (`viz.background.banded_image`) under a
    transparent heatmap that shows a, b and L under the mouse: plotly.js took ≈ 20 ms more to
    redraw four filled contour traces on a span step, computing every level's paths."""
    columns = min(2 * len(pictures), PANELS_PER_ROW)
    rows = -(-2 * len(pictures) // columns)
    titles = [
        f"{p.name}<br>{kind} · {_roughness_text(rough)}"
        for p in pictures
        for kind, rough in (("train", p.train), ("val.", p.val))
    ]
    cells = grid_layout(rows, columns, titles, 0.025 if columns > 2 else 0.07, 0.12)
    small = palette.FONT_SIZE - (3 if columns > 2 else 0)
    for title in cells["annotations"]:
        title.update(font=dict(size=small, color="#222222"), yshift=palette.TITLE_LIFT)
    grids = [g for p in pictures for g in (p.grid.losses.train_loss, p.grid.losses.val_loss)]
    lo, hi = _range(grids)
    edges = np.linspace(lo, hi, N_BANDS + 1)
    tickvals, ticktext = log_ticks(lo, hi)
    data, marks, images = [], [], []
    for i, z in enumerate(grids):
        picture = pictures[i // 2]
        row, col = i // columns + 1, i % columns + 1
        x, y = _axis(i)
        a, b = picture.grid.a, picture.grid.b
        images.append(
            dict(
                source=banded_image(_log(z), edges, band_colours(), SLICE_PIXELS),
                name=REDRAWN_IMAGE,
                xref=x,
                yref=y,
                x=float(a[0]),
                y=float(b[-1]),
                sizex=float(a[-1] - a[0]),
                sizey=float(b[-1] - b[0]),
                xanchor="left",
                yanchor="top",
                sizing="stretch",
                layer="below",
            )
        )
        data.append(
            dict(
                type="heatmap",
                x=a,
                y=b,
                z=four_digits(z),
                coloraxis="coloraxis",
                opacity=0,
                zsmooth="fast",  # unseen: Plotly paints one pixel per cell, not the plot's size
                hoverlabel=dict(bgcolor="white"),
                hovertemplate="a=%{x:.3f} b=%{y:.3f}<br>L=%{z:.4g}<extra></extra>",
                name=titles[i].split("<br>")[0],
                xaxis=x,
                yaxis=y,
            )
        )
        if picture.paths:
            data.extend(_path_traces(picture.paths, styles, i, i == 0))
            points = [(picture.paths[0].coords[0], "θ₀")]
            if picture.explained is not None:  # a PCA plane: its origin is the trained θ
                points.append(((0.0, 0.0), "θ"))
            marks.extend(
                dict(
                    x=float(at[0]),
                    y=float(at[1]),
                    text=text,
                    showarrow=False,
                    yshift=18,
                    xref=x,
                    yref=y,
                    font=dict(size=palette.FONT_SIZE + 4, color="black"),
                )
                for at, text in points
            )
        else:
            data.append(
                dict(
                    type="scatter",
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
                    xaxis=x,
                    yaxis=y,
                )
            )
        plane = picture.explained is not None or bool(picture.paths)
        x_title, y_title = ("e₁", "e₂") if plane else ("a (along d₁)", "b (along d₂)")
        cells[cell_name("xaxis", i)] |= (
            axis_style(x_title if row == rows else "")
            | dict(range=[a[0], a[-1]], nticks=4, tickformat=".2~g")
            | (dict() if plane else dict(tickvals=np.linspace(a[0], a[-1], 5)[1:-1]))
        )
        cells[cell_name("yaxis", i)] |= (
            axis_style(y_title if col == 1 else "")
            | dict(range=[b[0], b[-1]], nticks=5)
            | dict(showticklabels=col == 1 or columns == 2)
        )
    cells["annotations"] += marks
    legend = any(p.paths for p in pictures)
    top = 105 if legend else 65
    colour_axis = dict(
        colorscale=staircase_colorscale(edges),
        cmin=lo,
        cmax=hi,
        colorbar=dict(
            title=dict(text="L", side="top"),
            tickvals=tickvals,
            ticktext=ticktext,
            thickness=14,
            len=0.9,
        ),
    )
    height = rows * MAP_ROW_HEIGHT + top + 55
    margin = dict(l=70, r=20, t=top, b=55)
    layout = _layout(height, margin, cells, coloraxis=colour_axis, images=images)
    return dict(data=data, layout=layout)


def surface_figure(pictures, span_title: str) -> dict:
    """Each picture's training loss as a 3-D surface over the slice, height log₁₀ L with the
    axis labelled in L at decades; one scene per picture, side by side."""
    count = len(pictures)
    cells = grid_layout(1, count, [p.name for p in pictures], 0.02, scenes=True)
    for title in cells["annotations"]:
        title["font"] = dict(size=palette.FONT_SIZE + 1)
    lo, hi = _range([p.grid.losses.train_loss for p in pictures])
    tickvals, ticktext = log_ticks(lo, hi)
    far = 1.25 if count == 1 else 1.75  # narrower scenes: step back so the z labels fit
    axis = dict(tickfont=dict(size=13), nticks=4, title=dict(font=dict(size=16)))
    data = []
    for c, picture in enumerate(pictures):
        loss = picture.grid.losses.train_loss
        data.append(
            dict(
                type="surface",
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
                scene=cell_name("scene", c),
            )
        )
        cells[cell_name("scene", c)] |= dict(
            xaxis=_with_title(axis, span_title[0]),
            yaxis=_with_title(axis, span_title[1]),
            zaxis=_with_title(axis, "L")
            | dict(tickvals=tickvals, ticktext=ticktext, range=[lo, hi]),
            aspectmode="manual",
            aspectratio=dict(x=1, y=1, z=0.7),
            camera=dict(eye=dict(x=-far, y=-far, z=0.7 * far), center=dict(x=0, y=0, z=-0.1)),
        )
    margin = dict(l=10, r=10, t=40, b=0)
    return dict(
        data=data,
        layout=_layout(SURFACE_HEIGHT, margin, cells, showlegend=False, uirevision="surface"),
    )


def _with_title(axis: dict, text: str) -> dict:
    return axis | dict(title=axis["title"] | dict(text=text))


def path_figure(paths, styles: dict[str, dict]) -> dict:
    """Per checkpoint: the training loss the run had (solid) against the loss at its projection
    on the plane, what the contours show under the dot (dotted); and the share of θ − origin
    that lies off the plane."""
    titles = [
        "training loss: had (solid), under the projected dot (dotted)",
        "share of the step off the plane",
    ]
    cells = grid_layout(1, 2, titles, 0.1)
    data = []
    for path in paths:
        style = styles[path.name]
        pairs = ((path.loss, style["dash"], True), (path.on_plane, "dot", False))
        for values, dash, legend in pairs:
            data.append(
                dict(
                    type="scatter",
                    x=path.steps,
                    y=values,
                    mode="lines",
                    name=path.name,
                    legendgroup=path.name,
                    showlegend=legend,
                    line=dict(color=style["color"], dash=dash, width=palette.THIN_LINE_WIDTH),
                    xaxis="x",
                    yaxis="y",
                )
            )
        data.append(
            dict(
                type="scatter",
                x=path.steps,
                y=path.off_plane,
                mode="lines+markers",
                name=path.name,
                legendgroup=path.name,
                showlegend=False,
                marker=dict(size=4),
                line=style | dict(width=palette.THIN_LINE_WIDTH),
                xaxis="x2",
                yaxis="y2",
            )
        )
    both = np.concatenate([np.concatenate([p.loss, p.on_plane]) for p in paths])
    cells["yaxis"] |= axis_style("") | dict(showgrid=True) | value_axis(both)
    cells["yaxis2"] |= axis_style("") | dict(showgrid=True, range=[0, 1.02], tickformat=".0%")
    for name in ("xaxis", "xaxis2"):
        cells[name] |= axis_style("step") | dict(showgrid=True)
    for title in cells["annotations"]:
        title.update(font=dict(size=palette.FONT_SIZE), yshift=palette.TITLE_LIFT)
    margin = dict(l=70, r=20, t=90, b=60)
    return dict(data=data, layout=_layout(CURVE_HEIGHT, margin, cells))


def line_figure(lines, styles: dict[str, dict]) -> dict:
    """Left: the training loss through each trained θ along its first random direction, the
    basin width in the legend. Right: along the segment from θ₀
    (α = 0) to θ (α = 1) and beyond."""
    titles = ["through θ along d₁: L(θ + α d₁)", "from θ₀ to θ: L((1 − α) θ₀ + α θ)"]
    cells = grid_layout(1, 2, titles, 0.1)
    for title in cells["annotations"]:
        title.update(font=dict(size=palette.FONT_SIZE), yshift=palette.TITLE_LIFT)
    data = []
    for line in lines:
        style = styles[line.name] | dict(width=palette.THIN_LINE_WIDTH)
        for key, axes, name, legend in (
            ("random", ("x", "y"), f"{line.name} · basin width {line.width:.2f}", True),
            ("segment", ("x2", "y2"), line.name, False),
        ):
            section = getattr(line, key)
            data.append(
                dict(
                    type="scatter",
                    x=section.alpha,
                    y=section.losses.train_loss,
                    mode="lines",
                    name=name,
                    legendgroup=line.name,
                    showlegend=legend,
                    line=style,
                    xaxis=axes[0],
                    yaxis=axes[1],
                )
            )
    shapes = []
    for alpha, label in ((0.0, "θ₀"), (1.0, "θ")):
        shapes.append(
            dict(
                type="line",
                x0=alpha,
                x1=alpha,
                y0=0,
                y1=1,
                xref="x2",
                yref="y2 domain",
                line=dict(color="#444444", dash="dash", width=1),
            )
        )
        cells["annotations"].append(
            dict(
                x=alpha,
                y=1,
                yref="y2 domain",
                xref="x2",
                text=label,
                showarrow=False,
                yshift=10,
                font=dict(size=palette.FONT_SIZE + 2),
            )
        )
    for c, key in ((1, "random"), (2, "segment")):
        values = np.concatenate([getattr(line, key).losses.train_loss for line in lines])
        cells[cell_name("yaxis", c - 1)] |= (
            axis_style("training loss" if c == 1 else "") | dict(showgrid=True) | value_axis(values)
        )
        cells[cell_name("xaxis", c - 1)] |= axis_style("α") | dict(showgrid=True)
    margin = dict(l=80, r=20, t=90, b=60)
    return dict(data=data, layout=_layout(CURVE_HEIGHT, margin, cells, shapes=shapes))
