"""The loss-landscape page's state and its one computation: `LandscapeConfig` → `Landscape`.

A `LandscapeConfig` is the training of the network page (a `TrainConfig`) plus how to look at
the result: which plane, how far, how fine, which random directions, which stretch of the line
from θ₀ to θ_final. `trainings(config)` trains (cached) and `sliced(config, histories)` slices;
everything they return is NumPy, ready for `viz.loss_landscape` (`ui.landscape_pictures`).

Views (`view=`):

- random: around each trained θ, the plane θ + a d₁ + b d₂ of two filter-normalized Gaussian
  directions (Li et al. 2018), a, b ∈ [−span, span] in filter-normalized units.
- pca: each run's path on its own principal plane through θ_final (`pca_directions`).
- shared: every run's path on the plane through θ₀ and the end points of the first and the
  last run (`shared_plane`), so optimizers compare on one picture.

In the plane views the window is the square around the projected paths, `span` times their
extent (plus a margin), since the plane's units are parameter norms, not filter-normalized.

Query format: the `TrainConfig` keys, and
    view=random  span=1.0  grid=31  dir=0  alpha=-0.5,1.5  skips=0
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import jax
import numpy as np
import streamlit as st

from networks import datasets
from networks.landscape import (
    Plane,
    Roughness,
    Slice1D,
    Slice2D,
    basin_width,
    pca_directions,
    plane_losses,
    random_direction,
    roughness,
    shared_plane,
    slice_1d,
    slice_2d,
)
from networks.mlp import ACTIVATIONS, INITIALIZERS, MAX_DEPTH, NORMS, NetConfig
from networks.train import MAX_RUNS, History, Run, TrainConfig, train
from networks.train import QUERY_KEYS as TRAIN_KEYS
from optimizers import CATALOG as OPTIMIZERS
from optimizers.run_config import finite_float, last_value, reject_unknown, whole_number
from ui import controls, headings, network_controls
from ui.network_controls import batch_options, growth_control
from ui.unseen import lazy_expander

VIEWS = {
    "random": "random directions (filter-normalized)",
    "pca": "the PCA plane of each path",
    "shared": "one plane through θ₀ and two runs' ends",
}
SPAN_RANGE = (0.05, 5.0)
GRID_RANGE = (11, 51)
ALPHA_RANGE = (-2.0, 3.0)
LINE_POINTS = 201
LINE_RANGE = (-1.0, 1.0)  # α along d₁: the span of Li et al.'s plots, whatever the slices'
SURFACE_SPAN = 1.0  # the 3-D surfaces' span: Li et al.'s window, whatever the slices'
PLANE_MARGIN = 1.25
MAX_SLICE_WORK = 4 * 10**11
OWN_KEYS = frozenset({"view", "span", "grid", "dir", "alpha", "skips"})
QUERY_KEYS = TRAIN_KEYS | OWN_KEYS


@dataclass(frozen=True)
class LandscapeConfig:
    """A training and how to look at its landscape; validated, hashable, and its link.

    `skips`: train the network twice, without and with residual connections (the net's own
    `residual` is then ignored), and show both side by side."""

    train: TrainConfig = field(default_factory=TrainConfig)
    view: str = "random"
    span: float = 1.0
    n: int = 31
    seed: int = 0
    alpha: tuple[float, float] = (-0.5, 1.5)
    skips: bool = False

    def __post_init__(self):
        if not isinstance(self.train, TrainConfig):
            raise ValueError("The training must be a TrainConfig.")
        if self.view not in VIEWS:
            raise ValueError(f"Unknown view {self.view!r}. Choose one of: {', '.join(VIEWS)}.")
        span = finite_float(self.span, "The span")
        if not SPAN_RANGE[0] <= span <= SPAN_RANGE[1]:
            raise ValueError(f"The span must be in [{SPAN_RANGE[0]:g}, {SPAN_RANGE[1]:g}].")
        n = whole_number(self.n, "The grid size", *GRID_RANGE)
        if n % 2 == 0:
            raise ValueError(f"The grid size must be odd (so θ is a grid point), not {n}.")
        if not isinstance(self.alpha, tuple | list) or len(self.alpha) != 2:
            raise ValueError("The interpolation range is two numbers, α from and to.")
        lo, hi = (finite_float(a, "The interpolation range") for a in self.alpha)
        if not ALPHA_RANGE[0] <= lo <= 0 and 1 <= hi <= ALPHA_RANGE[1]:
            raise ValueError(
                f"The interpolation range must contain [0, 1] and lie within "
                f"[{ALPHA_RANGE[0]:g}, {ALPHA_RANGE[1]:g}], not [{lo:g}, {hi:g}]."
            )
        if self.view == "shared" and (len(self.train.runs) < 2 or self.skips):
            raise ValueError(
                "The shared plane needs two or more runs of one network (and no skip comparison)."
            )
        set_ = object.__setattr__
        set_(self, "span", span)
        set_(self, "n", n)
        set_(self, "seed", whole_number(self.seed, "The direction seed", 0, 2**30 - 1))
        set_(self, "alpha", (lo, hi))
        set_(self, "skips", bool(self.skips))
        if self.slice_work > MAX_SLICE_WORK:
            raise ValueError(
                "These slices are too large for a live picture: take a coarser grid, fewer "
                "runs or points, or a smaller network."
            )

    def replace(self, **changes) -> "LandscapeConfig":
        return replace(self, **changes)

    @property
    def nets(self) -> tuple[NetConfig, ...]:
        net = self.train.net
        return (net.replace(residual=False), net.replace(residual=True)) if self.skips else (net,)

    @property
    def slice_work(self) -> int:
        """Multiply-adds of the slices, roughly: P per point per grid point, per picture."""
        pictures = 1 if self.view == "shared" else len(self.nets) * len(self.train.runs)
        size = self.train.net.parameter_count(2, self.train.classes)
        return pictures * self.n**2 * self.train.n * size

    def to_query(self) -> dict[str, str]:
        return self.train.to_query() | {
            "view": self.view,
            "span": repr(self.span),
            "grid": str(self.n),
            "dir": str(self.seed),
            "alpha": f"{self.alpha[0]!r},{self.alpha[1]!r}",
            "skips": str(int(self.skips)),
        }

    @classmethod
    def from_query(cls, query: Mapping[str, object]) -> "LandscapeConfig":
        """The config a link describes, or a ValueError a user can read."""
        reject_unknown(query, QUERY_KEYS)
        text = {key: last_value(value) for key, value in query.items()}
        default = cls()
        alpha = text.get("alpha", "{},{}".format(*default.alpha)).split(",")
        if len(alpha) != 2:
            raise ValueError(f"alpha= is two numbers like -0.5,1.5, not {text['alpha'][:40]!r}.")
        skips = text.get("skips", "0")
        if skips not in ("0", "1"):
            raise ValueError(f"skips= is 0 or 1, not {skips[:40]!r}.")
        return cls(
            train=TrainConfig.from_query({k: v for k, v in text.items() if k not in OWN_KEYS}),
            view=text.get("view", default.view),
            span=text.get("span", default.span),
            n=text.get("grid", default.n),
            seed=text.get("dir", default.seed),
            alpha=tuple(alpha),
            skips=skips == "1",
        )


class Path(NamedTuple):
    """One run's checkpoints seen on a plane: `steps` [k], `coords` [k, 2], `off_plane` [k]
    (share of ‖θᵢ − origin‖ off the plane), `loss` [k] the training loss the run had there,
    `on_plane` [k] the loss at its projection (what the contours show under it)."""

    name: str
    optimizer: str
    steps: np.ndarray
    coords: np.ndarray
    off_plane: np.ndarray
    loss: np.ndarray
    on_plane: np.ndarray


class Picture(NamedTuple):
    """One 2-D slice: its `name`, the grid, roughness of train and validation loss, the paths
    drawn on it (none in the random view) and the marks: θ (random), or θ₀ and the ends."""

    name: str
    grid: Slice2D
    train: Roughness
    val: Roughness
    paths: tuple[Path, ...]
    explained: np.ndarray | None


class Line(NamedTuple):
    """One network's 1-D views: `random` along d₁ through θ_final (α in LINE_RANGE) with its
    basin `width` (training loss below 2× its value at θ), and `segment` from θ₀ (α = 0) to
    θ_final (α = 1) over the config's range."""

    name: str
    optimizer: str
    random: Slice1D
    width: float
    segment: Slice1D


class Landscape(NamedTuple):
    histories: tuple[History, ...]
    pictures: tuple[Picture, ...]
    lines: tuple[Line, ...]


def run_names(config: TrainConfig) -> list[str]:
    """Each run by its symbols: optimizer, η and B (a number when two would read the same)."""
    names = [
        f"{OPTIMIZERS[r.optimizer].name}, η={r.hyperparams['learning_rate']:g}, B={r.batch_size}"
        for r in config.runs
    ]
    return [f"{n} ({i + 1})" if names.count(n) > 1 else n for i, n in enumerate(names)]


def model_names(config: LandscapeConfig) -> list[tuple[str, int, int]]:
    """(name, net index, run index) of every trained network the page shows."""
    runs = run_names(config.train)
    if not config.skips:
        return [(name, 0, r) for r, name in enumerate(runs)]
    kinds = ("without skips", "with skips")
    return [
        (kind if len(runs) == 1 else f"{kind}: {name}", k, r)
        for k, kind in enumerate(kinds)
        for r, name in enumerate(runs)
    ]


def _at(tree, r: int):
    return jax.tree.map(lambda a: a[r], tree)


def _window(paths: list[np.ndarray], span: float) -> tuple[tuple[float, float], float]:
    """Centre and half-width of the square around all path coordinates, times span."""
    points = np.concatenate(paths)
    lo, hi = points.min(axis=0), points.max(axis=0)
    half = max(float(np.max(hi - lo)) / 2, 1e-6) * PLANE_MARGIN * span
    centre = (lo + hi) / 2
    return (float(centre[0]), float(centre[1])), half


def _plane_picture(config, net, history, data, origin, directions, runs, explained, name, stats):
    unravel = history.unravel
    d1, d2 = unravel(directions[0]), unravel(directions[1])
    theta = unravel(origin.astype(np.float32))
    projections = [(r, Plane(origin, directions).project(history.snapshots[r])) for r in runs]
    centre, half = _window([p.coords for _, p in projections], config.span)
    grid = slice_2d(net, theta, d1, d2, data, half, config.n, stats, centre)
    names = run_names(config.train)
    paths = []
    for r, projection in projections:
        on_plane = plane_losses(net, theta, d1, d2, projection.coords, data, stats)
        steps = history.checkpoint_steps
        paths.append(
            Path(
                names[r],
                config.train.runs[r].optimizer,
                steps,
                projection.coords,
                projection.off_plane,
                history.train_loss[r, steps],
                on_plane.train_loss,
            )
        )
    losses = grid.losses
    return Picture(
        name,
        grid,
        roughness(losses.train_loss),
        roughness(losses.val_loss),
        tuple(paths),
        explained,
    )


def trainings(config: LandscapeConfig, report: Callable[[str], Any]) -> tuple[History, ...]:
    """Each network of the config trained (cached: `trained`); `report(what)` before each."""
    histories = []
    for k, net in enumerate(config.nets):
        report(f"Training {len(config.train.runs)} run(s) of the {net.depth}-layer net ({k + 1})")
        histories.append(trained(config.train.replace(net=net)))
    return tuple(histories)


def _trained(config: LandscapeConfig, histories: tuple[History, ...], k: int, r: int):
    """Run r of net k: its final θ, its batch-norm statistics, and d₁."""
    history = histories[k]
    theta = history.unravel(history.final_params[r])
    return theta, _at(history.final_stats, r), random_direction(theta, 2 * config.seed)


def sliced_lines(config: LandscapeConfig, histories: tuple[History, ...]) -> tuple[Line, ...]:
    """Each trained network's two lines (`Line`); they do not depend on the span, so the span
    slider leaves them (and their chart) as they are. Pure, as `sliced` is."""
    data = config.train.data()
    drawn = []
    for name, k, r in model_names(config):
        net, history = config.nets[k], histories[k]
        theta, stats, d1 = _trained(config, histories, k, r)
        theta0, stats0 = history.params_at(r, 0)
        tip = jax.tree.map(lambda p, d: p + d, theta, d1)
        random = slice_1d(net, theta, tip, data, LINE_RANGE, LINE_POINTS, stats)
        width = basin_width(random.alpha, random.losses.train_loss)
        segment = slice_1d(net, theta0, theta, data, config.alpha, LINE_POINTS, stats0, stats)
        drawn.append(Line(name, config.train.runs[r].optimizer, random, width, segment))
    return tuple(drawn)


def sliced(
    config: LandscapeConfig, histories: tuple[History, ...], lines: tuple[Line, ...]
) -> Landscape:
    """The trained networks (`trainings(config)`) sliced as the view asks, with their `lines`.
    Pure: no Streamlit call, so it can run ahead on a worker (`ui.landscape_pictures`)."""
    data = config.train.data()
    pictures = []
    for name, k, r in model_names(config):
        net, history = config.nets[k], histories[k]
        theta, stats, d1 = _trained(config, histories, k, r)
        if config.view == "random":
            d2 = random_direction(theta, 2 * config.seed + 1)
            grid = slice_2d(net, theta, d1, d2, data, config.span, config.n, stats)
            losses = grid.losses
            rough = roughness(losses.train_loss), roughness(losses.val_loss)
            pictures.append(Picture(name, grid, *rough, (), None))
        elif config.view == "pca":
            pca = pca_directions(history.snapshots[r], history.final_params[r])
            plane = pca.plane
            pictures.append(
                _plane_picture(
                    config,
                    net,
                    history,
                    data,
                    plane.origin,
                    plane.directions,
                    [r],
                    pca.explained,
                    name,
                    stats,
                )
            )
    if config.view == "shared":
        history = histories[0]
        last = len(config.train.runs) - 1
        plane = shared_plane(
            history.snapshots[0, 0], history.final_params[0], history.final_params[last]
        )
        pictures.append(
            _plane_picture(
                config,
                config.nets[0],
                history,
                data,
                plane.origin,
                plane.directions,
                range(len(config.train.runs)),
                None,
                "all runs",
                _at(history.final_stats, 0),
            )
        )
    return Landscape(tuple(histories), tuple(pictures), lines)


@st.cache_resource(max_entries=8, show_spinner=False, hash_funcs={TrainConfig: repr})
def trained(config: TrainConfig) -> History:
    """`train`, cached per training: a change of the view (span, grid, directions, α) slices
    the same networks again instead of training them again."""
    return train(config)


# --- the controls: `load` sets the widgets from a config, `read_controls` draws them ----------

POINTS = (100, 200, 300, 400, 800, 1000, 2000)
WIDTHS = (2, 4, 8, 16, 32, 64, 128)
GRIDS = (11, 21, 31, 41, 51)
ss = st.session_state


def load(config: LandscapeConfig) -> None:
    ss["land.view"], ss["land.span"], ss["land.grid"] = config.view, config.span, config.n
    ss["land.dir"], ss["land.alpha"], ss["land.skips"] = config.seed, config.alpha, config.skips
    network_controls.load(config.train, prefix="land.")


def _slice_controls(box) -> dict:
    box.selectbox("view", list(VIEWS), key="land.view", format_func=VIEWS.get)
    span_box = box.container()
    box.select_slider("grid points per axis", sorted({*GRIDS, ss["land.grid"]}), key="land.grid")
    box.number_input("direction seed", 0, 2**30 - 1, key="land.dir")
    box.slider("α from θ₀ (0) to θ (1)", *ALPHA_RANGE, key="land.alpha", step=0.1)
    box.toggle("compare without and with skip connections", key="land.skips")
    keys = ("view", "span", "n", "seed", "alpha", "skips")
    names = ("view", "span", "grid", "dir", "alpha", "skips")
    return {k: ss[f"land.{name}"] for k, name in zip(keys, names, strict=True)}, span_box


def span_slider(box) -> float:
    """The span, drawn by the page's fragment into the box `read_controls` left for it."""
    return box.slider(
        "span (a, b ∈ ±span; plane views: × the path's extent)",
        *SPAN_RANGE,
        key="land.span",
        step=0.05,
    )


def _net_controls(box) -> NetConfig:
    box.slider("hidden layers", 1, MAX_DEPTH, key="land.depth")
    box.select_slider("units per layer", sorted({*WIDTHS, ss["land.width"]}), key="land.width")
    left, right = box.columns(2)
    left.selectbox("activation", list(ACTIVATIONS), key="land.act")
    right.selectbox("initialization", list(INITIALIZERS), key="land.init")
    box.toggle("residual connections", key="land.res")
    box.selectbox("normalization", NORMS, key="land.norm")
    box.slider("init scale", 0.01, 3.0, key="land.gain", step=0.01)
    return NetConfig(
        ss["land.depth"],
        ss["land.width"],
        ss["land.act"],
        ss["land.init"],
        ss["land.res"],
        ss["land.norm"],
        ss["land.gain"],
    )


def _run_slot(box, i: int, n_train: int) -> Run:
    prefix = f"land.{i}."
    ss.setdefault(f"{prefix}opt", ("sgd", "momentum", "adam", "rmsprop")[i])
    settings = controls.optimizer_slot(box, prefix)
    schedule = controls.schedule_control(box, prefix)
    ss.setdefault(f"{prefix}batch", 32)
    ss[f"{prefix}batch"] = min(ss[f"{prefix}batch"], n_train)
    options = batch_options(n_train, ss[f"{prefix}batch"])
    batch = box.select_slider("batch size B", options, key=f"{prefix}batch")
    return Run(*settings, schedule, batch, growth_control(box, prefix))


def read_controls(sidebar):
    """Draw the sidebar's controls but the span (the box left for it is returned too); the
    config they describe with the span last set (a ValueError if it cannot run)."""
    headings.subheader("Landscape", sidebar)
    view, span_box = _slice_controls(sidebar)
    headings.subheader("Data", sidebar)
    sidebar.selectbox(
        "dataset",
        list(datasets.CATALOG),
        key="land.data",
        format_func=lambda k: datasets.CATALOG[k].name,
    )
    sidebar.select_slider("points", sorted({*POINTS, ss["land.n"]}), key="land.n")
    sidebar.slider("noise", 0.0, datasets.MAX_NOISE, key="land.noise", step=0.01)
    sidebar.number_input("data seed", 0, 2**31 - 1, key="land.dseed")
    headings.subheader("Network", sidebar)
    net = _net_controls(sidebar)
    headings.subheader("Runs, from one initialization", sidebar)
    sidebar.number_input("how many", 1, MAX_RUNS, key="land.runs")
    classes = datasets.CATALOG[ss["land.data"]].classes
    n_train, _ = datasets.split_sizes(ss["land.n"], classes)
    runs = tuple(
        _run_slot(lazy_expander(sidebar, f"Run {i + 1}", f"land.{i}.open", i == 0), i, n_train)
        for i in range(ss["land.runs"])
    )
    sidebar.slider("steps", 10, 2000, key="land.steps")
    sidebar.number_input("initialization seed", 0, 2**31 - 1, key="land.seed")
    training = TrainConfig(
        ss["land.data"],
        ss["land.n"],
        ss["land.noise"],
        ss["land.dseed"],
        net,
        runs,
        ss["land.steps"],
        ss["land.seed"],
    )
    return LandscapeConfig(training, **view), span_box
