r"""SWATS: start with Adam, switch to SGD once Adam's steps reveal an SGD rate.

Keskar & Socher 2017, "Improving Generalization Performance by Switching from Adam to SGD",
Algorithm 1. At step k = 1, 2, … with g_k = ∇f(w_{k−1}), in the Adam phase:

    p_k = Adam's step (optax's `adam`, the −η included),   w_k = w_{k−1} + p_k,
    γ_k = p_kᵀp_k / (−p_kᵀg_k)      the rate at which SGD along g_k would take the same
                                    projected step,
    λ_k = β₂ λ_{k−1} + (1 − β₂) γ_k,   λ_0 = 0   (skipped, like γ_k, when p_kᵀg_k = 0),
    switch when k > 1 and |λ_k/(1 − β₂ᵏ) − γ_k| < ε, with Λ = λ_k/(1 − β₂ᵏ).

From step k + 1 on, as in the paper, SGD with momentum β₁ and rate (1 − β₁)Λ from a zero
velocity: v_k = β₁v_{k−1} + g_k, w_k = w_{k−1} − (1 − β₁)Λ v_k (the catalogue's "momentum",
optax's `sgd(momentum=β₁)`). The factor 1 − β₁ makes the long-run step on a constant gradient
Λ·g, the rate the estimate was made for.

The criterion is absolute: on a 2-D landscape, where γ_k barely changes over the first steps,
a large ε switches at k = 2. One jitted kernel per (landscape, steps); every hyperparameter
and the start are traced arrays. A run diverges like the 2-D engine's (a point or loss not
finite, or more than `DIVERGENCE_SPANS` domain widths from the centre) and stays frozen.
"""

import functools
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

import landscapes
from optimizers.catalog import CATALOG
from optimizers.simulate import DIVERGENCE_SPANS

__all__ = ["SwatsRun", "run_swats"]

MAX_STEPS = 100_000


@dataclass(frozen=True)
class SwatsRun:
    """One run: `points[k]` is w_k (w_0 the start), `loss[k]` = f(w_k).

    `gamma[k − 1]` and `estimate[k − 1]` are γ_k and λ_k/(1 − β₂ᵏ); both keep their last Adam
    value after the switch. `switch_step` is the k that met the criterion (−1 if none), so SGD
    takes steps k + 1, …; `sgd_rate` is Λ (0 if none); `diverged_at` as in the 2-D engine.
    """

    points: np.ndarray
    loss: np.ndarray
    gamma: np.ndarray
    estimate: np.ndarray
    switch_step: int
    sgd_rate: float
    diverged_at: int


@functools.lru_cache(maxsize=16)
def _kernel(land, steps: int):
    value_and_grad = jax.value_and_grad(land.fn)
    (x0, x1), (y0, y1) = land.domain
    centre = jnp.array([(x0 + x1) / 2, (y0 + y1) / 2], jnp.float32)
    radius = DIVERGENCE_SPANS * max(x1 - x0, y1 - y0)

    def kernel(hp, switch_eps, start):
        adam = CATALOG["adam"].build(**hp)
        momentum = CATALOG["momentum"].build(learning_rate=1.0, momentum=hp["b1"])
        b2 = hp["b2"]

        def step(carry, k):
            w, adam_state, sgd_state, lam, gamma, estimate, rate, switched, diverged = carry
            _, g = value_and_grad(w)
            in_sgd = switched >= 0
            p, new_adam_state = adam.update(g, adam_state, w)
            v_step, new_sgd_state = momentum.update(g, sgd_state, w)
            projection = -jnp.dot(p, g)
            measured = ~in_sgd & (projection != 0)
            new_gamma = jnp.where(
                measured, jnp.dot(p, p) / jnp.where(measured, projection, 1), gamma
            )
            new_lam = jnp.where(measured, b2 * lam + (1 - b2) * new_gamma, lam)
            new_estimate = jnp.where(
                measured, new_lam / (1 - b2 ** k.astype(jnp.float32)), estimate
            )
            switch = measured & (k > 1) & (jnp.abs(new_estimate - new_gamma) < switch_eps)
            w_new = jnp.where(in_sgd, w + (1 - hp["b1"]) * rate * v_step, w + p)
            loss_new, grad_new = value_and_grad(w_new)
            ok = (jnp.max(jnp.abs(w_new - centre)) <= radius) & jnp.isfinite(
                loss_new + jnp.sum(grad_new)
            )
            alive = diverged < 0
            keep = alive & ok
            carry = (
                jnp.where(keep, w_new, w),
                new_adam_state,
                jax.tree.map(functools.partial(jnp.where, in_sgd), new_sgd_state, sgd_state),
                new_lam,
                new_gamma,
                new_estimate,
                jnp.where(switch, new_estimate, rate),
                jnp.where(switch, k, switched),
                jnp.where(alive & ~ok, k, diverged),
            )
            return carry, (carry[0], new_gamma, new_estimate)

        zero = jnp.float32(0)
        init = (
            start,
            adam.init(start),
            momentum.init(start),
            zero,
            zero,
            zero,
            zero,
            jnp.int32(-1),
            jnp.int32(-1),
        )
        carry, (points, gamma, estimate) = jax.lax.scan(
            step, init, jnp.arange(1, steps + 1, dtype=jnp.int32)
        )
        points = jnp.concatenate([start[None], points])
        return points, jax.vmap(land.fn)(points), gamma, estimate, carry[6], carry[7], carry[8]

    return jax.jit(kernel)


def run_swats(
    landscape: str,
    start: tuple[float, float],
    steps: int,
    *,
    learning_rate: float = 0.1,
    b1: float = 0.9,
    b2: float = 0.999,
    eps: float = 1e-8,
    switch_eps: float = 1e-3,
) -> SwatsRun:
    """Run SWATS on a 2-D landscape from `start` for `steps` steps.

    Args:
      landscape: a key `landscapes.lookup` knows.
      learning_rate, b1, b2, eps: Adam's hyperparameters (b1 is also SGD's momentum).
      switch_eps: ε of the switching test |λ_k/(1 − β₂ᵏ) − γ_k| < ε.

    References:
      Keskar & Socher 2017, "Improving Generalization Performance by Switching from Adam to
      SGD", arXiv:1712.07628.
    """
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"Run between 1 and {MAX_STEPS:,} steps.")
    values = [learning_rate, b1, b2, eps, switch_eps, *start]
    if not all(np.isfinite(v) for v in values):
        raise ValueError("Every SWATS setting and the start must be finite.")
    hp = {
        "learning_rate": np.float32(learning_rate),
        "b1": np.float32(b1),
        "b2": np.float32(b2),
        "eps": np.float32(eps),
    }
    outputs = _kernel(landscapes.lookup(landscape), steps)(
        hp, np.float32(switch_eps), np.asarray(start, np.float32)
    )
    points, loss, gamma, estimate, rate, switched, diverged = (np.asarray(a) for a in outputs)
    return SwatsRun(
        points=points,
        loss=loss,
        gamma=gamma,
        estimate=estimate,
        switch_step=int(switched),
        sgd_rate=float(rate),
        diverged_at=int(diverged),
    )
