r"""Online convex problems on x ∈ [−1, 1]: where Adam fails to converge and AMSGrad does not.

Reddi, Kale & Kumar 2018, "On the Convergence of Adam and Beyond" (ICLR), §3 and §5. At step
t = 1, 2, … the learner plays x_t, then sees the linear loss f_t(x) = a_t·x with

    a_t = B    on a rare step,    a_t = −S    otherwise,

and steps with the gradient a_t, projected back onto [−1, 1]:

    x_{t+1} = Π_{[−1,1]}(x_t + s(t)·u_t),   u_t = optimizer.update(a_t)   (u carries −η),
    s(t) = t^(−p):  p = 0 a constant rate α,  p = ½ the rate α/√t of the paper's theorems.

(In one dimension Reddi's weighted projection Π_{F,√V̂} is the same clipping.) The rare steps are
t mod P = 1 (`period` P), or, for the stochastic version, steps drawn with probability q. When
the mean gradient m̄ = (B − (P−1)S)/P (or qB − (1−q)S) is positive the best fixed point is
x* = −1; Adam with β₁ < √β₂ still drifts to +1, because one large gradient B every P steps is
forgotten by v_t = β₂v_{t−1} + (1−β₂)a_t² before the next one arrives, so the P−1 small steps
towards +1 outweigh the big step back. AMSGrad keeps ṽ_t = max(ṽ_{t−1}, v_t), never forgets B and
goes to −1. The average regret against x* = −sign(m̄) is

    R_T / T = (1/T) Σ_{t=1}^{T} (f_t(x_t) − f_t(x*)) = (1/T) Σ a_t (x_t − x*),

summed in float32 with Kahan's compensation, so 10⁶ steps keep their digits.

The paper's settings: §3, B = C > 2, S = 1, P = 3, β₁ = 0, β₂ = 1/(1 + C²); §5, B = 1010, S = 10,
P = 101 (online) or q = 0.01 (stochastic), β₁ = 0.9, β₂ = 0.99, α/√t.

optax counts its steps from 0; the sequence here counts from t = 1. The catalogue's
"amsgrad_reddi" is the paper's AMSGrad (the maximum of the raw v_t); its "amsgrad", optax's
default, keeps the maximum of the bias-corrected v̂_t = v_t/(1 − β₂ᵗ), which the first large
gradient dominates while 1 − β₂ᵗ is small.

One kernel per (optimizer keys, number of recorded points); the hyperparameters, the problem,
the choice of rate, the start, the seed and the number of steps are traced, so no slider
recompiles. Only x_t and R_t/t at a few hundred recorded steps leave the kernel; the steps
between two records run in a `lax.fori_loop` inside a `lax.scan` over the records. Each
optimizer gets its own loop: XLA's CPU backend fuses a small loop body into one kernel, and four
small loops ran 6× faster than one loop stepping all four. The rare steps of the stochastic
version come from a counter-based integer hash of (seed, t), which fuses too; `jax.random`
inside the loop cost 5× the whole step.
"""

import functools
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from optimizers.catalog import CATALOG, filled_hyperparams

__all__ = [
    "ONLINE",
    "REDDI",
    "STOCHASTIC",
    "OnlineProblem",
    "OnlineRun",
    "record_steps",
    "run_online",
]

MAX_STEPS = 10_000_000
RECORDED = 400
_GOLDEN = np.uint32(0x9E3779B9)


@dataclass(frozen=True)
class OnlineProblem:
    """f_t(x) = a_t·x: a_t = `big` on rare steps, −`small` otherwise.

    Rare steps are t mod `period` = 1, or, when `probability` > 0, each step independently with
    that probability (the stochastic version, drawn from the run's seed).
    """

    big: float = 3.0
    small: float = 1.0
    period: int = 3
    probability: float = 0.0

    def __post_init__(self):
        if not (np.isfinite(self.big) and np.isfinite(self.small)):
            raise ValueError("The gradients of the online problem must be finite.")
        if self.period < 2:
            raise ValueError("The period must be at least 2 steps.")
        if not 0.0 <= self.probability < 1.0:
            raise ValueError("The probability of a rare step must lie in [0, 1).")

    def mean_gradient(self) -> float:
        """m̄: the average of a_t over a period, or its expectation in the stochastic version."""
        if self.probability > 0:
            return self.probability * self.big - (1 - self.probability) * self.small
        return (self.big - (self.period - 1) * self.small) / self.period

    def best_point(self) -> float:
        """x* = −sign(m̄), the fixed point that minimises Σ f_t in the long run."""
        return -float(np.sign(self.mean_gradient()))


REDDI = OnlineProblem(big=3.0, small=1.0, period=3)
ONLINE = OnlineProblem(big=1010.0, small=10.0, period=101)
STOCHASTIC = OnlineProblem(big=1010.0, small=10.0, period=101, probability=0.01)


@dataclass(frozen=True)
class OnlineRun:
    """Arrays indexed [optimizer, record]: x_t and R_t/t at the recorded steps t (1-based).

    `steps` ends with T, so `average_regret[:, -1]` is R_T/T. `diverged_at[opt]` is the first
    step whose update was not finite (−1 if none); x stays where it was from then on.
    """

    steps: np.ndarray
    x: np.ndarray
    average_regret: np.ndarray
    x_star: float
    diverged_at: np.ndarray


def record_steps(steps: int, count: int = RECORDED, spacing: str = "log") -> np.ndarray:
    """At most `count` distinct steps in 1…`steps`, log- or evenly spaced, always 1 and `steps`."""
    if spacing not in ("log", "linear"):
        raise ValueError("Record steps on a 'log' or 'linear' spacing.")
    space = np.geomspace if spacing == "log" else np.linspace
    return np.unique(np.round(space(1, steps, count)).astype(np.int64))


def _hash32(x):
    """Wellons' lowbias32 integer hash of uint32 x: uniform bits for a counter."""
    x = (x ^ (x >> 16)) * jnp.uint32(0x7FEB352D)
    x = (x ^ (x >> 15)) * jnp.uint32(0x846CA68B)
    return x ^ (x >> 16)


def _kahan(total, compensation, value):
    y = value - compensation
    new_total = total + y
    return new_total, (new_total - total) - y


@functools.lru_cache(maxsize=32)
def _kernel(optimizer_keys: tuple[str, ...], recorded: int):
    specs = [CATALOG[key] for key in optimizer_keys]

    def play(optimizer, problem, inverse_sqrt, start, seed, records):
        big, small, period, probability, x_star = problem
        stream = _hash32(seed)
        threshold = (probability * 2.0**32).astype(jnp.uint32)

        def step(t, carry):
            x, state, phase, regret, compensation, diverged_at = carry
            drawn = _hash32(stream + t.astype(jnp.uint32) * _GOLDEN) < threshold
            a = jnp.where(jnp.where(probability > 0, drawn, phase == 1), big, -small)
            regret, compensation = _kahan(regret, compensation, a * (x - x_star))
            scale = jnp.where(inverse_sqrt, jax.lax.rsqrt(t.astype(jnp.float32)), 1.0)
            update, state = optimizer.update(a, state, x)
            candidate = jnp.clip(x + scale * update, -1.0, 1.0)
            alive = diverged_at < 0
            keep = alive & jnp.isfinite(candidate)
            return (
                jnp.where(keep, candidate, x),
                state,
                jnp.where(phase + 1 == period, 0, phase + 1),
                regret,
                compensation,
                jnp.where(alive & ~keep, t, diverged_at),
            )

        def segment(carry, end):
            carry, t = carry
            carry = jax.lax.fori_loop(t, end, step, carry)
            played = carry[0]
            carry = jax.lax.fori_loop(jnp.maximum(t, end), end + 1, step, carry)
            average = (carry[3] - carry[4]) / end.astype(jnp.float32)
            return (carry, jnp.maximum(t, end + 1)), (played, average)

        zero = jnp.float32(0)
        init = (start, optimizer.init(start), jnp.int32(1), zero, zero, jnp.int32(-1))
        (carry, _), (xs, regrets) = jax.lax.scan(segment, (init, jnp.int32(1)), records)
        return xs, regrets, carry[-1]

    def kernel(hyperparams, problem, inverse_sqrt, start, seed, records):
        runs = [
            play(spec.build(**hp), problem, inverse_sqrt, start, seed, records)
            for spec, hp in zip(specs, hyperparams, strict=True)
        ]
        return tuple(jnp.stack(arrays) for arrays in zip(*runs, strict=True))

    return jax.jit(kernel)


def _hyperparams(optimizers) -> tuple[dict, ...]:
    """Each optimizer's full set of hyperparameters as float32, defaults filled in."""
    return tuple(filled_hyperparams(key, hp) for key, hp in optimizers)


def run_online(
    problem: OnlineProblem,
    optimizers: tuple[tuple[str, dict], ...],
    steps: int,
    *,
    inverse_sqrt: bool = False,
    start: float = 0.0,
    seed: int = 0,
    spacing: str = "log",
    count: int = RECORDED,
) -> OnlineRun:
    """Play `steps` rounds of `problem` with every optimizer at once, in one compiled call.

    Args:
      problem: the sequence of losses f_t(x) = a_t·x.
      optimizers: (key, hyperparameters) pairs of `optimizers.CATALOG`; missing
        hyperparameters take the record's defaults.
      steps: T, 1 … `MAX_STEPS`.
      inverse_sqrt: the rate α/√t instead of the constant α.
      start: x_1 ∈ [−1, 1].
      seed: draws the rare steps of a stochastic problem.
      spacing: "log" or "linear" spacing of the (at most `count`) recorded steps.

    References:
      Reddi, Kale & Kumar 2018, "On the Convergence of Adam and Beyond", ICLR.
    """
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"Play between 1 and {MAX_STEPS:,} steps.")
    if not -1.0 <= start <= 1.0:
        raise ValueError("The start x₁ must lie in [−1, 1].")
    hyperparams = _hyperparams(optimizers)
    recorded = record_steps(steps, count, spacing)
    padded = np.full(count, steps, dtype=np.int32)
    padded[: recorded.size] = recorded
    x_star = problem.best_point()
    traced_problem = (
        np.float32(problem.big),
        np.float32(problem.small),
        np.int32(problem.period),
        np.float32(problem.probability),
        np.float32(x_star),
    )
    kernel = _kernel(tuple(key for key, _ in optimizers), count)
    x, regret, diverged_at = kernel(
        hyperparams,
        traced_problem,
        np.bool_(inverse_sqrt),
        np.float32(start),
        np.uint32(seed),
        padded,
    )
    size = recorded.size
    return OnlineRun(
        steps=recorded,
        x=np.asarray(x)[:, :size],
        average_regret=np.asarray(regret)[:, :size],
        x_star=x_star,
        diverged_at=np.asarray(diverged_at),
    )
