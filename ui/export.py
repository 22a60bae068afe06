"""Downloads: every chart's PNG and SVG buttons, and the race page's export section.

`chart_config(filename)` is the Plotly config for a chart's mode bar: the camera downloads a PNG
at twice the screen resolution, named `filename`. `st.plotly_chart` passes its config as JSON,
so it can hold only the built-in buttons: one image format per chart there (PNG, or SVG with
`image_format="svg"`). Charts drawn by the components also get a second button for SVG, from the
config's "downloadSVG" key (the component turns it into a button with `viz.export.SVG_BUTTON_JS`;
Plotly ignores the key elsewhere).

`export_section` offers the race as CSV (the runs), as one HTML page that plays offline, and as a
GIF and an MP4 rendered on the server on demand, with a progress bar. The CSV and the HTML are
built when their button is pressed (Streamlit calls the data function on download); the videos
are kept per config and format, shared by every session, so a second visitor downloads at once.
"""

import re
import threading
from collections import OrderedDict

import streamlit as st

import landscapes
from landscapes import lookup
from optimizers.run_config import RunConfig
from optimizers.simulate import Trajectory
from ui import headings
from ui.race_figures import legend_names, line_styles, race_view
from viz import Grid
from viz.animation import MAX_FRAMES, SIZE, OnFrame, frame_steps, race_animation
from viz.export import race_html, runs_csv

BY_CONFIG = {RunConfig: repr}
VIDEOS_KEPT = 16
VIDEO_TYPES = {"gif": "image/gif", "mp4": "video/mp4"}
IMAGE_FORMATS = ("png", "svg")
PNG_SCALE = 2


def chart_config(filename: str, image_format: str = "png", **extra) -> dict:
    """The Plotly config that gives a chart its download buttons: the camera saves
    `image_format` (PNG at PNG_SCALE× the screen size, or SVG), named `filename`; where the
    component supports it, a second button saves the SVG. `extra` adds config keys (for
    example `scrollZoom=False`)."""
    if image_format not in IMAGE_FORMATS:
        raise ValueError(f"Unknown image format {image_format!r}: use png or svg.")
    options = dict(format=image_format, filename=filename)
    if image_format == "png":
        options["scale"] = PNG_SCALE
    return dict(
        displaylogo=False,
        toImageButtonOptions=options,
        modeBarButtonsToRemove=["sendChartToCloud"],
        downloadSVG=filename,
        **extra,
    )


def file_stem(config: RunConfig) -> str:
    """A file name for the race's downloads: the landscape's name in lower case and hyphens
    ("formula" for a typed one)."""
    land = landscapes.CATALOG.get(config.landscape)
    name = re.sub(r"[^a-z0-9]+", "-", land.name.lower()).strip("-") if land else "formula"
    return f"optiscape-{name[:40].strip('-') or 'race'}"


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_CONFIG)
def runs_csv_bytes(config: RunConfig, _trajectory: Trajectory, _names: list[str]) -> bytes:
    """The runs as CSV (viz.export.runs_csv), cached per config (the trajectory and the names
    follow from it)."""
    t = _trajectory
    return runs_csv(_names, t.points, t.loss, t.grads, t.lr, t.diverged_at).encode()


@st.cache_data(max_entries=4, show_spinner=False, hash_funcs=BY_CONFIG)
def race_html_bytes(config: RunConfig, _trajectory: Trajectory, _grid: Grid) -> bytes:
    """The race as one offline HTML page (viz.export.race_html), cached per config."""
    land = lookup(config.landscape)
    names = ", ".join(legend_names(config))
    caption = f"{names} · {config.steps} steps · press ▶ Play. Made with OptiScape."
    figure = race_view(config, _trajectory, _grid)
    return race_html(figure, title=f"{land.name}: optimizer race", caption=caption).encode()


class _Videos:
    """Rendered videos by (config repr, format), the last VIDEOS_KEPT. Sessions run on threads
    of their own: `rendering` lets one video render at a time (two would share two cores; a
    second request for the same video waits and then finds it), `lock` guards the dict."""

    def __init__(self) -> None:
        self.rendering = threading.Lock()
        self.lock = threading.Lock()
        self.items: OrderedDict[tuple[str, str], bytes] = OrderedDict()

    def get(self, key: tuple[str, str]) -> bytes | None:
        with self.lock:
            data = self.items.get(key)
            if data is not None:
                self.items.move_to_end(key)
            return data

    def put(self, key: tuple[str, str], data: bytes) -> None:
        with self.lock:
            self.items[key] = data
            while len(self.items) > VIDEOS_KEPT:
                self.items.popitem(last=False)


@st.cache_resource(show_spinner=False)
def _videos() -> _Videos:
    return _Videos()


def render_video(
    config: RunConfig,
    trajectory: Trajectory,
    grid: Grid,
    names: list[str],
    fmt: str,
    on_frame: OnFrame | None = None,
) -> bytes:
    """The race as a GIF or an MP4 (viz.animation.race_animation), rendered once per config and
    format and then kept."""
    store, key = _videos(), (repr(config), fmt)
    with store.rendering:
        data = store.get(key)
        if data is None:
            land = lookup(config.landscape)
            data = race_animation(
                grid,
                names,
                trajectory.points,
                trajectory.diverged_at,
                [p for p, _ in land.minima],
                list(land.saddles),
                land.domain,
                fmt=fmt,
                styles=line_styles(config, trajectory),
                title=land.name,
                on_frame=on_frame,
            )
            store.put(key, data)
    return data


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 1e6:.1f} MB" if n_bytes >= 1e5 else f"{n_bytes / 1e3:.0f} kB"


EXPORT_OPEN = "export.open"


def export_section(
    config: RunConfig | None, trajectory: Trajectory | None, grid: Grid | None, names: list[str]
) -> None:
    """Download buttons for the race, in an expander: CSV and HTML at once, GIF and MP4 after
    "Render". Closed, it holds nothing and depends on no run (config None): opening it reruns
    the script, which then draws the buttons for the current race."""
    headings.subheader("Download the race")
    box = st.expander(
        "Runs (CSV), the race as a page (HTML), GIF, MP4", key=EXPORT_OPEN, on_change="rerun"
    )
    if config is None or not box.open:
        return
    stem = file_stem(config)
    csv_column, html_column, *video_columns = box.columns(4)
    csv_column.download_button(
        "Runs (CSV)",
        data=lambda: runs_csv_bytes(config, trajectory, names),
        file_name=f"{stem}-runs.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/table:",
        key="export.csv",
        help="step, optimizer, start, x, y, f, ‖∇f‖, η: one row per step of every run.",
        width="stretch",
    )
    html_column.download_button(
        "Race (HTML)",
        data=lambda: race_html_bytes(config, trajectory, grid),
        file_name=f"{stem}-race.html",
        mime="text/html",
        on_click="ignore",
        icon=":material/animated_images:",
        key="export.html",
        help="One file that plays offline in any browser (plotly.js inside, ~5 MB).",
        width="stretch",
    )
    n_frames = len(frame_steps(config.steps, MAX_FRAMES))
    width, height = SIZE
    for column, fmt in zip(video_columns, VIDEO_TYPES, strict=True):
        label = fmt.upper()
        slot = column.empty()
        data = _videos().get((repr(config), fmt))
        if data is None and slot.button(
            f"Render {label}",
            key=f"export.render.{fmt}",
            icon=":material/movie:",
            help=f"{n_frames} frames, {width} × {height} px, rendered on the server.",
            width="stretch",
        ):
            bar = slot.progress(0.0, text=f"{label}: starting…")

            def progress(i: int, n: int, bar=bar, label=label) -> None:
                bar.progress(i / n, text=f"{label}: frame {i} of {n}")

            data = render_video(config, trajectory, grid, names, fmt, on_frame=progress)
        if data is not None:
            slot.download_button(
                f"{label} ({_size(len(data))})",
                data=data,
                file_name=f"{stem}-race.{fmt}",
                mime=VIDEO_TYPES[fmt],
                on_click="ignore",
                icon=":material/download:",
                key=f"export.{fmt}",
                width="stretch",
            )
