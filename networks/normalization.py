r"""Normalization as pure functions: batch, layer and group norm, and input normalization in 2-D.

Batch normalization (Ioffe & Szegedy 2015), per channel c, over the batch (and H, W):

    μ_B = mean of x over N (, H, W),   σ²_B = mean of (x − μ_B)²    (the biased variance)
    x̂ = (x − μ_B) / √(σ²_B + ε),      y = γ x̂ + β

in training mode. Running averages follow every training batch with momentum m,

    r ← m r + (1 − m) s,   so after k batches   r_k = m^k r₀ + (1 − m) Σ_{i<k} m^{k−1−i} s_i,

and inference uses them in place of μ_B and σ²_B: y = γ (x − r_μ)/√(r_σ² + ε) + β, one fixed
affine map per channel, the same for every batch. (Ioffe & Szegedy average the unbiased
B/(B − 1) σ²_B for inference; like `networks.mlp` we average σ²_B itself, so at B = 2 the
inference variance is half the true one: one more reason why small batches train and infer
differently.)

The other normalizations of an [N, C, H, W] block differ only in the axes they average over,
each with γ and β per channel (as in Wu & He 2018):

    batch   (Ioffe & Szegedy 2015): over N, H, W — one μ, σ² per channel, shared by the batch;
    layer   (Ba et al. 2016):       over C, H, W — one per example, so no batch dependence;
    instance (Ulyanov et al. 2016): over H, W    — one per example and channel;
    group   (Wu & He 2018):         over C/G channels of a group and H, W — one per example and
                                    group; G = 1 is layer norm, G = C instance norm.

On an MLP's [N, C] array (no H, W) batch norm averages each unit over the batch, layer norm each
example over its units.

Input normalization on the 2-D engine: gradient descent on f(x) = ½ (x − x*)ᵀ H (x − x*) moves
fast along large eigenvalues of H and slowly along small ones; its speed is set by the condition
number κ = λ_max/λ_min. Changing the coordinates x = P x' gives the Hessian H' = Pᵀ H P:

- the ravine x²/20 + y² (H = diag(1/10, 2), κ = 20) rescaled by x' = x/√20 is x'² + y², the
  round bowl (H' = 2 I, κ = 1) — standardizing a feature;
- a quadratic ½ wᵀ Σ w with correlated Σ (the loss of a linear model whose inputs have
  covariance Σ = U Λ Uᵀ) whitened by PCA: inputs x̃ = Λ^{−1/2} Uᵀ x make the weights
  w' = Λ^{1/2} Uᵀ w and the loss ½ |w'|² (H' = I, κ = 1).

References:
    Ioffe & Szegedy 2015, "Batch normalization: accelerating deep network training by reducing
    internal covariate shift". Ba, Kiros & Hinton 2016, "Layer normalization". Ulyanov, Vedaldi &
    Lempitsky 2016, "Instance normalization". Wu & He 2018, "Group normalization". LeCun, Bottou,
    Orr & Müller 1998, "Efficient BackProp" (input standardization and whitening).
"""

import functools
import math
from dataclasses import dataclass
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

import landscapes
from landscapes.expression import formula_key
from optimizers.simulate import RunConfig, Trajectory, simulate

EPS = 1e-5
KINDS = ("batch", "layer", "instance", "group")
MAX_BATCH = 1024
MAX_FEATURES = 256
MAX_TRIALS = 1024
MAX_STEPS = 1000
MISMATCH_BATCH_SIZES = (2, 4, 8, 16, 32, 64, 128, 256)


def _channel(value, x):
    """γ or β (a scalar or one value per channel) shaped to broadcast over x [N, C, …]."""
    value = jnp.asarray(value, x.dtype)
    return value.reshape(value.shape + (1,) * (x.ndim - 2)) if value.ndim else value


def reduced_axes(kind: str, ndim: int) -> tuple[int, ...]:
    """The axes of an [N, C, …] array that `kind` averages over (group: of the [N, G, C/G, …]
    reshape)."""
    spatial = tuple(range(2, ndim))
    axes = {
        "batch": (0, *spatial),
        "layer": (1, *spatial),
        "instance": spatial,
        "group": tuple(range(2, ndim + 1)),
    }
    if kind not in axes:
        raise ValueError(f"Unknown normalization {kind!r}. Choose one of: {', '.join(KINDS)}.")
    if kind == "instance" and not spatial:
        raise ValueError("Instance norm needs H and W: an [N, C] array has one value per mean.")
    return axes[kind]


class BatchNormStep(NamedTuple):
    """One batch-norm layer in training mode: μ_B, σ²_B [C]; x̂ and y shaped like x."""

    mean: jax.Array
    var: jax.Array
    x_hat: jax.Array
    y: jax.Array


def batch_norm(x, gamma=1.0, beta=0.0, eps: float = EPS) -> BatchNormStep:
    """Training mode on x [N, C] or [N, C, H, W]: μ_B, σ²_B over N (, H, W), x̂, y = γ x̂ + β."""
    x = jnp.asarray(x, jnp.float32)
    axes = reduced_axes("batch", x.ndim)
    mean = jnp.mean(x, axis=axes, keepdims=True)
    var = jnp.mean((x - mean) ** 2, axis=axes, keepdims=True)
    x_hat = (x - mean) / jnp.sqrt(var + eps)
    y = _channel(gamma, x) * x_hat + _channel(beta, x)
    return BatchNormStep(mean.reshape(-1), var.reshape(-1), x_hat, y)


def batch_norm_inference(x, mean, var, gamma=1.0, beta=0.0, eps: float = EPS):
    """Inference mode: y = γ (x − r_μ)/√(r_σ² + ε) + β with the running averages r_μ, r_σ² [C]."""
    x = jnp.asarray(x, jnp.float32)
    mean, var = _channel(mean, x), _channel(var, x)
    return _channel(gamma, x) * (x - mean) / jnp.sqrt(var + eps) + _channel(beta, x)


def running_averages(initial, batch_values, momentum: float):
    """r_0 = `initial`, r_{i+1} = m r_i + (1 − m) s_i for the batch statistics s_i stacked on
    the first axis of `batch_values` [k, …]: all k + 1 averages, [k + 1, …]."""

    def step(r, s):
        r = momentum * r + (1.0 - momentum) * s
        return r, r

    initial = jnp.asarray(initial, jnp.float32)
    _, after = jax.lax.scan(step, initial, jnp.asarray(batch_values, jnp.float32))
    return jnp.concatenate([initial[None], after])


def normalize(x, kind: str, gamma=1.0, beta=0.0, groups: int = 1, eps: float = EPS):
    """γ (x − μ)/√(σ² + ε) + β with μ, σ² over the axes of `kind` (see `reduced_axes`); x is
    [N, C] or [N, C, H, W]; `groups` G must divide C (group norm only)."""
    x = jnp.asarray(x, jnp.float32)
    axes = reduced_axes(kind, x.ndim)
    shaped = x
    if kind == "group":
        channels = x.shape[1]
        if not 1 <= groups <= channels or channels % groups:
            raise ValueError(f"The number of groups must divide the {channels} channels.")
        shaped = x.reshape(x.shape[0], groups, channels // groups, *x.shape[2:])
    mean = jnp.mean(shaped, axis=axes, keepdims=True)
    var = jnp.mean((shaped - mean) ** 2, axis=axes, keepdims=True)
    x_hat = ((shaped - mean) / jnp.sqrt(var + eps)).reshape(x.shape)
    return _channel(gamma, x) * x_hat + _channel(beta, x)


def shared_statistics(kind: str, shape: tuple[int, ...], index: tuple[int, ...], groups: int = 1):
    """Which elements of an [N, C, …] block share one μ and σ² with the element at `index`
    under `kind` (a boolean array of `shape`): the shaded cells of Wu & He's figure 2."""
    reduced_axes(kind, len(shape))  # refuses an unknown kind, or instance norm on [N, C]
    coords = np.indices(shape)
    same = np.ones(shape, bool)
    if kind in ("layer", "instance", "group"):
        same &= coords[0] == index[0]
    if kind in ("batch", "instance"):
        same &= coords[1] == index[1]
    if kind == "group":
        size = shape[1] // groups
        same &= coords[1] // size == index[1] // size
    return same


class Mismatch(NamedTuple):
    """Per batch size B (`batch_sizes` [K]), over `trials` fresh batches after training:
    `mean_spread` / `var_spread` the standard deviation of μ_B / σ²_B, `mismatch` the root mean
    square of y_train − y_inference over the batch's examples, `running_mean` / `running_var`
    where the running averages ended (averaged over the features)."""

    batch_sizes: np.ndarray
    mean_spread: np.ndarray
    var_spread: np.ndarray
    mismatch: np.ndarray
    running_mean: np.ndarray
    running_var: np.ndarray


@functools.lru_cache(maxsize=8)
def _mismatch_kernel(batch_sizes: tuple[int, ...], features: int, steps: int, trials: int):
    """All sizes at once: size B is the first B rows of one draw of the largest size, so the
    sizes are a mask and one vmap, and the kernel's size does not grow with their number."""
    sizes = jnp.array(batch_sizes, jnp.float32)
    largest = max(batch_sizes)

    def moments(x, mask, count):
        """μ_B, σ²_B over the first `count` rows of x [largest, features] (`mask` marks them)."""
        mean = jnp.sum(mask * x, axis=0) / count
        return mean, jnp.sum(mask * (x - mean) ** 2, axis=0) / count

    def one_size(count, train_pool, test_pool, momentum):
        mask = (jnp.arange(largest) < count)[:, None]
        means, variances = jax.vmap(moments, (0, None, None))(train_pool, mask, count)
        mean = running_averages(jnp.zeros(features), means, momentum)[-1]
        var = running_averages(jnp.ones(features), variances, momentum)[-1]
        fresh_mean, fresh_var = jax.vmap(moments, (0, None, None))(test_pool, mask, count)
        trained = (test_pool - fresh_mean[:, None]) / jnp.sqrt(fresh_var[:, None] + EPS)
        flat = test_pool.reshape(-1, features)
        inferred = batch_norm_inference(flat, mean, var).reshape(test_pool.shape)
        gap = mask * (trained - inferred)
        return (
            jnp.mean(jnp.std(fresh_mean, axis=0)),
            jnp.mean(jnp.std(fresh_var, axis=0)),
            jnp.sqrt(jnp.sum(gap**2) / (trials * count * features)),
            jnp.mean(mean),
            jnp.mean(var),
        )

    def kernel(seed, shift, scale, momentum):
        k_train, k_test = jax.random.split(jax.random.key(seed))
        draw = lambda k, n: shift + scale * jax.random.normal(k, (n, largest, features))  # noqa: E731
        pools = draw(k_train, steps), draw(k_test, trials)
        return jax.vmap(one_size, (0, None, None, None))(sizes, *pools, momentum)

    return jax.jit(kernel)


def train_inference_mismatch(
    batch_sizes: tuple[int, ...] = MISMATCH_BATCH_SIZES,
    momentum: float = 0.9,
    shift: float = 3.0,
    scale: float = 2.0,
    features: int = 16,
    steps: int = 200,
    trials: int = 256,
    seed: int = 0,
) -> Mismatch:
    """How far batch norm's training output is from its inference output, per batch size.

    A layer's pre-activations x ~ N(shift, scale²) per feature. Training: `steps` batches of B
    move the running averages (from 0 and 1) with `momentum`. Then, on `trials` fresh batches,
    training mode (the batch's μ_B, σ²_B) is compared with inference mode (the running
    averages) on the same examples. Every size reads the first B examples of the same draws
    (common random numbers: the curves over B are smooth). μ_B has standard deviation
    scale/√B and σ²_B about scale² √(2/B): the smaller the batch, the more each example's
    output depends on which other examples share its batch, and the further training is from
    inference. One kernel per set of sizes; momentum, shift, scale and seed are traced.
    """
    sizes = tuple(int(b) for b in batch_sizes)
    if not sizes or any(not 2 <= b <= MAX_BATCH for b in sizes):
        raise ValueError(f"Batch sizes must be from 2 to {MAX_BATCH}.")
    if not 0.0 <= momentum < 1.0 or not math.isfinite(momentum):
        raise ValueError("The momentum must be in [0, 1).")
    if not (math.isfinite(shift) and math.isfinite(scale) and scale > 0):
        raise ValueError("The shift must be finite and the scale positive.")
    for name, value, hi in (
        ("features", features, MAX_FEATURES),
        ("steps", steps, MAX_STEPS),
        ("trials", trials, MAX_TRIALS),
    ):
        if not 1 <= value <= hi:
            raise ValueError(f"The number of {name} must be from 1 to {hi}.")
    kernel = _mismatch_kernel(sizes, features, steps, trials)
    columns = kernel(np.int32(seed), np.float32(shift), np.float32(scale), np.float32(momentum))
    return Mismatch(np.array(sizes), *(np.asarray(c) for c in columns))


@dataclass(frozen=True, eq=False)
class Reparametrization:
    """A quadratic landscape before and after a linear change of coordinates x' = `matrix` x.

    `before` and `after` are landscape keys for `optimizers.simulate` (`after` a typed formula
    whose domain is the image of `before`'s); `start_before`, `start_after` the same point in
    both coordinates; `hessian_before`, `hessian_after` measured with `jax.hessian` at the
    minimum, and their condition numbers λ_max/λ_min.
    """

    name: str
    before: str
    after: str
    matrix: np.ndarray
    start_before: tuple[float, float]
    start_after: tuple[float, float]
    hessian_before: np.ndarray
    hessian_after: np.ndarray
    condition_before: float
    condition_after: float


def condition_number(hessian) -> float:
    """λ_max/λ_min of a symmetric positive definite matrix (eigenvalues in float64)."""
    eigenvalues = np.linalg.eigvalsh(np.asarray(hessian, np.float64))
    return float(eigenvalues[-1] / eigenvalues[0])


def _hessian(key: str) -> np.ndarray:
    land = landscapes.lookup(key)
    (point, _), *_ = land.minima
    return np.asarray(jax.hessian(land.fn)(jnp.array(point, jnp.float32)), np.float64)


def _reparametrized(name, before, after_text, matrix, start) -> Reparametrization:
    land = landscapes.lookup(before)
    corners = np.array([(x, y) for x in land.domain[0] for y in land.domain[1]]) @ matrix.T
    domain = tuple(
        (float(lo), float(hi)) for lo, hi in zip(corners.min(0), corners.max(0), strict=True)
    )
    after = formula_key(after_text, domain)
    h_before, h_after = _hessian(before), _hessian(after)
    return Reparametrization(
        name=name,
        before=before,
        after=after,
        matrix=matrix,
        start_before=start,
        start_after=tuple(float(v) for v in matrix @ np.asarray(start)),
        hessian_before=h_before,
        hessian_after=h_after,
        condition_before=condition_number(h_before),
        condition_after=condition_number(h_after),
    )


@functools.cache
def rescaled_ravine() -> Reparametrization:
    """The ravine x²/20 + y² in x' = x/√20: f = x'² + y², the round bowl (κ 20 → 1)."""
    ravine = landscapes.lookup("ravine")
    matrix = np.diag([1.0 / math.sqrt(20.0), 1.0])
    return _reparametrized("rescaled ravine", "ravine", "x^2 + y^2", matrix, ravine.default_start)


def pca(covariance) -> tuple[np.ndarray, np.ndarray]:
    """(variances Λ ascending, components U as columns) with covariance = U diag(Λ) Uᵀ, each
    component's sign fixed so that its largest entry is positive."""
    variances, components = np.linalg.eigh(np.asarray(covariance, np.float64))
    signs = np.sign(components[np.argmax(np.abs(components), axis=0), range(len(variances))])
    return variances, components * signs


def whiten(points) -> np.ndarray:
    """PCA whitening of a point cloud [n, d]: x̃ = Λ^{−1/2} Uᵀ (x − μ), covariance I."""
    points = np.asarray(points, np.float64)
    centred = points - points.mean(axis=0)
    variances, components = pca(np.cov(centred, rowvar=False))
    return centred @ components / np.sqrt(variances)


@functools.cache
def correlated_quadratic(rho: float = 0.9) -> Reparametrization:
    """f(w) = ½ wᵀ Σ w with Σ = [[1, ρ], [ρ, 1]] (κ = (1 + ρ)/(1 − ρ)) on [−3, 3]², whitened by
    PCA: w' = Λ^{1/2} Uᵀ w gives ½ |w'|² (κ = 1)."""
    if not 0.0 < rho < 1.0:
        raise ValueError("The correlation ρ must be in (0, 1).")
    variances, components = pca([[1.0, rho], [rho, 1.0]])
    matrix = np.sqrt(variances)[:, None] * components.T
    before = formula_key(f"(x^2 + y^2)/2 + {rho!r}*x*y", ((-3.0, 3.0), (-3.0, 3.0)))
    return _reparametrized("whitened quadratic", before, "(x^2 + y^2)/2", matrix, (-2.5, 2.0))


def race(
    reparametrization: Reparametrization,
    learning_rate: float,
    steps: int = 100,
    optimizer: str = "sgd",
) -> tuple[Trajectory, Trajectory]:
    """The same optimizer and rate from the same point, before and after the change of
    coordinates: two `optimizers.simulate` runs."""
    r = reparametrization
    settings = ((optimizer, {"learning_rate": learning_rate}),)
    return tuple(
        simulate(RunConfig(key, settings, starts=(start,), steps=steps))
        for key, start in ((r.before, r.start_before), (r.after, r.start_after))
    )
