"""Figures of the initialization and normalization page: a deep net's statistics layer by layer,
two units under zero initialization, training with and without batch norm, batch norm's
statistics against the batch size, which cells share a mean, and quadratics made round.

NumPy arrays and records of NumPy arrays in, Plotly figures out.
"""

import functools

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from viz import palette
from viz.background import Grid, axis_style, background_image, landmark_traces, lecture_layout
from viz.panels import value_axis

MAIN_HEIGHT = 660
PANEL_HEIGHT = 400
VIOLIN_HALF_WIDTH = 0.42
BLUE, VERMILLION, GREEN = palette.COLOURS[:3]
GREY = "#777777"
SHARED, CHOSEN, OTHER = "#56B4E9", "#0072B2", "#E8E8E8"


def _grid(fig: go.Figure) -> None:
    fig.update_xaxes(axis_style("") | dict(showgrid=True))
    fig.update_yaxes(axis_style("") | dict(showgrid=True))
    fig.update_annotations(font=dict(size=palette.FONT_SIZE + 1, color="#222222"))


def _violins(histogram: np.ndarray, edges: np.ndarray) -> tuple[list, list]:
    """One closed outline per layer, width ∝ the share per bin, separated by gaps: x [layer ±
    half width], y [activation]. A layer's second-largest bin sets the full width, so that a
    single spike (ReLU's zeros) is drawn at full width without flattening the rest."""
    centres = (edges[:-1] + edges[1:]) / 2
    xs, ys = [], []
    for layer, shares in enumerate(histogram, start=1):
        ordered = np.sort(shares)
        reference = max(ordered[-2], 0.1 * ordered[-1], 1e-12)
        width = VIOLIN_HALF_WIDTH * np.minimum(shares / reference, 1.0)
        outline = np.concatenate([layer + width, layer - width[::-1], layer + width[:1]])
        xs += [*outline.tolist(), None]
        ys += [*np.concatenate([centres, centres[::-1], centres[:1]]).tolist(), None]
    return xs, ys


def _positive(values: np.ndarray) -> np.ndarray:
    """Values for a log axis: zeros (and negatives) become gaps."""
    return np.where(values > 0, values, np.nan)


ROW2 = ("2", "3", "4")  # the lower panels' axes, left to right


@functools.cache
def _statistics_layout() -> dict:
    """The layer-statistics figure's layout without its data-dependent parts, made by plotly.py
    once (shared: callers copy what they change)."""
    fig = make_subplots(
        rows=2,
        cols=3,
        specs=[[{"colspan": 3}, None, None], [{}, {}, {}]],
        row_heights=[0.55, 0.45],
        vertical_spacing=0.15,
        horizontal_spacing=0.09,
        subplot_titles=[
            "the title",  # replaced per figure (make_subplots drops an empty one)
            "second moment E[a²]",
            "gradient ‖∂ℓ/∂W‖ into the layer",
            "dead units, saturated a",
        ],
    )
    lecture_layout(fig, MAIN_HEIGHT, dict(l=70, r=20, t=70, b=55))
    _grid(fig)
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", row=2, col=3)
    fig.update_yaxes(title=dict(text="activation a"), row=1, col=1)
    for col in (1, 2, 3):
        fig.update_xaxes(title=dict(text="layer l"), row=2, col=col)
    fig.update_layout(bargap=0.25)
    return fig.to_dict()["layout"]


def layer_statistics_figure(
    stats, name: str, other=None, other_name: str = "", title: str = ""
) -> dict:
    """Top: each layer's activations as a violin (from `stats.histogram`) with mean ± std.
    Below: E[a²], ‖∂ℓ/∂W_l‖ (log axes when they span decades) and the dead and saturated shares
    per layer; `other` (a second statistics record) dashed in grey.

    A plain figure dict: plotly.py's make_subplots and validation cost 0.2–0.7 s a build here,
    more than the page's slider may take (`go.Figure(spec)` validates it in the tests)."""
    depth = len(stats.mean)
    layers = np.arange(1, depth + 1).tolist()
    layout = dict(_statistics_layout())
    annotations = [dict(layout["annotations"][0], text=title), *layout["annotations"][1:]]
    lo, hi = float(stats.bin_edges[0]), float(stats.bin_edges[-1])
    layout["yaxis"] = layout["yaxis"] | dict(range=[lo - 0.03 * (hi - lo), hi + 0.03 * (hi - lo)])
    layout["xaxis"] = layout["xaxis"] | dict(
        range=[0.4, depth + 0.6], dtick=1 if depth <= 20 else 2
    )
    xs, ys = _violins(stats.histogram, stats.bin_edges)
    data = [
        dict(
            type="scatter",
            x=xs,
            y=ys,
            mode="lines",
            fill="toself",
            fillcolor="rgba(0,114,178,0.35)",
            line=dict(color=BLUE, width=1),
            name="distribution",
            legendgroup="distribution",  # grouped entries keep the legend in one row
            hoverinfo="skip",
            xaxis="x",
            yaxis="y",
        ),
        dict(
            type="scatter",
            x=layers,
            y=_floats(stats.mean),
            mode="markers",
            name="mean ± std",
            legendgroup="mean ± std",  # grouped entries keep the legend in one row
            marker=dict(color="black", size=7),
            error_y=dict(
                type="data", array=_floats(stats.std), color="black", thickness=2, width=4
            ),
            hovertemplate="layer %{x}: mean %{y:.3g}, std %{error_y.array:.3g}<extra></extra>",
            xaxis="x",
            yaxis="y",
        ),
    ]
    series = [(stats, name, dict(color=BLUE), True)]
    if other is not None:
        series.append((other, other_name, dict(color=GREY, dash="dash"), False))
    for record, label, line, first in series:
        for col, values, what in (
            (1, record.second_moment, "E[a²]"),
            (2, record.grad_norm, "‖∂ℓ/∂W‖"),
        ):
            data.append(
                dict(
                    type="scatter",
                    x=layers,
                    y=_floats(_positive(values)),
                    mode="lines+markers",
                    name=label,
                    legendgroup=label,
                    showlegend=col == 1 and not first,
                    line=line | dict(width=palette.THIN_LINE_WIDTH),
                    marker=dict(size=6),
                    hovertemplate=f"layer %{{x}}: {what} %{{y:.3g}}<extra>{label}</extra>",
                    xaxis=f"x{ROW2[col - 1]}",
                    yaxis=f"y{ROW2[col - 1]}",
                )
            )
    data.append(
        dict(
            type="bar",
            x=layers,
            y=_floats(stats.dead),
            name="dead units",
            legendgroup="dead units",  # grouped entries keep the legend in one row
            marker=dict(color=VERMILLION),
            hovertemplate="layer %{x}: %{y:.0%} of units dead<extra></extra>",
            xaxis="x4",
            yaxis="y4",
        )
    )
    data.append(
        dict(
            type="scatter",
            x=layers,
            y=_floats(stats.saturated),
            mode="lines+markers",
            name="saturated",
            legendgroup="saturated",  # grouped entries keep the legend in one row
            line=dict(color=GREEN, width=palette.THIN_LINE_WIDTH),
            hovertemplate="layer %{x}: %{y:.0%} saturated<extra></extra>",
            xaxis="x4",
            yaxis="y4",
        )
    )
    for col, field in ((1, "second_moment"), (2, "grad_norm")):
        values = np.concatenate([getattr(r, field) for r, *_ in series])
        axis = value_axis(values)
        if not np.any(values > 0):
            axis = dict(type="linear", range=[-1, 1])
            annotations.append(
                dict(
                    text="0 in every layer",
                    x=0.5,
                    y=0.5,
                    xref=f"x{col + 1} domain",
                    yref=f"y{col + 1} domain",
                    showarrow=False,
                    font=dict(size=palette.FONT_SIZE + 2, color=VERMILLION),
                )
            )
        name_ = f"yaxis{ROW2[col - 1]}"
        layout[name_] = layout[name_] | axis
    layout["annotations"] = annotations
    return dict(data=data, layout=layout)


def _floats(values: np.ndarray) -> list:
    """Values as a JSON list, NaN as a gap (None)."""
    array = np.asarray(values, dtype=float)
    return [None if not np.isfinite(v) else v for v in array.tolist()]


def _two(titles: list[str], height: int = PANEL_HEIGHT, spacing: float = 0.1) -> go.Figure:
    fig = make_subplots(rows=1, cols=2, subplot_titles=titles, horizontal_spacing=spacing)
    lecture_layout(fig, height, dict(l=70, r=20, t=80, b=60))
    return fig


def symmetry_figure(zeros, random) -> go.Figure:
    """The incoming weights of units 1 and 2 over the steps: from W = 0 (left) and from a random
    draw (right). Records with `steps`, `first`, `second` [K, fan_in]."""
    fig = _two(["start W = 0: the units stay identical", "random start (Xavier): they part"])
    for col, record in ((1, zeros), (2, random)):
        for j in range(record.first.shape[1]):
            colour = (BLUE, VERMILLION)[j % 2]
            for unit, values, dash, width in (
                (1, record.first, "solid", 6),
                (2, record.second, "dot", 3),
            ):
                name = f"unit {unit}, weight from input x{'₁₂'[j]}"
                fig.add_trace(
                    go.Scatter(
                        x=record.steps,
                        y=values[:, j],
                        mode="lines",
                        name=name,
                        legendgroup=name,
                        showlegend=col == 1,
                        opacity=0.55 if unit == 1 else 1.0,
                        line=dict(color=colour, dash=dash, width=width),
                    ),
                    row=1,
                    col=col,
                )
    _grid(fig)
    fig.update_xaxes(title=dict(text="step"))
    fig.update_yaxes(title=dict(text="weight"), row=1, col=1)
    return fig


def rescue_figure(histories, names: list[str]) -> go.Figure:
    """Training loss (per step) and validation accuracy of one-run histories, side by side."""
    fig = _two(["training loss", "validation accuracy"])
    for history, name, colour in zip(histories, names, (VERMILLION, BLUE), strict=True):
        steps = np.arange(history.train_loss.shape[1])
        for col, values in ((1, history.train_loss[0]), (2, history.val_accuracy[0])):
            fig.add_trace(
                go.Scatter(
                    x=steps,
                    y=values,
                    mode="lines",
                    name=name,
                    legendgroup=name,
                    showlegend=col == 1,
                    line=dict(color=colour, width=palette.THIN_LINE_WIDTH),
                ),
                row=1,
                col=col,
            )
    _grid(fig)
    losses = np.concatenate([h.train_loss[0] for h in histories])
    fig.update_yaxes(value_axis(losses), row=1, col=1)
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", row=1, col=2)
    fig.update_xaxes(title=dict(text="step"))
    return fig


def batch_statistics_figure(
    means: np.ndarray, running: np.ndarray, true_mean: float, momentum: float, mismatch, batch: int
) -> go.Figure:
    """Left: μ_B of successive batches and their running average r_k (from r₀ = 0). Right,
    against the batch size B: the spread of μ_B and σ²_B and the train/inference gap."""
    fig = _two(
        [
            f"μ<sub>B</sub> of each batch, its running average (m = {momentum:g})",
            "against batch size B",
        ],
        spacing=0.12,
    )
    k = np.arange(1, len(means) + 1)
    fig.add_trace(
        go.Scatter(
            x=k, y=means, mode="markers", name=f"μ<sub>B</sub> (B = {batch})", marker_color=GREY
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=np.arange(len(running)),
            y=running,
            mode="lines",
            name="running average r",
            line=dict(color=BLUE, width=palette.LINE_WIDTH),
        ),
        row=1,
        col=1,
    )
    fig.add_hline(y=true_mean, line=dict(color="black", dash="dash"), row=1, col=1)
    sizes = mismatch.batch_sizes
    for values, name, colour in (
        (mismatch.mean_spread, "spread of μ<sub>B</sub>", GREY),
        (mismatch.var_spread, "spread of σ<sup>2</sup><sub>B</sub>", GREEN),
        (mismatch.mismatch, "train − inference output (RMS)", VERMILLION),
    ):
        fig.add_trace(
            go.Scatter(
                x=np.log2(sizes),
                y=values,
                customdata=sizes,
                hovertemplate=f"B = %{{customdata}}: %{{y:.3g}}<extra>{name}</extra>",
                mode="lines+markers",
                name=name,
                line=dict(color=colour, width=palette.THIN_LINE_WIDTH),
            ),
            row=1,
            col=2,
        )
    fig.add_vline(x=np.log2(batch), line=dict(color=BLUE, dash="dot"), row=1, col=2)
    _grid(fig)
    fig.update_xaxes(title=dict(text="training step k"), row=1, col=1)
    fig.update_xaxes(  # B doubles from tick to tick: a linear axis in log₂ B
        title=dict(text="batch size B"),
        tickvals=np.log2(sizes).tolist(),
        ticktext=[str(b) for b in sizes],
        row=1,
        col=2,
    )
    fig.update_yaxes(type="log", exponentformat="power", dtick=1, row=1, col=2)
    fig.update_layout(legend=dict(itemwidth=30), margin=dict(t=130), height=PANEL_HEIGHT + 50)
    return fig


def axes_figure(panels: list[tuple[str, np.ndarray, tuple]], columns: int) -> go.Figure:
    """Each panel a block [N, C, (H, W)] drawn as N rows of C channel groups of H·W cells; the
    cells in `mask` (sharing one μ and σ² with the `chosen` cell) shaded, the chosen one dark."""
    rows = -(-len(panels) // columns)
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=[title for title, *_ in panels],
        horizontal_spacing=0.08,
        vertical_spacing=0.25,
    )
    scale = [[0, OTHER], [0.33, OTHER], [0.34, SHARED], [0.66, SHARED], [0.67, CHOSEN], [1, CHOSEN]]
    for p, (_, mask, chosen) in enumerate(panels):
        n, c = mask.shape[:2]
        cells = int(np.prod(mask.shape[2:]))
        z = np.full((n, c * (cells + 1) - 1), np.nan)
        flat = mask.reshape(n, c, cells).astype(float)
        position = np.ravel_multi_index(chosen[2:], mask.shape[2:]) if cells > 1 else 0
        flat[chosen[0], chosen[1], position] = 2
        for channel in range(c):
            z[:, channel * (cells + 1) : channel * (cells + 1) + cells] = flat[:, channel]
        row, col = p // columns + 1, p % columns + 1
        fig.add_trace(
            go.Heatmap(
                z=z,
                zmin=0,
                zmax=2,
                colorscale=scale,
                showscale=False,
                xgap=1,
                ygap=4,
                hoverinfo="skip",
            ),
            row=row,
            col=col,
        )
        ticks = [channel * (cells + 1) + (cells - 1) / 2 for channel in range(c)]
        fig.update_xaxes(
            tickvals=ticks,
            ticktext=[str(channel + 1) for channel in range(c)],
            title=dict(text="channel C" + (" (H·W cells each)" if cells > 1 else "")),
            row=row,
            col=col,
        )
        fig.update_yaxes(
            tickvals=list(range(n)),
            ticktext=[str(i + 1) for i in range(n)],
            autorange="reversed",
            title=dict(text="example N" if col == 1 else ""),
            row=row,
            col=col,
        )
    lecture_layout(fig, 260 * rows + 40, dict(l=70, r=20, t=50, b=60))
    fig.update_layout(showlegend=False)
    fig.update_xaxes(showgrid=False, zeroline=False, tickfont=dict(size=palette.FONT_SIZE - 2))
    fig.update_yaxes(showgrid=False, zeroline=False, tickfont=dict(size=palette.FONT_SIZE - 2))
    fig.update_annotations(font=dict(size=palette.FONT_SIZE + 1, color="#222222"))
    return fig


def _window(domain, path: np.ndarray) -> tuple:
    """The domain cut to a square around the minimum (0, 0) that holds the path with room."""
    half = 1.3 * float(np.abs(path).max())
    return tuple((max(lo, -half), min(hi, half)) for lo, hi in domain)


def reparam_figure(
    grids: tuple[Grid, Grid],
    domains: tuple,
    paths: tuple[np.ndarray, np.ndarray],
    titles: tuple[str, str],
    label: str,
) -> go.Figure:
    """The same SGD run drawn on a landscape before and after a change of coordinates, each
    panel at equal scales on its own window (the domain, the second cut to the path), the
    minimum (0, 0) on top."""
    windows = (domains[0], _window(domains[1], paths[1]))
    widths = np.array([(x1 - x0) / (y1 - y0) for (x0, x1), (y0, y1) in windows])
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=titles,
        column_widths=list(np.maximum(widths / widths.sum(), 0.34)),
        horizontal_spacing=0.08,
    )
    for col, (grid, window, path) in enumerate(zip(grids, windows, paths, strict=True), start=1):
        fig.add_trace(
            go.Scatter(
                x=path[:, 0],
                y=path[:, 1],
                mode="lines+markers",
                name=label,
                showlegend=col == 1,
                line=dict(color=palette.OPTIMIZER_COLOURS["sgd"], width=palette.THIN_LINE_WIDTH),
                marker=dict(size=6),
                hovertemplate="(%{x:.3g}, %{y:.3g})<extra></extra>",
            ),
            row=1,
            col=col,
        )
        for trace in landmark_traces([(0.0, 0.0)], []):
            trace.showlegend = col == 1
            fig.add_trace(trace, row=1, col=col)
        image = background_image(grid)
        suffix = "" if col == 1 else str(col)
        fig.add_layout_image(image.update(xref=f"x{suffix}", yref=f"y{suffix}"))
        (x0, x1), (y0, y1) = window
        fixed = dict(autorange=False, constrain="domain", showline=False, mirror=False)
        fig.update_xaxes(axis_style("") | fixed | dict(range=[x0, x1]), row=1, col=col)
        fig.update_yaxes(
            axis_style("") | fixed | dict(range=[y0, y1], scaleanchor=f"x{suffix}"),
            row=1,
            col=col,
        )
    lecture_layout(fig, PANEL_HEIGHT, dict(l=50, r=20, t=80, b=40))
    fig.update_annotations(font=dict(size=palette.FONT_SIZE + 1, color="#222222"))
    return fig
