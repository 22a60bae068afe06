r"""Loss landscapes of a network: filter-normalized slices, interpolations, PCA and shared planes.

A network's loss L(θ) lives in P dimensions; a picture shows it on a line or a plane through θ:

    2-D slice:       f(a, b) = L(θ + a d₁ + b d₂)                 (Li et al. 2018)
    1-D segment:     g(α)    = L((1 − α) θ_a + α θ_b),  α ∈ [α₀, α₁] ⊇ [0, 1] allowed
                                                           (Goodfellow, Vinyals & Saxe 2015)

Random directions are *filter-normalized* (Li et al. 2018, §4): a Gaussian d is rescaled unit by
unit so that each output unit's incoming weights in d have the norm of the same unit's weights in
θ, d_{:,j} ← d_{:,j} ‖θ_{:,j}‖ / ‖d_{:,j}‖ for a kernel W of shape (in, out). A step a = 1 then
changes every unit by its own size, which removes the scale invariance that makes unnormalized
slices of different networks incomparable. Biases and normalization parameters (γ, β) get a zero
direction, as in Li et al.'s reference code.

Every point of a slice is a full evaluation of the network on the training and validation sets
(cross-entropy and accuracy; batch norm in inference mode with the running statistics given).
The grid points are evaluated by `jax.vmap` in chunks of at most `CHUNK`, one after the other in a
`jax.lax.map`, so memory grows with the chunk, not the grid. One kernel is compiled per network,
parameter structure, data shape and grid size (which fix the chunks' shapes: sizes are static in
XLA); the grid's centre, spans and the segment's range are traced values, so moving a span slider
recompiles nothing.

Paths are drawn on planes (flat parameter vectors, `jax.flatten_util.ravel_pytree`):

- `pca_directions`: the plane through θ_final spanned by the two principal directions of the
  differences θᵢ − θ_final along a run (Li et al. 2018, §7). Most of a path lies near it, not all:
  each snapshot's off-plane share ‖rᵢ‖ / ‖θᵢ − θ_final‖ says how far the projected path is from
  the real one, where it crosses contours that are not its loss.
- `shared_plane`: the plane through θ₀ and the end points of two runs from θ₀, so that several
  optimizers' paths are compared on one picture (a PCA plane belongs to one run).

Roughness of a slice (`roughness`): the number of strict local minima of the grid and the mean
total variation of log L along its grid lines. Width of a 1-D minimum (`basin_width`): the length
of the interval around a point where the loss stays below twice its value there.

References:
    Li, Xu, Taylor, Studer & Goldstein 2018, "Visualizing the Loss Landscape of Neural Nets"
    (NeurIPS).
    Goodfellow, Vinyals & Saxe 2015, "Qualitatively characterizing neural network optimization
    problems" (ICLR).
"""

import functools
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

from networks import mlp
from networks.datasets import Dataset
from networks.mlp import NetConfig

CHUNK = 256
LOG_FLOOR = 1e-8
COLLINEAR = 1e-6
ZERO_DIRECTION = frozenset({"b", "gamma", "beta"})

Params = Any
Stats = Any


def _leaf_name(path) -> str:
    return str(getattr(path[-1], "key", path[-1]))


@jax.jit
def _filter_normalized(params, key):
    leaves, treedef = jax.tree_util.tree_flatten_with_path(params)
    sizes = [theta.size for _, theta in leaves]
    # One draw for all leaves: a single random-bit kernel compiles faster than one per leaf.
    noise = jax.random.normal(key, (sum(sizes),), jnp.float32)
    offsets = np.cumsum([0, *sizes])
    directions = []
    for (path, theta), start, stop in zip(leaves, offsets[:-1], offsets[1:], strict=True):
        if _leaf_name(path) in ZERO_DIRECTION:
            directions.append(jnp.zeros_like(theta))
            continue
        d = noise[start:stop].reshape(theta.shape)
        # A kernel (…, in, out): one filter per output unit, its column along axis −2.
        d_norm = jnp.linalg.norm(d, axis=-2, keepdims=True)
        theta_norm = jnp.linalg.norm(theta, axis=-2, keepdims=True)
        directions.append(d * theta_norm / jnp.where(d_norm > 0, d_norm, 1.0))
    return jax.tree_util.tree_unflatten(treedef, directions)


def random_direction(params: Params, seed: int) -> Params:
    """A Gaussian direction d ~ N(0, I) shaped like `params`, filter-normalized (Li et al. 2018):

        d_{:,j} ← d_{:,j} · ‖θ_{:,j}‖ / ‖d_{:,j}‖

    for every kernel "w" of shape (in, out) (stacked kernels (blocks, in, out): per block), so each
    output unit j moves by its own size; biases "b" and normalization parameters "gamma", "beta"
    get d = 0. Two directions of one slice come from two seeds; the same seed gives the same d
    (drawn with XLA's RngBitGenerator, the "rbg" key, which compiles faster than threefry).

    Args:
        params: the parameter pytree of `mlp.init` (float32 leaves).
        seed: an integer; traced, so a new seed recompiles nothing.
    """
    params = jax.tree.map(lambda a: jnp.asarray(a, jnp.float32), params)
    return _filter_normalized(params, jax.random.key(np.uint32(seed), impl="rbg"))


class Losses(NamedTuple):
    """Evaluations at many points, every field of one shape: mean cross-entropy and accuracy on
    the training and validation sets."""

    train_loss: np.ndarray
    val_loss: np.ndarray
    train_accuracy: np.ndarray
    val_accuracy: np.ndarray


class Slice2D(NamedTuple):
    """f(a, b) = L(θ + a d₁ + b d₂) on the grid a × b: every field of `losses` is [len(b), len(a)],
    row i at b[i], column j at a[j] (a heatmap's z). With an odd n and centre (0, 0), θ is the
    middle point [n // 2, n // 2]."""

    a: np.ndarray
    b: np.ndarray
    losses: Losses


class Slice1D(NamedTuple):
    """g(α) = L((1 − α) θ_a + α θ_b) at the points `alpha`; every field of `losses` is [n]."""

    alpha: np.ndarray
    losses: Losses


def _evaluate(net: NetConfig, params, stats, x, y, is_train):
    """(train loss, val loss, train accuracy, val accuracy) of `params`, one pass over all the
    points; `is_train` marks the training points (a traced mask, not a split index)."""
    logits = mlp.apply(net, params, x, stats=stats).logits
    losses = optax.softmax_cross_entropy_with_integer_labels(logits, y)
    correct = (jnp.argmax(logits, axis=-1) == y).astype(jnp.float32)
    val = 1.0 - is_train
    mean = lambda v, w: jnp.sum(v * w) / jnp.maximum(jnp.sum(w), 1.0)  # noqa: E731
    return mean(losses, is_train), mean(losses, val), mean(correct, is_train), mean(correct, val)


def _chunked(one, points):
    """`one` vmapped over each chunk of points [chunks, chunk, …], the chunks in sequence."""
    return jax.lax.map(jax.vmap(one), points)


@functools.partial(jax.jit, static_argnames="net")
def _plane_kernel(net, origin, d1, d2, stats, coords, x, y, is_train):
    def one(ab):
        params = jax.tree.map(lambda t, u, v: t + ab[0] * u + ab[1] * v, origin, d1, d2)
        return _evaluate(net, params, stats, x, y, is_train)

    return _chunked(one, coords)


@functools.partial(jax.jit, static_argnames="net")
def _segment_kernel(net, theta_a, theta_b, stats_a, stats_b, alphas, x, y, is_train):
    def one(alpha):
        params = jax.tree.map(lambda p, q: (1 - alpha) * p + alpha * q, theta_a, theta_b)
        stats = jax.tree.map(_interpolated_statistic(alpha), stats_a, stats_b, is_leaf=_is_moment)
        return _evaluate(net, params, stats, x, y, is_train)

    return _chunked(one, alphas)


def _is_moment(node) -> bool:
    return isinstance(node, dict) and set(node) == {"mean", "var"}


def _interpolated_statistic(alpha):
    """Running statistics along a segment: means linearly, variances geometrically,
    σ²(α) = σ_a^{2(1 − α)} σ_b^{2α}, which equals both ends and stays positive beyond them."""

    def between(a, b):
        return {
            "mean": (1 - alpha) * a["mean"] + alpha * b["mean"],
            "var": jnp.exp((1 - alpha) * jnp.log(a["var"]) + alpha * jnp.log(b["var"])),
        }

    return between


def _float32(tree):
    return jax.tree.map(lambda a: jnp.asarray(a, jnp.float32), tree)


def _data(data: Dataset):
    x = np.concatenate([data.x_train, data.x_val]).astype(np.float32)
    y = np.concatenate([data.y_train, data.y_val]).astype(np.int32)
    is_train = np.concatenate([np.ones(len(data.y_train)), np.zeros(len(data.y_val))])
    return x, y, is_train.astype(np.float32)


def _checked_stats(net: NetConfig, stats: Stats) -> Stats:
    if net.norm == "batch" and net.depth and stats is None:
        raise ValueError(
            "A batch-norm network is evaluated with its running statistics: pass them."
        )
    return _float32(stats) if net.norm == "batch" else None


def _chunks(points: np.ndarray, chunk: int) -> np.ndarray:
    """points [m, …] as [chunks, size, …]: chunks = ⌈m / chunk⌉ of size = ⌈m / chunks⌉ ≤ `chunk`
    (so 41² = 1681 points go in 7 chunks of 241, not 256), the last padded with copies of the
    first point."""
    if not isinstance(chunk, int) or chunk < 1:
        raise ValueError(f"The chunk size must be a positive whole number, not {chunk!r}.")
    count = -(-len(points) // chunk)
    size = -(-len(points) // count)
    padding = np.repeat(points[:1], count * size - len(points), axis=0)
    return np.concatenate([points, padding]).reshape(count, size, *points.shape[1:])


def _unchunked(outputs, m: int, shape: tuple[int, ...]) -> Losses:
    return Losses(*(np.asarray(v).reshape(-1)[:m].reshape(shape) for v in outputs))


def plane_losses(
    net: NetConfig,
    origin: Params,
    d1: Params,
    d2: Params,
    coords,
    data: Dataset,
    stats: Stats = None,
    chunk: int = CHUNK,
) -> Losses:
    """L(θ + a d₁ + b d₂) at arbitrary plane coordinates `coords` [m, 2] (rows (a, b)), on the
    training and validation sets of `data`; each field of the result is [m].

    Evaluated in chunks of `chunk` points (vmapped within a chunk, chunks in sequence), so the
    memory is that of `chunk` networks at once. The coordinates' values are traced; the kernel
    compiles once per network, parameter structure, data shape, and number m of points (with
    `chunk`, m fixes the chunks' shapes).
    `stats`: the batch-norm running statistics (required for a batch-norm net, else ignored).
    """
    net = net.replace(init_scale=1.0)
    coords = np.asarray(coords, np.float32).reshape(-1, 2)
    x, y, is_train = _data(data)
    outputs = _plane_kernel(
        net,
        _float32(origin),
        _float32(d1),
        _float32(d2),
        _checked_stats(net, stats),
        _chunks(coords, chunk),
        x,
        y,
        is_train,
    )
    return _unchunked(outputs, len(coords), (len(coords),))


def _axis(centre: float, span: float, n: int) -> np.ndarray:
    return np.float32(centre) + np.float32(span) * np.linspace(-1.0, 1.0, n, dtype=np.float32)


def slice_2d(
    net: NetConfig,
    params: Params,
    d1: Params,
    d2: Params,
    data: Dataset,
    span: float | tuple[float, float] = 1.0,
    n: int = 41,
    stats: Stats = None,
    centre: tuple[float, float] = (0.0, 0.0),
    chunk: int = CHUNK,
) -> Slice2D:
    """The loss f(a, b) = L(θ + a d₁ + b d₂) on an n × n grid, a ∈ c_a + s_a [−1, 1],
    b ∈ c_b + s_b [−1, 1] (Li et al. 2018, §4–5), on the training and validation sets.

    Args:
        net: the architecture (its `init_scale` plays no part here).
        params: θ, the pytree of `mlp.init`; d1, d2: directions of the same structure (e.g. two
            `random_direction`s, or PCA / shared-plane directions through `unravel`).
        data: the dataset; both its training and validation points are evaluated.
        span: s, or (s_a, s_b); traced, as is `centre` (c_a, c_b): a span slider recompiles nothing.
        n: points per axis (odd puts θ itself on the grid when the centre is (0, 0)).
        stats: batch-norm running statistics, used at every grid point (inference mode).
        chunk: grid points evaluated at once (memory ∝ chunk; see `plane_losses`).
    """
    if not isinstance(n, int) or n < 2:
        raise ValueError(f"A slice needs at least 2 points per axis, not {n!r}.")
    span_a, span_b = (span, span) if np.ndim(span) == 0 else span
    a, b = _axis(centre[0], span_a, n), _axis(centre[1], span_b, n)
    grid = np.stack(np.meshgrid(a, b), axis=-1).reshape(-1, 2)
    losses = plane_losses(net, params, d1, d2, grid, data, stats, chunk)
    return Slice2D(a, b, Losses(*(v.reshape(n, n) for v in losses)))


def slice_1d(
    net: NetConfig,
    theta_a: Params,
    theta_b: Params,
    data: Dataset,
    alpha_range: tuple[float, float] = (-0.5, 1.5),
    n: int = 101,
    stats_a: Stats = None,
    stats_b: Stats = None,
    chunk: int = CHUNK,
) -> Slice1D:
    """The loss g(α) = L((1 − α) θ_a + α θ_b) at n points α evenly spaced over `alpha_range`
    (traced): the segment from θ_a (α = 0) to θ_b (α = 1), and beyond its ends when the range
    is wider (Goodfellow, Vinyals & Saxe 2015: from the initialization to the trained network the
    loss often falls monotonically, with no barrier).

    A random 1-D slice through θ along d is the same call with θ_a = θ, θ_b = θ + d, α ∈ [−s, s].

    Batch norm: the running statistics are interpolated too, means linearly and variances
    geometrically, σ²(α) = σ_a^{2(1−α)} σ_b^{2α}, so both ends are evaluated with their own
    statistics; `stats_b` defaults to `stats_a`.
    """
    if not isinstance(n, int) or n < 2:
        raise ValueError(f"A segment needs at least 2 points, not {n!r}.")
    net = net.replace(init_scale=1.0)
    lo, hi = alpha_range
    alphas = np.float32(lo) + (np.float32(hi) - np.float32(lo)) * np.linspace(
        0.0, 1.0, n, dtype=np.float32
    )
    stats_a = _checked_stats(net, stats_a)
    stats_b = stats_a if stats_b is None else _checked_stats(net, stats_b)
    x, y, is_train = _data(data)
    outputs = _segment_kernel(
        net,
        _float32(theta_a),
        _float32(theta_b),
        stats_a,
        stats_b,
        _chunks(alphas, chunk),
        x,
        y,
        is_train,
    )
    return Slice1D(alphas, _unchunked(outputs, n, (n,)))


def _flat(tree) -> np.ndarray:
    """θ as one float64 vector, in `ravel_pytree`'s order (the leaves in order, each C-raveled,
    so `History.unravel` and `ravel_pytree`'s inverse read it back)."""
    return np.concatenate([np.asarray(leaf, np.float64).ravel() for leaf in jax.tree.leaves(tree)])


def _flat_rows(path) -> np.ndarray:
    """A path as [k, P] float64: an array of flat vectors, or a sequence of pytrees."""
    if isinstance(path, np.ndarray | jax.Array):
        return np.asarray(path, np.float64).reshape(len(path), -1)
    return np.stack([_flat(point) for point in path])


class Projection(NamedTuple):
    """A path seen on a plane: `coords` [k, 2] of its points' projections, `residual` [k] the
    norm ‖rᵢ‖ of the part off the plane, `off_plane` [k] the share ‖rᵢ‖ / ‖θᵢ − origin‖ (0 at
    the origin itself)."""

    coords: np.ndarray
    residual: np.ndarray
    off_plane: np.ndarray


class Plane(NamedTuple):
    """The plane θ = origin + a e₁ + b e₂ in flat parameter space: `origin` [P], `directions`
    [2, P] orthonormal (float64). `unravel` (e.g. `History.unravel`) turns them into pytrees for
    `slice_2d`."""

    origin: np.ndarray
    directions: np.ndarray

    def project(self, path) -> Projection:
        """The orthogonal projection of each point θᵢ of `path` ([k, P] or a sequence of
        pytrees): (a, b) = E (θᵢ − origin), rᵢ = θᵢ − origin − Eᵀ(a, b)."""
        return _projection(_flat_rows(path) - self.origin, self.directions)


def _projection(offsets: np.ndarray, directions: np.ndarray) -> Projection:
    coords = offsets @ directions.T
    residual = np.linalg.norm(offsets - coords @ directions, axis=1)
    distance = np.linalg.norm(offsets, axis=1)
    share = np.divide(residual, distance, out=np.zeros_like(residual), where=distance > 0)
    return Projection(coords, residual, share)


class PCAPlane(NamedTuple):
    """`plane` through θ_final along the two principal directions; `explained` [2], the share of
    Σᵢ ‖θᵢ − θ_final‖² along each; `projection` of the snapshots onto the plane."""

    plane: Plane
    explained: np.ndarray
    projection: Projection


def pca_directions(snapshots, final) -> PCAPlane:
    """The principal plane of a run (Li et al. 2018, §7). With M the matrix of rows θᵢ − θ_final
    (k snapshots, flat, float64) and M = U Σ Vᵀ its SVD, the directions are the first two right
    singular vectors e₁, e₂; the explained variance ratio is σⱼ² / Σ σ². Each snapshot's
    coordinates are (e₁·(θᵢ − θ_final), e₂·(θᵢ − θ_final)) and its off-plane share the part of
    ‖θᵢ − θ_final‖ orthogonal to the plane.

    M is not centred: the plane is drawn through θ_final, so it is the plane through θ_final that
    minimizes Σᵢ ‖rᵢ‖², the off-plane residuals the picture hides (Li et al.'s code centres M with
    scikit-learn's PCA, fitting a plane through the mean instead). Signs are chosen so the first
    snapshot (θ₀) has non-negative coordinates.

    Args:
        snapshots: [k, P] flat vectors (`History.snapshots[run]`), or a sequence of pytrees.
        final: θ_final, flat [P] or a pytree (`History.final_params[run]`).
    """
    origin = _flat(final)
    offsets = _flat_rows(snapshots) - origin
    if offsets.shape[0] < 2:
        raise ValueError("A principal plane needs at least two snapshots.")
    _, sigma, vt = np.linalg.svd(offsets, full_matrices=False)
    # k, P ≥ 2: vt has at least two orthonormal rows, even when M has rank 0 or 1.
    signs = np.where(offsets[0] @ vt[:2].T < 0, -1.0, 1.0)
    plane = Plane(origin, vt[:2] * signs[:, None])
    total = np.sum(sigma**2)
    explained = sigma[:2] ** 2 / total if total > 0 else np.zeros(2)
    return PCAPlane(plane, explained, _projection(offsets, plane.directions))


def shared_plane(theta0, end_a, end_b) -> Plane:
    """The plane through θ₀ and two runs' end points θ_a, θ_b, so that several runs from θ₀ are
    drawn on one picture. Gram–Schmidt: e₁ = u / ‖u‖ with u = θ_a − θ₀, and e₂ = w / ‖w‖ with
    w = (θ_b − θ₀) − (e₁·(θ_b − θ₀)) e₁. θ₀ is at (0, 0), θ_a at (‖u‖, 0), θ_b at
    (e₁·(θ_b − θ₀), ‖w‖); every other path is projected with `Plane.project`.

    Raises ValueError when the three points are on one line (the angle between θ_a − θ₀ and
    θ_b − θ₀ has a sine below `COLLINEAR`), where no plane is defined.
    """
    origin = _flat(theta0)
    u, v = _flat(end_a) - origin, _flat(end_b) - origin
    length = np.linalg.norm(u)
    if length == 0:
        raise ValueError("The first run ends where it started: no plane is defined.")
    e1 = u / length
    w = v - (e1 @ v) * e1
    if np.linalg.norm(w) <= COLLINEAR * np.linalg.norm(v):
        raise ValueError("The two runs end on one line through the start: no plane is defined.")
    return Plane(origin, np.stack([e1, w / np.linalg.norm(w)]))


class Roughness(NamedTuple):
    """`local_minima`: grid points strictly below all 8 neighbours (interior points only: a point
    on the edge may just be where the window cuts a slope). `total_variation`: the mean over the
    2n grid lines (n rows, n columns) of Σ |Δ log L| along the line: about 2 · (log L at the rim
    − log L at the bottom) for a bowl, larger for every extra bump; a line's variation does not
    grow with n on a smooth surface."""

    local_minima: int
    total_variation: float


def roughness(loss: np.ndarray) -> Roughness:
    """The `Roughness` of a 2-D slice [n, n] (e.g. `slice_2d(...).losses.train_loss`); log L is
    taken of L floored at `LOG_FLOOR`."""
    z = np.asarray(loss, np.float64)
    if z.ndim != 2 or min(z.shape) < 3:
        raise ValueError("Roughness needs a 2-D grid of at least 3 × 3 points.")
    centre = z[1:-1, 1:-1]
    rows, cols = z.shape
    below = np.ones_like(centre, dtype=bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                below &= centre < z[1 + di : rows - 1 + di, 1 + dj : cols - 1 + dj]
    log_z = np.log(np.maximum(z, LOG_FLOOR))
    variation = np.abs(np.diff(log_z, axis=0)).sum() + np.abs(np.diff(log_z, axis=1)).sum()
    return Roughness(int(below.sum()), float(variation / (rows + cols)))


def basin_width(alpha: np.ndarray, loss: np.ndarray, at: float = 0.0, factor: float = 2.0):
    """The flatness of a 1-D slice at α = `at`: the length of the interval of α containing `at`
    on which L(α) < factor · L(at) (L(at) read at the grid point nearest `at`), its ends linearly
    interpolated between grid points. A sharp minimum (Keskar et al. 2017) gives a narrow basin,
    a flat one a wide basin; in filter-normalized units (Li et al. 2018, §6) widths of different
    networks compare. A basin that reaches an end of the grid is cut there (the width is then a
    lower bound).

    Args:
        alpha: increasing grid [n] (`Slice1D.alpha`); loss: L at those points [n].
    """
    alpha, loss = np.asarray(alpha, np.float64), np.asarray(loss, np.float64)
    i = int(np.argmin(np.abs(alpha - at)))
    level = factor * loss[i]
    inside = loss < level
    if not inside[i]:
        return 0.0

    def edge(step: int) -> float:
        j = i
        while 0 <= j + step < len(alpha) and inside[j + step]:
            j += step
        k = j + step
        if not 0 <= k < len(alpha):
            return alpha[j]
        t = (level - loss[j]) / (loss[k] - loss[j])
        return alpha[j] + t * (alpha[k] - alpha[j])

    return float(edge(1) - edge(-1))
