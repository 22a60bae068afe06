"""The race: every optimizer's paths growing on the landscape, as a Plotly animation.

What plotly.js can do decides the design. Frames are played with `redraw: false`, the only way to
keep 20+ frames a second; such a frame re-plots only the scatter traces it names and merges its
data into them, it cannot hide a trace by `visible` (the old drawing stays), but it does apply a
trace's `opacity`; and it deletes every non-scatter trace from the plot, so the landscape is a
layout image (`background_image`), with a coarse grid of f in `layout.meta.probe` for the
read-out and the clicks of the live-figures component.

Sending the growing path whole in every frame costs ~F²/2 points. Instead each optimizer's path
is cut into B chunks that sit in the base figure at full resolution; a frame shows the finished
chunks through their opacity (1 or 0) and sends only a "growing" trace: the points from the
current chunk's first step to the frame's step, all starts in one trace separated by NaN gaps.
Heads, the growing trace and ✕ markers are sent in every frame. Chunk opacities are sent only in
*key* frames, every ⌈F/60⌉-th frame; chunks start and end on key frames, so in between their
state cannot change. The slider's steps point at key frames, so every jump lands on a frame that
sets every trace; Play (from the current frame) walks frames in order, so the others only need
what changed. Frame names carry a hash of the data: after the page reruns with a new figure, a
stale "current frame" matches nothing and Play starts again from step 0. B is picked for each
figure to minimise the estimated bytes (key frames × B toggles against growing points).

The base figure shows the FINAL state: whole paths, heads at the last points, every ✕, and the
slider at its last step, so a first paint or a screenshot shows the outcome; Play restarts from
step 0 (or continues after a Pause).

A diverged start's head disappears at its divergence step k and an ✕ marks where its path ends:
at its last finite point, or, when that point lies outside the domain (runs are stopped at 10
domain widths, so it nearly always does), where the path's last segment leaves the view.
"""

import base64
import functools
import hashlib
from dataclasses import dataclass

import numpy as np

from viz import palette
from viz.background import (
    MAP_MARGIN,
    Domain,
    Grid,
    background_image,
    landmark_traces,
    map_height,
    map_layout_dict,
    probe_grid,
)

KEY_FRAMES = 60
# A large race (say 6 optimizers × 12 × 12 starts × 2000 steps) is drawn within a budget: its
# paths with every k-th step (and the last), and fewer frames, so that one slider change stays
# around a megabyte and a second to draw. Heads, ✕ marks, labels and every number stay exact.
PATH_POINTS = 40_000  # path points in the base figure, over every optimizer and start
FRAME_POINTS = 50_000  # roughly what the frames send: ~6 points per path per frame
MIN_FRAMES = 10
TOGGLE_BYTES = 34
POINT_BYTES = 10.7
PLAY_SECONDS = 10.0
FRAME_MS_RANGE = (40, 200)
CONTROLS_MARGIN = 150
_NAN32 = np.float32(np.nan).tobytes()
NOW = {
    "frame": {"duration": 0, "redraw": False},
    "mode": "immediate",
    "transition": {"duration": 0},
}


@dataclass(frozen=True)
class FramePlan:
    """Which step each frame shows, which frames are key frames, and where chunks begin.

    `bounds` are key-frame indices, bounds[0] = 0 and bounds[-1] = F − 1; chunk c holds the steps
    steps[bounds[c]] … steps[bounds[c + 1]] (each chunk repeats the previous chunk's last point,
    so the line is unbroken).
    """

    steps: np.ndarray
    key: np.ndarray
    bounds: np.ndarray

    @functools.cached_property
    def _last_keys(self) -> np.ndarray:
        keys = np.flatnonzero(self.key)
        return keys[np.searchsorted(keys, np.arange(len(self.key)), side="right") - 1]

    def last_key(self, frame: int) -> int:
        """The latest key frame at or before `frame`."""
        return int(self._last_keys[frame])

    def finished(self, frame: int) -> int:
        """How many chunks are complete (shown) at a frame."""
        return int(np.searchsorted(self.bounds[1:], frame, side="right"))

    def mid_span(self, frame: int) -> tuple[int, int]:
        """Steps of the mid trace: the current chunk's start to the latest key frame."""
        key = self.last_key(frame)
        return int(self.steps[self.bounds[self.finished(key)]]), int(self.steps[key])

    def tip_span(self, frame: int) -> tuple[int, int]:
        """Steps of the tip trace: the latest key frame to the frame itself."""
        return int(self.steps[self.last_key(frame)]), int(self.steps[frame])


def frame_plan(steps: int, starts: int, max_frames: int) -> FramePlan:
    """Frames at evenly spaced steps (0 and the last always in), key frames, cheapest chunks.

    Chunks end on every m-th key frame, with m minimising the bytes that depend on it: each key
    frame sends B chunk opacities and the mid trace, which holds up to one chunk of points.
    """
    n = max(1, min(max_frames, steps + 1))
    shown = np.round(np.linspace(0, steps, n)).astype(int)
    index = np.arange(n)
    key = (index % -(-n // KEY_FRAMES) == 0) | (index == n - 1)
    key_frames = np.flatnonzero(key)
    best = None
    for every in range(1, len(key_frames) + 1):
        bounds = np.unique(np.append(key_frames[::every], n - 1))
        finished = np.searchsorted(bounds[1:], key_frames, side="right")
        mid_points = shown[key_frames] - shown[bounds[finished]] + 1
        cost = len(key_frames) * (len(bounds) - 1) * TOGGLE_BYTES
        cost += POINT_BYTES * starts * mid_points.sum()
        if best is None or cost < best[0]:
            best = (cost, bounds)
    return FramePlan(shown, key, best[1])


@dataclass(frozen=True)
class Drawing:
    """How much of a race is drawn: every `stride`-th step of each path and up to `frames`
    frames."""

    stride: int
    frames: int

    @property
    def reduced(self) -> bool:
        return self.stride > 1


def drawing(n_paths: int, steps: int, max_frames: int = 300) -> Drawing:
    """The stride and frame count that keep `n_paths` paths of `steps` steps within PATH_POINTS
    and FRAME_POINTS."""
    stride = max(1, -(-n_paths * (steps + 1) // PATH_POINTS))
    frames = int(np.clip(FRAME_POINTS // (6 * n_paths), MIN_FRAMES, max_frames))
    return Drawing(stride, min(frames, max_frames))


def drawn_steps(steps: int, stride: int) -> np.ndarray:
    """Steps 0, stride, 2·stride, … and always the last."""
    return np.unique(np.append(np.arange(0, steps + 1, stride), steps))


def _bdata(raw: bytes) -> dict:
    return {"dtype": "f4", "bdata": base64.b64encode(raw).decode()}


def typed(values: np.ndarray) -> dict:
    """A float32 array as Plotly's typed-array spec, which plotly.py passes through unvalidated
    (validating thousands of small frame arrays would dominate the build time)."""
    return _bdata(np.ascontiguousarray(values, dtype="<f4").tobytes())


class _Encoded:
    """An optimizer's drawn paths [S, K, 2] and its heads at each frame [F, S, 2] as float32
    bytes, so that the thousands of small arrays of a race's frames are cut from them by slicing
    bytes (a NumPy call per array cost most of a race's build)."""

    def __init__(self, paths: np.ndarray, heads: np.ndarray):
        paths = np.ascontiguousarray(paths, dtype="<f4")
        self._paths = [[start[:, axis].tobytes() for start in paths] for axis in (0, 1)]
        self._heads = [np.ascontiguousarray(heads[..., axis], "<f4").tobytes() for axis in (0, 1)]
        self._starts = heads.shape[1]

    def line(self, first: int, last: int) -> dict:
        """Steps first…last of every start as one line {x, y}, starts separated by NaN gaps."""
        lo, hi = 4 * first, 4 * (last + 1)
        x, y = (_bdata(_NAN32.join(start[lo:hi] for start in axis)) for axis in self._paths)
        return dict(x=x, y=y)

    def heads(self, frame: int) -> dict:
        lo, hi = 4 * self._starts * frame, 4 * self._starts * (frame + 1)
        return dict(x=_bdata(self._heads[0][lo:hi]), y=_bdata(self._heads[1][lo:hi]))


def _xy(values: np.ndarray) -> dict:
    return dict(x=typed(values[:, 0]), y=typed(values[:, 1]))


def exit_point(path: np.ndarray, last: int, domain: Domain) -> np.ndarray:
    """Where a diverged path visibly ends: path[last] if inside the domain, else the point where
    the last segment that crosses the domain leaves it (the domain's nearest point if none does).
    """
    (x0, x1), (y0, y1) = domain
    low, high = np.array([x0, y0]), np.array([x1, y1])
    point = path[last].astype(np.float64)
    if np.all((low <= point) & (point <= high)):
        return point
    a = path[:last].astype(np.float64)
    d = path[1 : last + 1].astype(np.float64) - a
    with np.errstate(divide="ignore", invalid="ignore"):
        t_low, t_high = (low - a) / d, (high - a) / d
    flat = d == 0
    inside = (low <= a) & (a <= high)
    t_in = np.where(flat, np.where(inside, -np.inf, np.inf), np.minimum(t_low, t_high))
    t_out = np.where(flat, np.where(inside, np.inf, -np.inf), np.maximum(t_low, t_high))
    enter = np.maximum(t_in.max(axis=1, initial=-np.inf), 0.0)
    leave = np.minimum(t_out.min(axis=1, initial=np.inf), 1.0)
    crossing = np.flatnonzero(enter <= leave)
    if not len(crossing):
        return np.clip(point, low, high)
    j = crossing[-1]
    return a[j] + leave[j] * d[j]


def _diverged_marks(points: np.ndarray, diverged_at: np.ndarray, domain: Domain) -> np.ndarray:
    """[O, S, 2] ✕ positions, NaN for starts that never diverge."""
    marks = np.full((*points.shape[:2], 2), np.nan)
    for o, s in zip(*np.nonzero(diverged_at > 0), strict=True):
        marks[o, s] = exit_point(points[o, s], int(diverged_at[o, s]) - 1, domain)
    return marks


def _heads(points: np.ndarray, since: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """[F, S, 2] where each start is at each of `steps`, NaN once it has diverged."""
    hide = (since >= 0)[None, :] & (steps[:, None] >= since[None, :])
    return np.where(hide[..., None], np.nan, points[:, steps].transpose(1, 0, 2))


def _diverged_by(since: np.ndarray, step: int) -> np.ndarray:
    """[S] bool: which starts have diverged at or before `step` (since = diverged_at, −1 none)."""
    return (since >= 0) & (step >= since)


def _masked(values: np.ndarray, hide: np.ndarray) -> np.ndarray:
    return np.where(hide[:, None], np.nan, values)


def _token(names: list[str], points: np.ndarray, diverged_at: np.ndarray) -> str:
    digest = hashlib.blake2b(digest_size=3)
    for part in ("\n".join(names).encode(), points.tobytes(), diverged_at.tobytes()):
        digest.update(part)
    return digest.hexdigest()


def _controls(frame_names: list[str], plan: FramePlan, labels: np.ndarray, height: int) -> dict:
    """▶ Play / ❚❚ Pause and the step slider, under the x-axis title."""
    plot_px = height - CONTROLS_MARGIN - MAP_MARGIN["t"]
    below = -85 / plot_px
    frame_ms = int(np.clip(PLAY_SECONDS * 1000 / len(plan.steps), *FRAME_MS_RANGE))
    play = {
        "frame": {"duration": frame_ms, "redraw": False},
        "fromcurrent": True,
        "mode": "immediate",
        "transition": {"duration": 0},
    }
    buttons = dict(
        type="buttons",
        direction="left",
        showactive=False,
        x=0.0,
        xanchor="left",
        y=below,
        yanchor="top",
        pad=dict(t=0, r=10),
        font=dict(size=palette.FONT_SIZE),
        buttons=[
            dict(label="▶ Play", method="animate", args=[None, play]),
            dict(label="❚❚ Pause", method="animate", args=[[None], NOW]),
        ],
    )
    slider = dict(
        active=int(plan.key.sum()) - 1,
        x=0.2,
        len=0.8,
        xanchor="left",
        y=below + 20 / plot_px,
        yanchor="top",
        pad=dict(t=0, b=0),
        ticklen=4,
        minorticklen=0,
        font=dict(color="rgba(0,0,0,0)", size=4),
        currentvalue=dict(
            prefix="step ",
            xanchor="left",
            font=dict(size=palette.TITLE_FONT_SIZE - 2, color="#2a3f5f"),
        ),
        steps=[
            dict(method="animate", label=str(labels[f]), args=[[frame_names[f]], NOW])
            for f in np.flatnonzero(plan.key)
        ],
    )
    return dict(updatemenus=[buttons], sliders=[slider])


def race_figure(
    grid: Grid,
    names: list[str],
    points: np.ndarray,
    diverged_at: np.ndarray,
    minima: list[tuple[float, float]],
    saddles: list[tuple[float, float]],
    domain: Domain,
    max_frames: int = 300,
    height: int | None = None,
    styles: list[dict] | None = None,
) -> dict:
    """The animated race of `points[opt, start, step, 2]` on the landscape (module docstring),
    as a plain Plotly figure dict {data, layout, frames}: plotly.py would spend ~0.3 s validating
    300 frames of a 1000-step race, so the race is built from dicts and checked by the tests
    (`go.Figure(race_figure(...))` validates it).

    The traces, per layer and optimizer: chunks, mid traces, tip traces (which carry the legend
    entries), the landmarks, the ✕ traces of optimizers that diverge, and the heads on top. Each
    optimizer's traces share a legend group, so a legend click hides all of them. `height`
    defaults to one that suits the domain's aspect ratio. `styles` gives each optimizer's line
    colour and dash (`palette.optimizer_styles`); the landmarks are drawn above everything.
    """
    points = np.asarray(points, dtype=np.float64)
    diverged_at = np.asarray(diverged_at, dtype=int)
    n_opt, n_starts, n_points, _ = points.shape
    budget = drawing(n_opt * n_starts, n_points - 1, max_frames)
    kept = drawn_steps(n_points - 1, budget.stride)
    drawn = points[:, :, kept]
    plan = frame_plan(len(kept) - 1, n_starts, budget.frames)
    at = kept[plan.steps]  # the step each frame shows
    marks = _diverged_marks(points, diverged_at, domain)
    height = height or map_height(domain) + CONTROLS_MARGIN - MAP_MARGIN["b"]
    token = _token(names, points, diverged_at)
    frame_names = [f"{token}.{step}" for step in at]
    final = len(plan.steps) - 1
    styles = styles or [dict(color=palette.colour(o), dash="solid") for o in range(n_opt)]

    def style(o: int) -> dict:
        return dict(legendgroup=f"{o}:{names[o]}", showlegend=False, hoverinfo="skip")

    encoded = [_Encoded(drawn[o], _heads(points[o], diverged_at[o], at)) for o in range(n_opt)]

    def path(o: int, span: tuple[int, int], **extra) -> dict:
        line = styles[o] | dict(width=palette.LINE_WIDTH)
        return (
            dict(type="scatter", **encoded[o].line(*span), mode="lines", line=line)
            | style(o)
            | extra
        )

    n_chunks = len(plan.bounds) - 1
    traces = []
    chunk_span = [
        (plan.steps[plan.bounds[c]], plan.steps[plan.bounds[c + 1]]) for c in range(n_chunks)
    ]
    chunks = [[len(traces) + o * n_chunks + c for c in range(n_chunks)] for o in range(n_opt)]
    traces += [path(o, chunk_span[c]) for o in range(n_opt) for c in range(n_chunks)]
    mids = list(range(len(traces), len(traces) + n_opt))
    traces += [path(o, plan.mid_span(final)) for o in range(n_opt)]
    tips = list(range(len(traces), len(traces) + n_opt))
    traces += [
        path(o, plan.tip_span(final), name=name, showlegend=True, legendrank=o)
        for o, name in enumerate(names)
    ]
    crosses = {}
    for o in range(n_opt):
        if np.any(diverged_at[o] >= 0):
            crosses[o] = len(traces)
            cross = _cross_trace(styles[o]["color"], names[o], marks[o], diverged_at[o])
            traces.append(cross | style(o))
    heads = list(range(len(traces), len(traces) + n_opt))
    last = n_points - 1
    traces += [
        _head_trace(
            styles[o]["color"],
            names[o],
            _masked(points[o, :, last], _diverged_by(diverged_at[o], last)),
        )
        | style(o)
        for o in range(n_opt)
    ]
    traces += [trace.to_plotly_json() for trace in landmark_traces(minima, saddles)]

    frames = []
    for f, step in enumerate(at):
        data, indices = [], []
        for o in range(n_opt):
            data += [encoded[o].line(*plan.tip_span(f)), encoded[o].heads(f)]
            indices += [tips[o], heads[o]]
            if o in crosses:
                data.append(_xy(_masked(marks[o], ~_diverged_by(diverged_at[o], step))))
                indices.append(crosses[o])
        if plan.key[f]:
            finished = plan.finished(f)
            for o in range(n_opt):
                data += [encoded[o].line(*plan.mid_span(f))]
                data += [dict(opacity=int(c < finished)) for c in range(n_chunks)]
                indices += [mids[o], *chunks[o]]
        frames.append(dict(name=frame_names[f], data=data, traces=indices))

    layout = map_layout_dict(domain, height) | _controls(frame_names, plan, at, height)
    layout["margin"] = dict(MAP_MARGIN, b=CONTROLS_MARGIN)
    layout["images"] = [background_image(grid).to_plotly_json()]
    layout["meta"] = dict(probe=probe_grid(grid))
    layout["template"] = palette.template_json()
    return dict(data=traces, layout=layout, frames=frames)


def _head_trace(colour: str, name: str, positions: np.ndarray) -> dict:
    """Where each start of an optimizer is now: large dots in its colour with a white rim."""
    n_starts = len(positions)
    start = "<br>start %{customdata}" if n_starts > 1 else ""
    return dict(
        type="scatter",
        **_xy(positions),
        mode="markers",
        marker=dict(
            symbol=palette.HEAD_SYMBOL,
            size=palette.HEAD_SIZE,
            color=colour,
            line=dict(color="white", width=2),
        ),
        customdata=np.arange(1, n_starts + 1, dtype=np.int32),
        hovertemplate=f"<b>{name}</b>{start}<br>x=%{{x:.3f}}<br>y=%{{y:.3f}}<extra></extra>",
        unselected=dict(marker=dict(opacity=1)),
    )


def _cross_trace(colour: str, name: str, marks: np.ndarray, diverged_at: np.ndarray) -> dict:
    """✕ where each diverged start of an optimizer ends, labelled with its step k (with one
    start) and 'diverged at step k' on hover."""
    label = len(diverged_at) == 1
    return dict(
        type="scatter",
        **_xy(marks),
        mode="markers+text" if label else "markers",
        marker=dict(
            symbol=palette.DIVERGED_SYMBOL,
            size=palette.HEAD_SIZE + 3,
            color=colour,
            line=dict(color="black", width=1.5),
        ),
        text=[f"diverged at step {k}" if k >= 0 else "" for k in diverged_at],
        textposition="top center",
        textfont=dict(size=palette.FONT_SIZE, color=colour),
        hovertemplate=f"<b>{name}</b><br>%{{text}}<extra></extra>",
        unselected=dict(marker=dict(opacity=1)),
        cliponaxis=False,
    )
