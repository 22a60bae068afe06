"""The race as a video rendered on the server: an animated GIF or an MP4, drawn by Matplotlib.

The picture is the race page's map: the banded landscape (the very PNG of
`background.background_image`), each optimizer's paths growing frame by frame in its colour and
dash, a head on each path, ✕ where a run diverged, the minima (stars) and saddles (diamonds) on
top, and a title with the step. No browser is needed: Matplotlib's Agg canvas draws the frames,
Pillow writes the GIF and the ffmpeg binary shipped in the imageio-ffmpeg wheel encodes the MP4
(H.264, yuv420p, so every player opens it; hence the even pixel sizes).

Speed: the static picture (landscape, axes, legend) is drawn once and each frame restores it and
draws only the moving artists on top (blitting); the step counter is drawn by Pillow. A frame of
960 × 540 costs ~7 ms of CPU (~1 s for a 150-frame GIF, plus ffmpeg's own process for an MP4).
At most `MAX_FRAMES` frames are drawn, at evenly spaced steps (0 and the last always among them),
so a 2000-step race renders as fast as a 150-step one. `on_frame(i, n)` is called after frame i
(1 … n) is encoded, for a progress bar.

The GIF holds one palette for all frames, taken from the final frame (which holds every colour the
race uses), so colours do not flicker from frame to frame; its last frame stays `HOLD_MS` before
the loop starts again. The MP4 plays once and stops on its last frame.
"""

import base64
import io
import os
import tempfile
from collections.abc import Callable, Iterator

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from viz import palette
from viz.background import ASPECT_LIMIT, Domain, Grid, background_image
from viz.race import exit_point

MAX_FRAMES = 150
SIZE = (960, 540)
DPI = 100
PLAY_SECONDS = 10.0
FPS_RANGE = (5.0, 25.0)
HOLD_MS = 1500
MP4_QUALITY = 6.0  # imageio-ffmpeg's 1–10 scale; 6 is x264's crf 20
FORMATS = ("gif", "mp4")
PX = 72.0 / DPI  # one pixel in points at DPI
STEP_FONT_PT = 15
EDGE_PX = 8  # the least room between the picture's edge and a label
DASHES = {"solid": "-", "dash": (0, (4, 2)), "dot": (0, (1, 1.5)), "dashdot": (0, (4, 1.5, 1, 1.5))}

OnFrame = Callable[[int, int], None]


def frame_steps(steps: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """The steps the frames show: min(max_frames, steps + 1) evenly spaced steps from 0 to
    `steps`, both ends included, none repeated."""
    n = max(1, min(max_frames, steps + 1))
    return np.round(np.linspace(0, steps, n)).astype(int)


def frame_rate(n_frames: int) -> float:
    """Frames per second that play the race in about PLAY_SECONDS (5–25 fps)."""
    return float(np.clip(n_frames / PLAY_SECONDS, *FPS_RANGE))


def even_size(size: tuple[int, int]) -> tuple[int, int]:
    """(width, height) rounded down to even numbers, as yuv420p video needs; at least 2 × 2."""
    return max(2, int(size[0]) // 2 * 2), max(2, int(size[1]) // 2 * 2)


def _background_pixels(grid: Grid) -> np.ndarray:
    """The banded landscape PNG of the Plotly race, as an RGB array (top row = largest y)."""
    source = background_image(grid).source
    png = base64.b64decode(source.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def _joined(paths: np.ndarray, last: int) -> np.ndarray:
    """Steps 0…last of every start as one polyline [N, 2], starts separated by a NaN row."""
    piece = paths[:, : last + 1]
    gap = np.full((piece.shape[0], 1, 2), np.nan)
    return np.concatenate([piece, gap], axis=1).reshape(-1, 2)[:-1]


def _layout(
    domain: Domain,
    size: tuple[int, int],
    column: tuple[float, float],
    row: tuple[float, float],
    left: float = 64,
):
    """Where the map and the legend go, in pixels: the legend in a column right of the map or
    in one row above it (`column`, `row`: the legend's (width, height) either way), whichever
    leaves the larger map, with equal scales when the domain's sides are within ASPECT_LIMIT
    of each other, as on the page. Returns the map's box (left, bottom, width, height), the
    legend's anchor (x, y, loc) and its number of columns (0: one per entry)."""
    width, height = size
    (x0, x1), (y0, y1) = domain
    ratio = (x1 - x0) / (y1 - y0)
    equal = 1 / ASPECT_LIMIT <= ratio <= ASPECT_LIMIT
    right, bottom, top, gap = 16, 52, 48, 12

    def fit(w: float, h: float) -> tuple[float, float]:
        w, h = max(w, 1.0), max(h, 1.0)
        if not equal:
            return w, h
        return (w, w / ratio) if w / ratio <= h else (h * ratio, h)

    side = fit(width - left - right - column[0] - gap, height - bottom - top)
    above = fit(width - left - right, height - bottom - top - row[1] - gap)
    if row[0] <= width - 2 * right and above[0] * above[1] > side[0] * side[1]:
        w, h = above
        x = left + (width - left - right - w) / 2
        box = (x, bottom + (height - bottom - top - row[1] - gap - h) / 2, w, h)
        return box, (x + w / 2, box[1] + h + gap, "lower center"), 0
    w, h = side
    x = left + max(0.0, (width - right - left - w - gap - column[0]) / 2)  # centre map + legend
    box = (x, bottom + (height - bottom - top - h) / 2, w, h)
    return box, (x + w + gap, box[1] + h, "upper left"), 1


class _Scene:
    """The figure, its static part drawn once, and the artists that move, updated per step."""

    def __init__(
        self, grid, names, points, diverged_at, minima, saddles, domain, styles, title, size
    ):
        self.points = points
        self.diverged_at = diverged_at
        n_opt, n_starts, n_points, _ = points.shape
        self.steps = n_points - 1
        width, height = size
        # Matplotlib loads here, not on import (~0.5 s): pages can import this module freely.
        from matplotlib import font_manager
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D

        self.figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, facecolor="white")
        self.canvas = FigureCanvasAgg(self.figure)

        line_width = palette.LINE_WIDTH * PX
        head_size = palette.HEAD_SIZE * PX
        handles, labels, line_styles = [], [], []
        for o in range(n_opt):
            dash = DASHES.get(styles[o].get("dash", "solid"), "-")
            line_styles.append(dict(color=styles[o]["color"], linewidth=line_width, linestyle=dash))
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="o",
                    markersize=head_size * 0.7,
                    markeredgecolor="white",
                    **line_styles[o],
                )
            )
            labels.append(names[o])
        landmark_styles = []
        kinds = (
            ("minimum", minima, "*", "black", "white", palette.LANDMARK_SIZE * 1.5),
            ("saddle", saddles, "D", "white", "black", palette.LANDMARK_SIZE * 0.8),
        )
        for name, where, marker, fill, edge, size_px in kinds:
            if len(where):
                style = dict(
                    linestyle="none",
                    marker=marker,
                    markersize=size_px * PX,
                    markerfacecolor=fill,
                    markeredgecolor=edge,
                    markeredgewidth=1.5,
                )
                landmark_styles.append((np.asarray(where, dtype=float).reshape(-1, 2), style))
                handles.append(Line2D([], [], **style))
                labels.append(name)
        legend_style = dict(
            fontsize=12,
            frameon=False,
            handlelength=2.4,
            columnspacing=1.2,
            borderaxespad=0,
            borderpad=0,
        )

        def legend_size(columns: int) -> tuple[float, float]:
            legend = self.figure.legend(handles, labels, ncols=columns, **legend_style)
            box = legend.get_window_extent(self.canvas.get_renderer())
            legend.remove()
            return box.width, box.height

        legends = legend_size(1), legend_size(len(labels))
        box, (lx, ly, loc), columns = _layout(domain, size, *legends)
        axes = self.figure.add_axes((0, 0, 1, 1))
        axes.set_position((box[0] / width, box[1] / height, box[2] / width, box[3] / height))
        axes.imshow(
            _background_pixels(grid),
            extent=(float(grid.xs[0]), float(grid.xs[-1]), float(grid.ys[0]), float(grid.ys[-1])),
            origin="upper",
            interpolation="antialiased",
            aspect="auto",
            zorder=0,
        )
        (x0, x1), (y0, y1) = domain
        axes.set_xlim(x0, x1)
        axes.set_ylim(y0, y1)
        axes.set_xlabel("x", fontsize=13, labelpad=2)
        axes.set_ylabel("y", fontsize=13, labelpad=2)
        axes.tick_params(labelsize=11)
        # Long tick labels on y (−0.25, 1000) need a wider left margin: measure, then move.
        overhang = EDGE_PX - axes.get_tightbbox(self.canvas.get_renderer()).x0
        if overhang > 0:
            box, (lx, ly, loc), columns = _layout(domain, size, *legends, left=box[0] + overhang)
            axes.set_position((box[0] / width, box[1] / height, box[2] / width, box[3] / height))
        self.figure.legend(
            handles,
            labels,
            loc=loc,
            bbox_to_anchor=(lx / width, ly / height),
            ncols=columns or len(labels),
            **legend_style,
        )
        self.figure.text(16 / width, 1 - 22 / height, title, fontsize=STEP_FONT_PT, va="center")
        # The step counter is the one text that changes: Pillow draws it on each finished frame
        # in the same font (DejaVu Sans), ~50× faster than a Matplotlib text artist.
        font = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))
        self.font = ImageFont.truetype(font, round(STEP_FONT_PT / PX))
        self.step_at = (width - 16, 22)

        self.paths, self.heads, self.crosses, self.labels = [], [], [], []
        for o in range(n_opt):
            colour = line_styles[o]["color"]
            self.paths.append(axes.plot([], [], **line_styles[o], zorder=2, animated=True)[0])
            self.heads.append(
                axes.plot(
                    [],
                    [],
                    linestyle="none",
                    marker="o",
                    markersize=head_size,
                    markerfacecolor=colour,
                    markeredgecolor="white",
                    markeredgewidth=2 * PX * 1.4,
                    zorder=4,
                    animated=True,
                )[0]
            )
            if not np.any(diverged_at[o] > 0):
                continue
            marks = np.full((n_starts, 2), np.nan)
            for s in np.flatnonzero(diverged_at[o] > 0):
                marks[s] = exit_point(points[o, s], int(diverged_at[o, s]) - 1, domain)
            cross = axes.plot(
                [],
                [],
                linestyle="none",
                marker="X",
                markersize=head_size * 1.1,
                markerfacecolor=colour,
                markeredgecolor="black",
                markeredgewidth=1.0,
                zorder=3,
                animated=True,
            )[0]
            self.crosses.append((o, marks, cross))
            if n_starts == 1:
                label = axes.annotate(
                    f"diverged at step {int(diverged_at[o, 0])}",
                    marks[0],
                    xytext=(0, 10),
                    textcoords="offset points",
                    ha="center",
                    fontsize=12,
                    color=colour,
                    fontweight="bold",
                    annotation_clip=False,
                    animated=True,
                )
                self.labels.append((int(diverged_at[o, 0]), label))
        self.landmarks = [
            axes.plot(xy[:, 0], xy[:, 1], **style, zorder=5, animated=True)[0]
            for xy, style in landmark_styles
        ]
        self.canvas.draw()
        self.static = self.canvas.copy_from_bbox(self.figure.bbox)

    def draw(self, step: int) -> np.ndarray:
        """The picture at `step`, as an RGB image."""
        self.canvas.restore_region(self.static)
        gone = (self.diverged_at >= 0) & (step >= self.diverged_at)
        for o, path in enumerate(self.paths):
            path.set_data(*_joined(self.points[o], step).T)
            head = np.where(gone[o, :, None], np.nan, self.points[o, :, step])
            self.heads[o].set_data(head[:, 0], head[:, 1])
        for o, marks, cross in self.crosses:
            shown = np.where(gone[o, :, None], marks, np.nan)
            cross.set_data(shown[:, 0], shown[:, 1])
        artists = [*self.paths, *(cross for _, _, cross in self.crosses), *self.heads]
        artists += [label for since, label in self.labels if step >= since]
        artists += self.landmarks
        for artist in artists:
            self.figure.draw_artist(artist)
        width, height = self.canvas.get_width_height()
        frame = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba()).convert("RGB")
        ImageDraw.Draw(frame).text(
            self.step_at, f"step {step} of {self.steps}", fill="black", font=self.font, anchor="rm"
        )
        return frame


def _scene(grid, names, points, diverged_at, minima, saddles, domain, styles, title, size):
    points = np.asarray(points, dtype=np.float64)
    diverged_at = np.asarray(diverged_at, dtype=int)
    styles = styles or [dict(color=palette.colour(o), dash="solid") for o in range(len(points))]
    return _Scene(
        grid, names, points, diverged_at, minima, saddles, domain, styles, title, even_size(size)
    )


def race_frames(
    grid: Grid,
    names: list[str],
    points: np.ndarray,
    diverged_at: np.ndarray,
    minima: list[tuple[float, float]],
    saddles: list[tuple[float, float]],
    domain: Domain,
    *,
    styles: list[dict] | None = None,
    title: str = "",
    max_frames: int = MAX_FRAMES,
    size: tuple[int, int] = SIZE,
) -> Iterator[np.ndarray]:
    """The race's frames as RGB arrays [height, width, 3], one per step of `frame_steps`.

    The arguments are those of `viz.race.race_figure`: `points[opt, start, step, 2]`,
    `diverged_at[opt, start]` (−1 when a run never diverged), the landmarks, the domain and each
    optimizer's `styles` (colour and dash, `palette.optimizer_styles`). `size` is rounded down to
    even pixels.
    """
    scene = _scene(grid, names, points, diverged_at, minima, saddles, domain, styles, title, size)
    for step in frame_steps(scene.steps, max_frames):
        yield np.asarray(scene.draw(int(step)))


def _gif(scene: _Scene, steps: np.ndarray, on_frame: OnFrame | None) -> bytes:
    """One palette for every frame, taken from the last frame (it holds every colour of the
    race), no dithering; Pillow stores only the part of each frame that changed."""
    n = len(steps)
    palette_image = scene.draw(int(steps[-1])).quantize(256, method=Image.Quantize.MEDIANCUT)

    def indexed() -> Iterator[Image.Image]:
        for i, step in enumerate(steps[1:], start=2):
            yield scene.draw(int(step)).quantize(palette=palette_image, dither=Image.Dither.NONE)
            if on_frame:
                on_frame(i, n)

    first = scene.draw(int(steps[0]))
    first = first.quantize(palette=palette_image, dither=Image.Dither.NONE)
    if on_frame:
        on_frame(1, n)
    frame_ms = round(100 / frame_rate(n)) * 10  # GIF delays are in hundredths of a second
    out = io.BytesIO()
    first.save(
        out,
        format="GIF",
        save_all=True,
        append_images=indexed(),
        duration=[frame_ms] * (n - 1) + [HOLD_MS],
        loop=0,
        optimize=False,
        disposal=1,
    )
    return out.getvalue()


def _mp4(scene: _Scene, steps: np.ndarray, on_frame: OnFrame | None) -> bytes:
    """H.264 in yuv420p through imageio-ffmpeg's own ffmpeg binary, 'faststart' so a browser
    can play it while it downloads."""
    import imageio_ffmpeg

    n = len(steps)
    width, height = scene.canvas.get_width_height()
    handle, path = tempfile.mkstemp(suffix=".mp4")
    os.close(handle)
    try:
        writer = imageio_ffmpeg.write_frames(
            path,
            (width, height),
            fps=frame_rate(n),
            codec="libx264",
            pix_fmt_in="rgb24",
            pix_fmt_out="yuv420p",
            quality=MP4_QUALITY,
            macro_block_size=2,
            ffmpeg_log_level="error",
            output_params=["-movflags", "+faststart"],
        )
        writer.send(None)
        try:
            for i, step in enumerate(steps, start=1):
                writer.send(scene.draw(int(step)).tobytes())
                if on_frame:
                    on_frame(i, n)
        finally:
            writer.close()
        with open(path, "rb") as file:
            return file.read()
    finally:
        os.unlink(path)


def race_animation(
    grid: Grid,
    names: list[str],
    points: np.ndarray,
    diverged_at: np.ndarray,
    minima: list[tuple[float, float]],
    saddles: list[tuple[float, float]],
    domain: Domain,
    *,
    fmt: str = "gif",
    styles: list[dict] | None = None,
    title: str = "",
    max_frames: int = MAX_FRAMES,
    size: tuple[int, int] = SIZE,
    on_frame: OnFrame | None = None,
) -> bytes:
    """The race as the bytes of an animated GIF (`fmt="gif"`) or an MP4 (`fmt="mp4"`).

    Frames: `frame_steps(steps, max_frames)`, played at `frame_rate(n)` frames a second; size
    `even_size(size)` pixels. `on_frame(i, n)` is called after each of the n frames (i = 1 … n).
    The other arguments are those of `race_frames`.
    """
    if fmt not in FORMATS:
        raise ValueError(f"Unknown video format {fmt!r}: use one of {', '.join(FORMATS)}.")
    scene = _scene(grid, names, points, diverged_at, minima, saddles, domain, styles, title, size)
    steps = frame_steps(scene.steps, max_frames)
    return (_gif if fmt == "gif" else _mp4)(scene, steps, on_frame)
