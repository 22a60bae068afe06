r"""Hyperparameter search on real runs: the response surface, grid vs random search, coarse to fine.

The objective is a real run of the engine: the optimizer of a `RunConfig` from its first start,
with two of its hyperparameters set to (a, b) and the others kept, scored by

    L(a, b) = f(x_T) − f*     ("final")   or   min_t f(x_t) − f*   ("best"),

f* the lowest listed minimum of the landscape (0 if it lists none), clipped at 0, and +∞ when the
run diverged. Every set of trials is one `sweep` call (vmap over settings): a 100 × 100 surface
of 10 000 runs takes tens of milliseconds warm, where 10 000 single runs take over a second
(`python -m benchmarks.search`).

Each searched hyperparameter is an `Axis`: a range and the scale on which it is sampled, i.e. a
map from the unit interval u ∈ [0, 1] to values. The learning rate is searched on a log scale,
r = log₁₀ η₀ + u (log₁₀ η₁ − log₁₀ η₀), η = 10^r (with η ∈ [10⁻⁴, 1] this is the course's
r = −4·rand(), η = 10^r), so every decade gets the same share of the trials; a decay rate β near 1
is searched through 1 − β on a log scale, β = 1 − 10^r, since the length of an exponential
average's memory is about 1/(1 − β) and 0.9 → 0.99 matters as much as 0.99 → 0.999. Grids and
random draws are made in unit coordinates and mapped through the axes.

Grid vs random (Bergstra & Bengio 2012, "Random Search for Hyper-Parameter Optimization",
JMLR 13): with a budget of n = k² trials a grid tries only k = √n distinct values of each
hyperparameter, random search tries n. When the loss depends mostly on one of them (low effective
dimension), the grid tries each of its k values of the one that matters k times over, and random
search's best is usually better, unless one of the grid's few values happens to be a good one.
Coarse to fine: after a round of random trials, sample the next round densely inside a box
around the best ones (Ng, Deep Learning Specialization, course 2: "hyperparameter tuning").
"""

import math
from dataclasses import dataclass, field, replace

import numpy as np

import landscapes
from optimizers.catalog import CATALOG as OPTIMIZERS
from optimizers.run_config import RunConfig
from optimizers.simulate import sweep

__all__ = [
    "KINDS",
    "SCALES",
    "SEARCHABLE",
    "STRATEGIES",
    "Axis",
    "Round",
    "SearchRace",
    "Surface",
    "best_so_far",
    "coarse_to_fine",
    "default_axis",
    "default_pair",
    "grid_points",
    "objective",
    "random_points",
    "sample_in_box",
    "search_race",
    "surface",
    "zoom_box",
]

SCALES = ("log", "log1m", "linear")
KINDS = ("final", "best")
STRATEGIES = ("grid", "random_log", "random_linear")

UNIT_BOX = ((0.0, 1.0), (0.0, 1.0))
MIN_ZOOM = 0.1
LOSS_FLOOR = 1e-12

Box = tuple[tuple[float, float], tuple[float, float]]

SEARCHABLE = tuple(key for key, spec in OPTIMIZERS.items() if len(spec.hyperparams) >= 2)
"""The optimizers with two hyperparameters to search: all but SGD."""


def default_pair(optimizer_key: str) -> tuple[str, str]:
    """The two hyperparameters searched by default: the records list the learning rate first
    and the one that shapes the steps most second."""
    first, second = OPTIMIZERS[optimizer_key].hyperparams[:2]
    return first.name, second.name


@dataclass(frozen=True)
class Axis:
    """One searched hyperparameter: its name, its range in value space, and the scale on which it
    is sampled and drawn, as a map from unit coordinates u ∈ [0, 1] to values:

    - log: v = 10^(log₁₀ low + u (log₁₀ high − log₁₀ low)), geometric in u;
    - log1m (decay rates β near 1): 1 − β log-uniform, β = 1 − 10^r with
      r = log₁₀(1 − low) + u (log₁₀(1 − high) − log₁₀(1 − low)), so β grows with u;
    - linear: v = low + u (high − low).
    """

    name: str
    low: float
    high: float
    scale: str
    symbol: str = field(default="", compare=False)
    words: str = field(default="", compare=False)

    def __post_init__(self):
        if self.scale not in SCALES:
            raise ValueError(f"Unknown scale {self.scale!r}. Choose one of: {', '.join(SCALES)}.")
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low < self.high):
            raise ValueError(f"{self.name}'s range must be finite with low < high.")
        if self.scale == "log" and self.low <= 0:
            raise ValueError(f"A log scale needs {self.name} > 0.")
        if self.scale == "log1m" and self.high >= 1:
            raise ValueError(f"A log scale of 1 − {self.name} needs {self.name} < 1.")

    def _ends(self) -> tuple[float, float]:
        """The range in the coordinate that is linear in u: log₁₀ v, log₁₀(1 − v) or v."""
        if self.scale == "log":
            return math.log10(self.low), math.log10(self.high)
        if self.scale == "log1m":
            return math.log10(1 - self.low), math.log10(1 - self.high)
        return self.low, self.high

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Values at unit coordinates u (clipped to [low, high] against rounding at the ends)."""
        a, b = self._ends()
        r = a + np.asarray(u, dtype=np.float64) * (b - a)
        if self.scale == "log":
            r = 10.0**r
        elif self.scale == "log1m":
            r = 1.0 - 10.0**r
        return np.clip(r, self.low, self.high)

    def to_unit(self, values: np.ndarray) -> np.ndarray:
        """Unit coordinates of values: the inverse of `from_unit` (outside [0, 1] for values
        outside the range)."""
        a, b = self._ends()
        r = np.asarray(values, dtype=np.float64)
        if self.scale == "log":
            r = np.log10(r)
        elif self.scale == "log1m":
            r = np.log10(1.0 - r)
        return (r - a) / (b - a)

    def with_scale(self, scale: str) -> "Axis":
        """The same hyperparameter and range on another scale (e.g. η sampled linearly)."""
        return replace(self, scale=scale)

    @property
    def label(self) -> str:
        """An axis title, e.g. "learning rate η (log scale)", "β₁ (1 − β₁ on a log scale)"."""
        symbol = self.symbol or self.name.replace("_", " ")
        title = f"{self.words} {symbol}".strip()
        if self.scale == "log":
            return f"{title} (log scale)"
        if self.scale == "log1m":
            return f"{title} (1 − {symbol} on a log scale)"
        return title


def default_axis(optimizer_key: str, name: str) -> Axis:
    """The axis a hyperparameter is searched on by default: its record's search range on its
    record's scale (a decay rate β as 1 − β on a log scale, a rate on a log scale)."""
    h = OPTIMIZERS[optimizer_key].hyperparam(name)
    low, high = h.search_range
    return Axis(name, low, high, h.scale, symbol=h.symbol, words=h.words)


@dataclass(frozen=True)
class Surface:
    """The objective on an n × n grid of cell centres, u = (i + ½)/n on each axis.

    `loss[j, i]` is L(xs[i], ys[j]) (rows along y, as a heatmap wants them), +∞ where the run
    diverged; `diverged[j, i]` says which.
    """

    x: Axis
    y: Axis
    xs: np.ndarray
    ys: np.ndarray
    loss: np.ndarray
    diverged: np.ndarray


def _optimum(config: RunConfig) -> float:
    """f*: the lowest listed minimum of the config's landscape, 0 if it lists none."""
    minima = landscapes.lookup(config.landscape).minima
    return min((f for _, f in minima), default=0.0)


def objective(
    config: RunConfig, x: Axis, y: Axis, points: np.ndarray, kind: str = "final"
) -> tuple[np.ndarray, np.ndarray]:
    """L at N settings in one `sweep` call: `points` (N, 2) holds (x value, y value) rows.

    Returns (loss, diverged), both (N,): loss = final or best loss − f*, clipped at 0, +∞ where
    the run diverged.
    """
    if kind not in KINDS:
        raise ValueError(f"The objective is one of {', '.join(KINDS)}, not {kind!r}.")
    if x.name == y.name:
        raise ValueError("Search two different hyperparameters.")
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    result = sweep(config, {x.name: points[:, 0], y.name: points[:, 1]})
    diverged = result.diverged_at >= 0
    reached = result.final_loss if kind == "final" else result.best_loss
    loss = np.maximum(reached.astype(np.float64) - _optimum(config), 0.0)
    return np.where(diverged, np.inf, loss), diverged


def _cell_centres(n: int) -> np.ndarray:
    return (np.arange(n) + 0.5) / n


def surface(config: RunConfig, x: Axis, y: Axis, n: int = 100, kind: str = "final") -> Surface:
    """The response surface: L on n × n cell centres, in one sweep of n² runs."""
    xs, ys = x.from_unit(_cell_centres(n)), y.from_unit(_cell_centres(n))
    gx, gy = np.meshgrid(xs, ys)
    loss, diverged = objective(config, x, y, np.column_stack([gx.ravel(), gy.ravel()]), kind)
    return Surface(x, y, xs, ys, loss.reshape(n, n), diverged.reshape(n, n))


def _side(n: int) -> int:
    k = math.isqrt(n)
    if n < 1 or k * k != n:
        raise ValueError(f"A grid of n trials needs n = k², not {n}.")
    return k


def grid_points(x: Axis, y: Axis, n: int) -> np.ndarray:
    """The k × k grid (n = k²) of cell centres u = (i + ½)/k on each axis's scale, as (n, 2)
    values: only k distinct values of each hyperparameter."""
    k = _side(n)
    gx, gy = np.meshgrid(x.from_unit(_cell_centres(k)), y.from_unit(_cell_centres(k)))
    return np.column_stack([gx.ravel(), gy.ravel()])


def random_points(x: Axis, y: Axis, n: int, rng: np.random.Generator) -> np.ndarray:
    """n trials (n, 2) drawn uniformly in the unit coordinates of the axes as given: log-uniform
    on a log axis; pass `x.with_scale("linear")` to draw η uniformly instead."""
    u = rng.random((n, 2))
    return np.column_stack([x.from_unit(u[:, 0]), y.from_unit(u[:, 1])])


def best_so_far(losses: np.ndarray) -> np.ndarray:
    """The best loss after k trials, for every k: the running minimum along the last axis."""
    return np.minimum.accumulate(np.asarray(losses), axis=-1)


@dataclass(frozen=True)
class SearchRace:
    """Best L found after k = 1 … n trials, per seed, for each strategy of `STRATEGIES`.

    `per_seed[strategy]` is (seeds, n). A diverged trial counts as `cap`, the worst of the
    loss at the start (a run that had not moved) and every finite trial of the race, so that
    averages are finite and a diverged trial never beats a finite one.

    The average over seeds is the geometric mean, 10^mean(log₁₀ max(L, 10⁻¹²)): L spans many
    decades, and an arithmetic mean would only measure the rare seeds whose trials all missed
    the good region (their L lies decades above the others'). Losses below 10⁻¹² count as
    10⁻¹², the minimum reached for every purpose here. `grid`, `random_log` and
    `random_linear` are these (n,) means, `grid_q`, `random_log_q` and `random_linear_q` the
    (2, n) bands between the 25 % and 75 % quantiles over seeds.
    """

    trials: np.ndarray
    per_seed: dict[str, np.ndarray]
    cap: float

    @property
    def seeds(self) -> int:
        return self.per_seed["grid"].shape[0]

    def geometric_mean(self, strategy: str) -> np.ndarray:
        """(n,) the geometric mean over seeds of the best L after k trials."""
        return 10.0 ** np.log10(np.maximum(self.per_seed[strategy], LOSS_FLOOR)).mean(axis=0)

    def quartiles(self, strategy: str) -> np.ndarray:
        """(2, n) the 25 % and 75 % quantiles over seeds of the best L after k trials."""
        return np.percentile(self.per_seed[strategy], [25, 75], axis=0)

    @property
    def grid(self) -> np.ndarray:
        return self.geometric_mean("grid")

    @property
    def random_log(self) -> np.ndarray:
        return self.geometric_mean("random_log")

    @property
    def random_linear(self) -> np.ndarray:
        return self.geometric_mean("random_linear")

    @property
    def grid_q(self) -> np.ndarray:
        return self.quartiles("grid")

    @property
    def random_log_q(self) -> np.ndarray:
        return self.quartiles("random_log")

    @property
    def random_linear_q(self) -> np.ndarray:
        return self.quartiles("random_linear")


def _linear_learning_rate(axis: Axis) -> Axis:
    return axis.with_scale("linear") if axis.name == "learning_rate" else axis


def search_race(
    config: RunConfig,
    x: Axis,
    y: Axis,
    n: int,
    seeds: int = 200,
    kind: str = "final",
    seed: int = 0,
) -> SearchRace:
    """Grid vs random search with the same budget n = k², over many seeds, in one sweep.

    grid: the k × k grid of `grid_points`, visited in a fresh random order per seed (the grid's
    losses do not depend on the seed, so best-after-k is an average over orders); random_log: n
    draws per seed on the axes' own scales; random_linear: the same with the learning-rate axis
    (if searched) drawn uniformly in η instead. n (1 + 2·seeds) runs in all.
    """
    rng = np.random.default_rng(seed)
    grid = grid_points(x, y, n)
    log_draws = random_points(x, y, seeds * n, rng)
    linear_draws = random_points(_linear_learning_rate(x), _linear_learning_rate(y), seeds * n, rng)
    loss, _ = objective(config, x, y, np.concatenate([grid, log_draws, linear_draws]), kind)
    land = landscapes.lookup(config.landscape)
    start_loss = float(land.fn(np.asarray(config.starts[0], dtype=np.float32))) - _optimum(config)
    finite = loss[np.isfinite(loss)]
    cap = max(start_loss, float(finite.max(initial=0.0)))
    loss = np.minimum(loss, cap)
    orders = np.argsort(rng.random((seeds, n)), axis=1)
    trials = {
        "grid": loss[:n][orders],
        "random_log": loss[n : n + seeds * n].reshape(seeds, n),
        "random_linear": loss[n + seeds * n :].reshape(seeds, n),
    }
    per_seed = {key: best_so_far(value) for key, value in trials.items()}
    return SearchRace(np.arange(1, n + 1), per_seed, cap)


def zoom_box(
    points_unit: np.ndarray,
    losses: np.ndarray,
    keep: int = 3,
    margin: float = 0.15,
    parent: Box = UNIT_BOX,
) -> Box:
    """The box, in unit coordinates ((u0, u1), (v0, v1)), for the next coarse-to-fine round.

    It spans the `keep` best finite trials, widened on each side by `margin` times the parent
    box's size (the box the last round sampled), is at least `MIN_ZOOM` of the parent's size
    wide, and is moved, not shrunk, to fit inside the unit square. With no finite trial it is the
    parent.
    """
    points_unit = np.asarray(points_unit, dtype=np.float64).reshape(-1, 2)
    losses = np.asarray(losses, dtype=np.float64)
    finite = np.flatnonzero(np.isfinite(losses))
    if finite.size == 0:
        return parent
    best = points_unit[finite[np.argsort(losses[finite], kind="stable")[:keep]]]
    sides = []
    for axis, (p0, p1) in enumerate(parent):
        size = p1 - p0
        lo, hi = best[:, axis].min() - margin * size, best[:, axis].max() + margin * size
        half = max(hi - lo, MIN_ZOOM * size) / 2
        if half >= 0.5:
            sides.append((0.0, 1.0))
            continue
        centre = min(max((lo + hi) / 2, half), 1.0 - half)
        sides.append((centre - half, centre + half))
    return sides[0], sides[1]


def sample_in_box(box: Box, n: int, rng: np.random.Generator) -> np.ndarray:
    """n points (n, 2) uniform in a box of unit coordinates."""
    (u0, u1), (v0, v1) = box
    u = rng.random((n, 2))
    return np.column_stack([u0 + u[:, 0] * (u1 - u0), v0 + u[:, 1] * (v1 - v0)])


@dataclass(frozen=True)
class Round:
    """One coarse-to-fine round: its box in unit coordinates, its trials (n, 2) as values, and
    their L and divergence."""

    box: Box
    points: np.ndarray
    loss: np.ndarray
    diverged: np.ndarray


def _checked_box(box: Box) -> Box:
    (u0, u1), (v0, v1) = box
    if not (0 <= u0 < u1 <= 1 and 0 <= v0 < v1 <= 1):
        raise ValueError("A zoom box must lie inside the unit square, with low < high.")
    return (float(u0), float(u1)), (float(v0), float(v1))


def coarse_to_fine(
    config: RunConfig,
    x: Axis,
    y: Axis,
    n: int,
    rounds: int,
    seed: int = 0,
    kind: str = "final",
    boxes: list[Box | None] | None = None,
) -> list[Round]:
    """`rounds` rounds of n random trials, one sweep each.

    Round 1 samples the whole unit square; round r + 1 samples `boxes[r − 1]` when given (e.g. a
    region the user dragged), else `zoom_box` of all trials so far with round r's box as parent.
    """
    boxes = list(boxes or [])
    if len(boxes) > rounds - 1:
        raise ValueError(f"{rounds} rounds take at most {rounds - 1} zoom boxes.")
    boxes += [None] * (rounds - 1 - len(boxes))
    rng = np.random.default_rng(seed)
    found: list[Round] = []
    seen = np.empty((0, 2))
    box = UNIT_BOX
    for r in range(rounds):
        if r > 0 and boxes[r - 1] is not None:
            box = _checked_box(boxes[r - 1])
        elif r > 0:
            box = zoom_box(seen, np.concatenate([t.loss for t in found]), parent=box)
        u = sample_in_box(box, n, rng)
        points = np.column_stack([x.from_unit(u[:, 0]), y.from_unit(u[:, 1])])
        loss, diverged = objective(config, x, y, points, kind)
        found.append(Round(box, points, loss, diverged))
        seen = np.concatenate([seen, u])
    return found
