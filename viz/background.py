"""The landscape under the paths: banded like a filled contour plot, plus minima and saddles.

A Plotly contour trace is about 3× slower to draw than a heatmap, so the bands are made here:
~20 levels, spaced linearly or, for landscapes whose values span decades, on a log scale of
f − f_min + ε. Two ways to draw them:

- `background_trace`: a heatmap of the raw values whose colour scale is a staircase with a step
  at every level. Hovering shows the true f. For static figures.
- `background_image` + `probe_grid`: the same bands as a PNG in `layout.images`, drawn from
  values interpolated to ~4× the grid so band edges are smooth, and a coarse grid of f for
  `layout.meta.probe`, from which the live-figures component reads f under the mouse. For
  animations: with `redraw: false`, plotly.js removes every non-animatable trace (heatmaps
  included) from the plot on the first frame, while layout images survive.
"""

import base64
import hashlib
import struct
import threading
import zlib
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from viz import palette

N_BANDS = 20
LINEAR_CLIP_PERCENTILE = 99.0
LOG_DECADES = 4.0
IMAGE_PIXELS = 640
IMAGE_CACHE_SIZE = 32
CONTOUR_SHADE = 0.85
PNG_LEVEL = 6  # zlib: 9 took 2–3.5× as long (50–77 ms a map) for 7–18 % fewer bytes
PROBE_POINTS = 49
ASPECT_LIMIT = 3.0
TYPICAL_PLOT_WIDTH = 1000
PLOT_HEIGHT_RANGE = (360, 620)
MAP_MARGIN = dict(l=70, r=20, t=80, b=60)
# The `name` of a layout image that a slider move replaces (the loss landscape's slices): sent
# inside the figure, where a picture kept over many moves is sent once by address
# (components.figure_payload).
REDRAWN_IMAGE = "redrawn"

Domain = tuple[tuple[float, float], tuple[float, float]]
_KEPT: dict[tuple, object] = {}  # per grid (and look): PNG data URLs and probe grids
_KEPT_LOCK = threading.Lock()  # every session runs on its own thread


def _kept(grid: "Grid", kind: str, extra: tuple, make):
    """`make()` once per grid (and `extra`), the last IMAGE_CACHE_SIZE kept: a race's figure is
    built per run, its landscape's picture and probe once."""
    digest = hashlib.blake2b(digest_size=16)
    for array in (grid.xs, grid.ys, grid.values):  # a probe carries its coordinates
        digest.update(np.ascontiguousarray(array).tobytes())
    key = (kind, digest.hexdigest(), grid.log_levels, grid.minimum, *extra)
    with _KEPT_LOCK:
        if key not in _KEPT:
            if len(_KEPT) >= IMAGE_CACHE_SIZE:
                _KEPT.pop(next(iter(_KEPT)))
            _KEPT[key] = make()
        return _KEPT[key]


@dataclass(frozen=True)
class Grid:
    """f sampled on a regular grid: values[i, j] = f(xs[j], ys[i]).

    `minimum` is the landscape's lowest known value on the domain (its listed minima, or the
    grid's own minimum); `log_levels` asks for bands on a log scale of f − minimum.
    """

    xs: np.ndarray
    ys: np.ndarray
    values: np.ndarray
    log_levels: bool
    minimum: float


def finite_values(grid: Grid) -> np.ndarray:
    """The values as float64 with NaN and ±inf replaced by the largest finite value."""
    values = np.asarray(grid.values, dtype=np.float64)
    finite = np.isfinite(values)
    top = values[finite].max() if finite.any() else 0.0
    return np.where(finite, values, top)


def _log_scale(grid: Grid, values: np.ndarray) -> tuple[float, float]:
    """(low, ε) for the log coordinate log10(f − low + ε); the bands span LOG_DECADES decades."""
    low = min(grid.minimum, float(values.min()))
    return low, max(float(values.max()) - low, 1e-12) * 10.0**-LOG_DECADES


def band_coordinate(grid: Grid, values: np.ndarray) -> np.ndarray:
    """The coordinate in which the bands are evenly spaced: f itself, or log10(f − f_min + ε)."""
    if not grid.log_levels:
        return values
    low, offset = _log_scale(grid, finite_values(grid))
    return np.log10(np.maximum(values - low, 0.0) + offset)


def band_edges(grid: Grid) -> np.ndarray:
    """N_BANDS + 1 increasing level values of f; the first is the minimum.

    Linear bands stop at the 99th percentile of the grid, so a few huge corner values do not
    squeeze every interesting contour into the lowest band.
    """
    values = finite_values(grid)
    if grid.log_levels:
        low, offset = _log_scale(grid, values)
        top = np.log10(float(values.max()) - low + offset)
        edges = low + 10.0 ** np.linspace(np.log10(offset), top, N_BANDS + 1) - offset
        edges[0] = low
        return edges
    low = min(grid.minimum, float(values.min()))
    high = float(np.percentile(values, LINEAR_CLIP_PERCENTILE))
    return np.linspace(low, high if high > low else low + 1.0, N_BANDS + 1)


def band_colours(colorscale: tuple[str, ...] = palette.LANDSCAPE_COLOURS) -> list[tuple]:
    return palette.ramp(colorscale, N_BANDS)


def staircase_colorscale(
    edges: np.ndarray, colorscale: tuple[str, ...] = palette.LANDSCAPE_COLOURS
) -> list[list]:
    """A Plotly colour scale for z in [edges[0], edges[-1]] that is constant within each band."""
    positions = (edges - edges[0]) / (edges[-1] - edges[0])
    scale = []
    for k, colour in enumerate(band_colours(colorscale)):
        scale += [[float(positions[k]), palette.rgb(colour)]]
        scale += [[float(positions[k + 1]), palette.rgb(colour)]]
    return scale


def background_trace(grid: Grid, colorscale: tuple[str, ...] = palette.LANDSCAPE_COLOURS):
    """The landscape as a banded heatmap of the raw values; hover shows x, y and the true f."""
    edges = band_edges(grid)
    z = np.clip(finite_values(grid), -np.finfo(np.float32).max, np.finfo(np.float32).max)
    return go.Heatmap(
        x=np.asarray(grid.xs, dtype=np.float32),
        y=np.asarray(grid.ys, dtype=np.float32),
        z=z.astype(np.float32),
        zmin=float(edges[0]),
        zmax=float(edges[-1]),
        colorscale=staircase_colorscale(edges, colorscale),
        zsmooth=False,
        showscale=False,
        name="landscape",
        hovertemplate="x=%{x:.3f}<br>y=%{y:.3f}<br>f=%{z:.4g}<extra></extra>",
    )


def _resample(values: np.ndarray, rows: int, columns: int) -> np.ndarray:
    """Bilinear interpolation of a 2-D array onto rows × columns points over the same extent."""

    def weights(n_old: int, n_new: int):
        position = np.linspace(0.0, n_old - 1, n_new)
        lower = np.minimum(position.astype(int), n_old - 2)
        return lower, position - lower

    i, ti = weights(values.shape[0], rows)
    j, tj = weights(values.shape[1], columns)
    along_x = values[:, j] * (1 - tj) + values[:, j + 1] * tj
    return along_x[i] * (1 - ti)[:, None] + along_x[i + 1] * ti[:, None]


def _png(indices: np.ndarray, colours: list[tuple]) -> bytes:
    """An 8-bit palette PNG; every row uses the 'Up' filter, which makes banded rows compress."""
    height, width = indices.shape
    rows = np.diff(indices, axis=0, prepend=np.zeros((1, width), np.uint8)).astype(np.uint8)
    raw = np.hstack([np.full((height, 1), 2, np.uint8), rows]).tobytes()

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)
    plte = bytes(channel for colour in colours for channel in colour)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"PLTE", plte)
        + chunk(b"IDAT", zlib.compress(raw, PNG_LEVEL))
        + chunk(b"IEND", b"")
    )


def background_image(
    grid: Grid, colorscale: tuple[str, ...] = palette.LANDSCAPE_COLOURS
) -> go.layout.Image:
    """The bands as a PNG stretched over the grid's extent, below the axes' data."""
    source = _kept(grid, "image", colorscale, lambda: _image_source(grid, colorscale))
    x0, x1 = float(grid.xs[0]), float(grid.xs[-1])
    y0, y1 = float(grid.ys[0]), float(grid.ys[-1])
    return go.layout.Image(
        source=source,
        xref="x",
        yref="y",
        x=x0,
        y=y1,
        sizex=x1 - x0,
        sizey=y1 - y0,
        xanchor="left",
        yanchor="top",
        sizing="stretch",
        layer="below",
    )


def _image_source(grid: Grid, colorscale: tuple[str, ...]) -> str:
    """The PNG as a data URL (≈ 25 ms to make, so background_image keeps the last few)."""
    coordinate = band_coordinate(grid, finite_values(grid))
    edges = band_coordinate(grid, band_edges(grid))
    return banded_image(coordinate, edges, band_colours(colorscale), IMAGE_PIXELS)


def banded_image(
    coordinate: np.ndarray, edges: np.ndarray, colours: list[tuple], pixels: int
) -> str:
    """coordinate[i, j] (at x_j, y_i, y increasing) as a PNG data URL of pixels × pixels: each
    band between neighbouring `edges` in its colour (one per band), values interpolated
    bilinearly so band edges are smooth. Pixels where the band changes are drawn a shade
    darker: thin contour lines that keep the levels readable on a washed-out projector, where
    neighbouring greys look alike."""
    fine = _resample(coordinate, pixels, pixels)[::-1]
    bands = np.clip(np.searchsorted(edges[1:-1], fine, side="right"), 0, len(colours) - 1)
    line = np.zeros(bands.shape, dtype=bool)
    line[:, 1:] |= bands[:, 1:] != bands[:, :-1]
    line[1:, :] |= bands[1:, :] != bands[:-1, :]
    shaded = [tuple(round(channel * CONTOUR_SHADE) for channel in c) for c in colours]
    indices = (bands + len(colours) * line).astype(np.uint8)
    return "data:image/png;base64," + base64.b64encode(_png(indices, colours + shaded)).decode()


def probe_grid(grid: Grid) -> dict:
    """f at ≤49×49 grid points, corners included, 4 significant digits:
    {"x": [...], "y": [...], "f": rows}, f[i][j] = f(x[j], y[i]). Kept per grid: callers must
    not change it."""
    return _kept(grid, "probe", (), lambda: _probe(grid))


def _probe(grid: Grid) -> dict:
    columns = np.unique(np.linspace(0, len(grid.xs) - 1, PROBE_POINTS).round().astype(int))
    rows = np.unique(np.linspace(0, len(grid.ys) - 1, PROBE_POINTS).round().astype(int))
    values = finite_values(grid)[np.ix_(rows, columns)]
    return dict(x=grid.xs[columns].tolist(), y=grid.ys[rows].tolist(), f=four_digits(values))


def four_digits(values) -> list[list[float]]:
    """A 2-D array as nested lists rounded to 4 significant digits: what a hover shows, in a
    fraction of the JSON."""
    return [[float(f"{v:.4g}") for v in row] for row in np.asarray(values, np.float64)]


def landmark_traces(
    minima: list[tuple[float, float]], saddles: list[tuple[float, float]]
) -> list[go.Scatter]:
    """Known minima as white-edged black stars and saddles as black-edged white diamonds."""
    kinds = (
        ("minimum", minima, palette.MINIMUM_SYMBOL, "black", "white", palette.LANDMARK_SIZE),
        ("saddle", saddles, palette.SADDLE_SYMBOL, "white", "black", palette.LANDMARK_SIZE - 4),
    )
    traces = []
    for name, points, symbol, fill, edge, size in kinds:
        if not len(points):
            continue
        xy = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        traces.append(
            go.Scatter(
                x=xy[:, 0].round(6).tolist(),
                y=xy[:, 1].round(6).tolist(),
                mode="markers",
                name=name,
                legendgroup=name,
                legendrank=1000 + len(traces),
                marker=dict(symbol=symbol, size=size, color=fill, line=dict(color=edge, width=2)),
                unselected=dict(marker=dict(opacity=1)),
                hovertemplate=f"{name} (%{{x:.3f}}, %{{y:.3f}})<extra></extra>",
            )
        )
    return traces


def axis_style(title: str) -> dict:
    """A lecture-sized axis: 16 px ticks, 18 px title, a frame, no grid over the landscape."""
    return dict(
        title=dict(text=title, font=dict(size=palette.TITLE_FONT_SIZE - 2)),
        tickfont=dict(size=palette.FONT_SIZE),
        showgrid=False,
        zeroline=False,
        showline=True,
        mirror=True,
        linecolor="#444444",
        linewidth=1,
        ticks="outside",
    )


def lecture_layout_dict(height: int, margin: dict) -> dict:
    """Template, fonts and the horizontal legend above the plot shared by every figure."""
    return dict(
        template=palette.TEMPLATE,
        height=height,
        margin=margin,
        font=dict(size=palette.FONT_SIZE, family=palette.FONT_FAMILY),
        legend=dict(
            orientation="h",
            x=0.0,
            xanchor="left",
            y=1.0,
            yref="container",
            yanchor="top",
            font=dict(size=palette.FONT_SIZE),
            itemwidth=40,
        ),
        showlegend=True,
        hoverlabel=dict(font=dict(size=palette.FONT_SIZE)),
    )


def lecture_layout(fig: go.Figure, height: int, margin: dict) -> None:
    fig.update_layout(**lecture_layout_dict(height, margin))


def map_height(domain: Domain) -> int:
    """A figure height (px) that gives an equal-aspect map about TYPICAL_PLOT_WIDTH px wide, so
    the shrunk axis leaves little empty space at common widths."""
    (x0, x1), (y0, y1) = domain
    aspect = (y1 - y0) / (x1 - x0)
    if not 1 / ASPECT_LIMIT <= aspect <= ASPECT_LIMIT:
        aspect = 0.6
    return (
        int(np.clip(TYPICAL_PLOT_WIDTH * aspect, *PLOT_HEIGHT_RANGE))
        + MAP_MARGIN["t"]
        + (MAP_MARGIN["b"])
    )


def map_layout_dict(domain: Domain, height: int | None = None) -> dict:
    """Fixed axes on the domain (a diverging run cannot rescale them), equal aspect when sane.

    Equal scales make a round bowl look round; a domain more than 3× wider than tall (or the
    reverse) would become a sliver, so it keeps free scales. Clicks reach the page through
    `st.plotly_chart(on_select="rerun")` in zoom mode too; `uirevision` keeps a zoom across
    reruns on the same domain, and a double click returns to the domain.
    """
    (x0, x1), (y0, y1) = domain
    xaxis = axis_style("x") | dict(range=[x0, x1], autorange=False, constrain="domain")
    yaxis = axis_style("y") | dict(
        range=[y0, y1], autorange=False, constrain="domain", constraintoward="top"
    )
    if 1 / ASPECT_LIMIT <= (x1 - x0) / (y1 - y0) <= ASPECT_LIMIT:
        yaxis |= dict(scaleanchor="x", scaleratio=1)
    return lecture_layout_dict(height or map_height(domain), dict(MAP_MARGIN)) | dict(
        xaxis=xaxis,
        yaxis=yaxis,
        uirevision=f"map {domain}",
        hovermode="closest",
        hoverdistance=30,
        dragmode="zoom",
    )


def apply_map_layout(fig: go.Figure, domain: Domain, height: int | None = None) -> None:
    fig.update_layout(**map_layout_dict(domain, height))
