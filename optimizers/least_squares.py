r"""Wilson et al.'s least-squares construction: adaptive methods find a solution that generalises
worse than gradient descent's.

Wilson, Roelofs, Stern, Srebro & Recht 2017, "The Marginal Value of Adaptive Gradient Methods in
Machine Learning" (NeurIPS), Lemma 3.1 and §3.3. Labels y_i = ±1 with P(y = +1) = p > ½, and
d = 3 + 5n features per sample, all 0 except

    x_i1 = y_i,   x_i2 = x_i3 = 1,   x_ij = 1 for 4 + 5(i−1) ≤ j ≤ 4 + 5(i−1) + 2(1 − y_i),

so a sample with y = +1 has one feature of its own and a sample with y = −1 five. The loss is
L(w) = (1/2n)‖Xw − y‖² with n < d, so infinitely many w fit the data exactly. From w₀ = 0:

- gradient descent (and SGD, momentum: every step is a combination of rows of X) stays in the
  row space of X and reaches the minimum-norm solution w = X⁺y; it gives the first feature,
  the label itself, the largest weight and labels fresh points correctly;
- AdaGrad, RMSProp and Adam reach w = sign(Xᵀy)/c when X sign(Xᵀy) = c·y (Lemma 3.1): every
  gradient is a multiple of Xᵀy, so the diagonal preconditioner turns each step into a multiple
  of sign(Xᵀy). Here c = 4 when the data hold more positive than negative samples (then
  (Xᵀy)₂ = (Xᵀy)₃ = n₊ − n₋ > 0): w₁ = w₂ = w₃ = ¼, and a fresh point, whose own features
  are unseen, gets w₁y + w₂ + w₃ = ¼(y + 2) > 0: every fresh point is predicted +1.

Fresh test points are samples n+1, n+2, … of the same construction; their own features lie
beyond column d, so only (w₁, w₂ + w₃) decides their prediction, the plane the paths are drawn in.

The runs use the catalogue's optax transforms, all in one jitted kernel per (optimizer keys,
steps, n, number of test points); hyperparameters and the data are traced arrays. A run
diverges at step k when w_k or the loss is not finite or max |w_k| > `DIVERGENCE_BOUND`; w stays
frozen from there on.
"""

import functools
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from optimizers.catalog import CATALOG, filled_hyperparams

__all__ = ["LeastSquaresRun", "construction", "draw_labels", "run_least_squares"]

DIVERGENCE_BOUND = 1e6
MAX_SAMPLES = 200
MAX_STEPS = 100_000


def construction(labels) -> np.ndarray:
    """The n × (3 + 5n) design matrix X of the labels y ∈ {−1, +1}ⁿ (float64)."""
    y = np.asarray(labels)
    if y.ndim != 1 or y.size == 0 or not np.all(np.isin(y, (-1, 1))):
        raise ValueError("Labels must be a non-empty list of +1 and −1.")
    n = y.size
    x = np.zeros((n, 3 + 5 * n))
    x[:, 0] = y
    x[:, 1:3] = 1.0
    for i, label in enumerate(y):
        first = 3 + 5 * i
        x[i, first : first + (1 if label > 0 else 5)] = 1.0
    return x


def draw_labels(n: int, seed: int, p: float = 2 / 3) -> np.ndarray:
    """n labels, +1 with probability p, from NumPy's generator seeded with `seed`."""
    if not 0.0 <= p <= 1.0:
        raise ValueError("The probability of a positive label must lie in [0, 1].")
    return np.where(np.random.default_rng(seed).random(n) < p, 1, -1)


@dataclass(frozen=True)
class LeastSquaresRun:
    """Arrays indexed [optimizer, step, …], step 0 being w₀ = 0.

    `plane` is (w₁, w₂ + w₃); `test_predictions[opt, j]` the sign of fresh point j's score at the
    last step (0 for a tie); `test_error[opt, step]` the fraction of fresh points misclassified,
    ties counted as errors. `min_norm` is X⁺y in float64, `adaptive_limit` sign(Xᵀy)/c when
    X sign(Xᵀy) = c·y for some c > 0 (Lemma 3.1's solution; features no sample uses keep
    weight 0), otherwise None.
    """

    weights: np.ndarray
    plane: np.ndarray
    loss: np.ndarray
    test_predictions: np.ndarray
    test_error: np.ndarray
    diverged_at: np.ndarray
    labels: np.ndarray
    test_labels: np.ndarray
    min_norm: np.ndarray
    adaptive_limit: np.ndarray | None


def _adaptive_limit(x: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    signs = np.sign(x.T @ y)
    ratios = (x @ signs) / y
    if np.allclose(ratios, ratios[0]) and ratios[0] > 0:
        return signs / ratios[0]
    return None


@functools.lru_cache(maxsize=16)
def _kernel(optimizer_keys: tuple[str, ...], steps: int):
    specs = [CATALOG[key] for key in optimizer_keys]

    def run(spec, hp, x, y, x_test, y_test):
        optimizer = spec.build(**hp)
        loss_and_grad = jax.value_and_grad(lambda w: 0.5 * jnp.mean((x @ w - y) ** 2))
        w0 = jnp.zeros(x.shape[1], jnp.float32)

        def step(carry, t):
            w, state, diverged_at = carry
            _, gradient = loss_and_grad(w)
            update, new_state = optimizer.update(gradient, state, w)
            w_new = w + update
            ok = jnp.all(jnp.isfinite(w_new)) & (jnp.max(jnp.abs(w_new)) <= DIVERGENCE_BOUND)
            keep = (diverged_at < 0) & ok
            carry = (
                jnp.where(keep, w_new, w),
                jax.tree.map(functools.partial(jnp.where, keep), new_state, state),
                jnp.where((diverged_at < 0) & ~ok, t + 1, diverged_at),
            )
            return carry, carry[0]

        init = (w0, optimizer.init(w0), jnp.int32(-1))
        (_, _, diverged_at), path = jax.lax.scan(step, init, jnp.arange(steps, dtype=jnp.int32))
        path = jnp.concatenate([w0[None], path])
        loss = jax.vmap(lambda w: loss_and_grad(w)[0])(path)
        predictions = jnp.sign(path @ x_test.T)
        error = jnp.mean(predictions != y_test, axis=1)
        return path, loss, predictions[-1], error, diverged_at

    def kernel(hyperparams, x, y, x_test, y_test):
        runs = [
            run(spec, hp, x, y, x_test, y_test) for spec, hp in zip(specs, hyperparams, strict=True)
        ]
        return tuple(jnp.stack(arrays) for arrays in zip(*runs, strict=True))

    return jax.jit(kernel)


def _hyperparams(optimizers) -> tuple[dict, ...]:
    """Each optimizer's full set of hyperparameters as float32, defaults filled in."""
    return tuple(filled_hyperparams(key, hp) for key, hp in optimizers)


def run_least_squares(
    optimizers: tuple[tuple[str, dict], ...],
    labels,
    test_labels,
    steps: int,
) -> LeastSquaresRun:
    """Fit Wilson et al.'s data from w₀ = 0 with every optimizer, in one compiled call.

    Args:
      optimizers: (key, hyperparameters) pairs of `optimizers.CATALOG`; missing
        hyperparameters take the record's defaults.
      labels: the n training labels (±1), e.g. from `draw_labels`; d = 3 + 5n.
      test_labels: the labels of the fresh points that follow them in the construction.
      steps: full-batch steps, 1 … `MAX_STEPS`.

    References:
      Wilson, Roelofs, Stern, Srebro & Recht 2017, "The Marginal Value of Adaptive Gradient
      Methods in Machine Learning", NeurIPS, §3.3.
    """
    y = np.asarray(labels)
    y_test = np.asarray(test_labels)
    if not 1 <= y.size <= MAX_SAMPLES:
        raise ValueError(f"Use between 1 and {MAX_SAMPLES} training samples.")
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"Run between 1 and {MAX_STEPS:,} steps.")
    hyperparams = _hyperparams(optimizers)
    full = construction(np.concatenate([y, y_test]))
    d = 3 + 5 * y.size
    x, x_test = full[: y.size, :d], full[y.size :, :d]
    kernel = _kernel(tuple(key for key, _ in optimizers), steps)
    path, loss, predictions, error, diverged_at = (
        np.asarray(a)
        for a in kernel(
            hyperparams,
            x.astype(np.float32),
            y.astype(np.float32),
            x_test.astype(np.float32),
            y_test.astype(np.float32),
        )
    )
    plane = np.stack([path[..., 0], path[..., 1] + path[..., 2]], axis=-1)
    return LeastSquaresRun(
        weights=path,
        plane=plane,
        loss=loss,
        test_predictions=predictions.astype(np.int8),
        test_error=error,
        diverged_at=diverged_at,
        labels=y,
        test_labels=y_test,
        min_norm=np.linalg.pinv(x) @ y,
        adaptive_limit=_adaptive_limit(x, y.astype(np.float64)),
    )
