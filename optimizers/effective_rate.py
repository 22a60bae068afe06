r"""What the adaptive methods do to the rate: AdaGrad's stall and Adam's hover near a minimum.

Effective rate. AdaGrad (Duchi, Hazan & Singer 2011) and RMSProp (Tieleman & Hinton 2012)
multiply each coordinate of the gradient by its own rate,

    AdaGrad:  η / √(G_t + ε),  G_t = G_{t−1} + g_t²  (G_0 = a)       optax's ScaleByRssState
    RMSProp:  η / √(v_t + ε),  v_t = ρ v_{t−1} + (1 − ρ) g_t²        optax's ScaleByRmsState,

read from the optax state inside the scan. G_t only grows, so AdaGrad's rate never rises again,
even on the floor of a ravine where the gradient has become small; RMSProp forgets gradients
older than about 1/(1 − ρ) steps, so its rate follows η/rms(g) of the recent steps and grows
back as the gradient shrinks.

Adam's hover. On f(x) = x² Adam with η = 0.1, β₁ = 0.9, β₂ = 0.99 does not settle at 0: near the
minimum m̂_t/√v̂_t is a ratio of averages of g, which does not shrink as g → 0, so the steps stay
a fraction of η and x keeps oscillating around 0 at |x| ≈ 10⁻² (Bock & Weiß 2019,
"Non-convergence and limit cycles in the Adam optimizer", ICANN: limit cycles of period 2 near a
minimum).

Both run optax transforms of the catalogue in `lax.scan`, hyperparameters and starts traced.
"""

import functools
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
import optax

import landscapes
from optimizers.catalog import CATALOG, filled_hyperparams
from optimizers.simulate import DIVERGENCE_SPANS

__all__ = ["ACCUMULATORS", "AdamHover", "EffectiveRates", "adam_hover", "effective_rates"]

ACCUMULATORS = {"adagrad": "sum_of_squares", "rmsprop": "nu"}
MAX_STEPS = 100_000


@dataclass(frozen=True)
class EffectiveRates:
    """[optimizer, step, …]: `points[:, 0]` is the start; `rates[:, t]` = η/√(s_t + ε) per
    coordinate, s_t the accumulator after step t + 1's gradient; both frozen after divergence."""

    points: np.ndarray
    rates: np.ndarray
    diverged_at: np.ndarray


@dataclass(frozen=True)
class AdamHover:
    """Adam on f(x) = x²: `x[t]` for t = 0 … T (x[0] the start)."""

    x: np.ndarray

    def last(self, count: int) -> tuple[np.ndarray, np.ndarray]:
        """The steps t and points x_t of the last `count` steps."""
        steps = np.arange(self.x.size)[-count:]
        return steps, self.x[-count:]


def _hyperparams(key: str, hp: dict) -> dict:
    if key not in ACCUMULATORS:
        raise ValueError(f"Effective rates are read for {', '.join(ACCUMULATORS)}, not {key!r}.")
    return filled_hyperparams(key, hp)


@functools.lru_cache(maxsize=16)
def _rates_kernel(land, optimizer_keys: tuple[str, ...], steps: int):
    grad = jax.grad(land.fn)
    (x0, x1), (y0, y1) = land.domain
    centre = jnp.array([(x0 + x1) / 2, (y0 + y1) / 2], jnp.float32)
    radius = DIVERGENCE_SPANS * max(x1 - x0, y1 - y0)

    def run(key, hp, start):
        optimizer = CATALOG[key].build(**hp)

        def step(carry, t):
            x, state, rate, diverged_at = carry
            update, new_state = optimizer.update(grad(x), state, x)
            accumulator = optax.tree.get(new_state, ACCUMULATORS[key])
            new_rate = hp["learning_rate"] * jax.lax.rsqrt(accumulator + hp["eps"])
            x_new = x + update
            ok = jnp.all(jnp.isfinite(new_rate)) & (jnp.max(jnp.abs(x_new - centre)) <= radius)
            keep = (diverged_at < 0) & ok
            carry = (
                jnp.where(keep, x_new, x),
                new_state,
                jnp.where(keep, new_rate, rate),
                jnp.where((diverged_at < 0) & ~ok, t, diverged_at),
            )
            return carry, (carry[0], carry[2])

        init = (start, optimizer.init(start), jnp.zeros(2, jnp.float32), jnp.int32(-1))
        carry, (points, rates) = jax.lax.scan(step, init, jnp.arange(1, steps + 1))
        return jnp.concatenate([start[None], points]), rates, carry[3]

    def kernel(hyperparams, start):
        runs = [run(k, hp, start) for k, hp in zip(optimizer_keys, hyperparams, strict=True)]
        return tuple(jnp.stack(arrays) for arrays in zip(*runs, strict=True))

    return jax.jit(kernel)


def effective_rates(
    optimizers: tuple[tuple[str, dict], ...] = (("adagrad", {}), ("rmsprop", {})),
    steps: int = 500,
    *,
    landscape: str = "ravine",
    start: tuple[float, float] | None = None,
) -> EffectiveRates:
    """Run AdaGrad and/or RMSProp on a landscape and read their per-coordinate rates.

    Args:
      optimizers: (key, hyperparameters) pairs, keys among `ACCUMULATORS`.
      steps: 1 … `MAX_STEPS`.
      landscape: a key `landscapes.lookup` knows; the ravine x²/20 + y² by default.
      start: the landscape's default start when None.

    References:
      Duchi, Hazan & Singer 2011, "Adaptive Subgradient Methods for Online Learning and
      Stochastic Optimization", JMLR; Tieleman & Hinton 2012, Lecture 6.5 of "Neural Networks
      for Machine Learning".
    """
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"Run between 1 and {MAX_STEPS:,} steps.")
    land = landscapes.lookup(landscape)
    hyperparams = tuple(_hyperparams(key, hp) for key, hp in optimizers)
    point = np.asarray(land.default_start if start is None else start, np.float32)
    kernel = _rates_kernel(land, tuple(key for key, _ in optimizers), steps)
    points, rates, diverged_at = (np.asarray(a) for a in kernel(hyperparams, point))
    return EffectiveRates(points, rates, diverged_at)


@functools.lru_cache(maxsize=8)
def _hover_kernel(steps: int):
    grad = jax.grad(lambda x: x**2)

    def kernel(hp, start):
        optimizer = CATALOG["adam"].build(**hp)

        def step(carry, _):
            x, state = carry
            update, state = optimizer.update(grad(x), state, x)
            return (x + update, state), x + update

        _, xs = jax.lax.scan(step, (start, optimizer.init(start)), length=steps)
        return jnp.concatenate([start[None], xs])

    return jax.jit(kernel)


def adam_hover(
    steps: int = 3000,
    *,
    learning_rate: float = 0.1,
    b1: float = 0.9,
    b2: float = 0.99,
    eps: float = 1e-8,
    start: float = 1.0,
) -> AdamHover:
    """Adam (the catalogue's optax.adam) on f(x) = x² from `start`, `steps` steps.

    References:
      Bock & Weiß 2019, "Non-convergence and Limit Cycles in the Adam Optimizer", ICANN.
    """
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"Run between 1 and {MAX_STEPS:,} steps.")
    values = (learning_rate, b1, b2, eps, start)
    if not all(np.isfinite(v) for v in values):
        raise ValueError("Every Adam setting and the start must be finite.")
    hp = {"learning_rate": learning_rate, "b1": b1, "b2": b2, "eps": eps}
    x = _hover_kernel(steps)({k: np.float32(v) for k, v in hp.items()}, np.float32(start))
    return AdamHover(np.asarray(x))
