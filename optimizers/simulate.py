r"""RunConfig → Trajectory: paths by `jax.jit` + `jax.lax.scan`, vmapped over starts.

One step of one optimizer from point x_t, with g_t = ∇f(x_t):

    g̃_t = clip(g_t + σ/√B · ξ_t),  ξ_t ~ N(0, I),   clip(g) = g · min(1, c/‖g‖)   (global norm)
    u_t = s(t) · optimizer.update(g̃_t)              (s the schedule; optax's updates carry −η)
    x_{t+1} = x_t + u_t

A run diverges at step k when x_k or f(x_k) is not finite, or x_k lies more than
`DIVERGENCE_SPANS` domain widths from the domain's centre; from then on the path stays frozen at
x_{k−1}, so no NaN or Inf ever leaves the engine.

Kernels are compiled once per structure (landscape, optimizer keys, schedule key, and the
number of steps rounded up to a bucket, `padded_size`) and cached in a bounded LRU;
hyperparameters, schedule parameters, starts, clipping, noise, seed and the number of steps
itself are traced arrays, so moving a slider never recompiles (the steps slider only within a
bucket: at most 1 in 8 steps is wasted). A run stops moving after its last step; the noise ξ_t of
step t is drawn from the seed and t alone, so it does not depend on the run's length.
"""

import functools
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

import landscapes
from optimizers.catalog import CATALOG as OPTIMIZERS
from optimizers.run_config import RunConfig, finite_float
from optimizers.schedules import CATALOG as SCHEDULES

__all__ = [
    "Endpoints",
    "RunConfig",
    "SweepResult",
    "Trajectory",
    "endpoints",
    "padded_size",
    "simulate",
    "sweep",
]

DIVERGENCE_SPANS = 10.0
KERNEL_CACHE_SIZE = 64
MAX_SWEEP = 100_000


@dataclass(frozen=True)
class Trajectory:
    """NumPy arrays indexed [optimizer, start, step, …]; step 0 of `points` is the start.

    `grads` is the true gradient ∇f(x_t); `applied_grads` the one the optimizer received after
    noise and clipping; `updates` the step actually taken, x_{t+1} − x_t. `lr[opt, t]` = η s(t).
    `diverged_at[opt, start]` is the first step k whose point was not finite or out of bounds
    (−1 if none); `points`, `loss` stay frozen from there on and `grads`, `updates` are 0.
    """

    points: np.ndarray
    loss: np.ndarray
    grads: np.ndarray
    applied_grads: np.ndarray
    updates: np.ndarray
    lr: np.ndarray
    diverged_at: np.ndarray


@dataclass(frozen=True)
class Endpoints:
    """Where each run ends, [optimizer, start, …]: the last finite point, its loss, divergence."""

    points: np.ndarray
    loss: np.ndarray
    diverged_at: np.ndarray


@dataclass(frozen=True)
class SweepResult:
    """One value per hyperparameter setting: final and best loss, first diverged step (−1)."""

    final_loss: np.ndarray
    best_loss: np.ndarray
    diverged_at: np.ndarray


def _inputs(config: RunConfig) -> dict:
    """The traced inputs of a kernel, as float32/int32 NumPy arrays (the steps are the
    structure's `_structure`, and `n_steps` says how many of them run)."""
    schedule_hp = config.schedule[1] if config.schedule else {}
    return {
        "hyperparams": tuple(
            {name: np.float32(value) for name, value in hp.items()} for _, hp in config.optimizers
        ),
        "schedule": {name: np.float32(value) for name, value in schedule_hp.items()},
        "starts": np.asarray(config.starts, dtype=np.float32),
        "clip": np.float32(np.inf if config.clip_norm is None else config.clip_norm),
        "noise": np.float32(config.gradient_noise) * np.asarray(config.noisy, dtype=np.float32),
        "seed": np.int32(config.seed),
        "n_steps": np.int32(config.steps),
    }


def _structure(config: RunConfig) -> tuple:
    schedule_key = config.schedule[0] if config.schedule else None
    keys = tuple(key for key, _ in config.optimizers)
    return landscapes.lookup(config.landscape), keys, schedule_key, padded_size(config.steps)


def _divergence_bound(land) -> tuple[jax.Array, float]:
    (x0, x1), (y0, y1) = land.domain
    centre = jnp.array([(x0 + x1) / 2, (y0 + y1) / 2], dtype=jnp.float32)
    return centre, DIVERGENCE_SPANS * max(x1 - x0, y1 - y0)


def _run(land, optimizer_key, schedule_key, steps, record):
    """A pure function running one optimizer from one start; `record` keeps every step."""
    spec = OPTIMIZERS[optimizer_key]
    value_and_grad = jax.value_and_grad(land.fn)
    hessian = jax.hessian(land.fn)
    centre, radius = _divergence_bound(land)

    def clipped(gradient, clip):
        return gradient * jnp.minimum(1.0, clip / jnp.linalg.norm(gradient))

    def run(hp, schedule_hp, start, clip, noise, key, n_steps):
        optimizer = spec.build(**hp)
        multiplier = SCHEDULES[schedule_key].build(**schedule_hp) if schedule_key else None
        loss0, grad0 = value_and_grad(start)
        ts = jnp.arange(steps, dtype=jnp.int32)
        xis = jax.vmap(lambda t: jax.random.normal(jax.random.fold_in(key, t), (2,)))(ts)

        def step(carry, inputs):
            t, xi = inputs
            x, state, loss, grad, diverged_at, best = carry
            alive = (diverged_at < 0) & (t < n_steps)
            extra = {"hessian": hessian(x)} if spec.uses_hessian else {}
            update, new_state = optimizer.update(
                clipped(grad + noise * xi, clip), state, x, **extra
            )
            if multiplier is not None:
                update = update * multiplier(t)
            x_new = x + update
            loss_new, grad_new = value_and_grad(x_new)
            ok = (jnp.max(jnp.abs(x_new - centre)) <= radius) & jnp.isfinite(
                loss_new + jnp.sum(grad_new)
            )
            keep = alive & ok
            frozen = lambda new, old: jnp.where(keep, new, old)  # noqa: E731
            carry = (
                frozen(x_new, x),
                jax.tree.map(frozen, new_state, state),
                frozen(loss_new, loss),
                frozen(grad_new, grad),
                jnp.where(alive & ~ok, t + 1, diverged_at),
                jnp.where(keep, jnp.minimum(best, loss_new), best),
            )
            return carry, (carry[0] if record else None)

        init = (start, optimizer.init(start), loss0, grad0, jnp.int32(-1), loss0)
        carry, points = jax.lax.scan(step, init, (ts, xis))
        final_point, _, final_loss, _, diverged_at, best_loss = carry
        if not record:
            return final_point, final_loss, best_loss, diverged_at
        # Everything but the points is recomputed after the scan, vectorised: recording it
        # inside the scan costs several times more on XLA's CPU backend.
        points = jnp.concatenate([start[None], points])
        loss, grads = jax.vmap(value_and_grad)(points)
        attempted = (diverged_at < 0) | (jnp.arange(steps) < diverged_at)
        grads = jnp.where(attempted[:, None], grads[:-1], 0.0)
        applied = jnp.where(
            attempted[:, None], jax.vmap(clipped, (0, None))(grads + noise * xis, clip), 0.0
        )
        return points, loss, grads, applied, jnp.diff(points, axis=0), diverged_at

    return run


@functools.lru_cache(maxsize=KERNEL_CACHE_SIZE)
def _trajectory_kernel(land, optimizer_keys, schedule_key, steps, record=True):
    runs = [_run(land, key, schedule_key, steps, record) for key in optimizer_keys]
    t = jnp.arange(steps, dtype=jnp.int32)

    def kernel(hyperparams, schedule, starts, clip, noise, seed, n_steps):
        key = jax.random.key(seed)
        start_keys = jax.vmap(lambda i: jax.random.fold_in(key, i))(jnp.arange(starts.shape[0]))
        per_optimizer = []
        for i, (run, hp) in enumerate(zip(runs, hyperparams, strict=True)):
            over_starts = jax.vmap(run, in_axes=(None, None, 0, None, None, 0, None))
            per_optimizer.append(
                over_starts(hp, schedule, starts, clip, noise[i], start_keys, n_steps)
            )
        multiplier = (
            jax.vmap(SCHEDULES[schedule_key].build(**schedule))(t)
            if schedule_key
            else jnp.ones(steps, jnp.float32)
        )
        lr = jnp.stack([hp["learning_rate"] * multiplier for hp in hyperparams])
        stacked = [jnp.stack(arrays) for arrays in zip(*per_optimizer, strict=True)]
        return (*stacked, lr)

    return jax.jit(kernel)


def simulate(config: RunConfig) -> Trajectory:
    """Every optimizer of `config` from every start, in one compiled call."""
    inputs = _inputs(config)
    outputs = _trajectory_kernel(*_structure(config))(**inputs)
    points, loss, grads, applied, updates, diverged_at, lr = (np.asarray(a) for a in outputs)
    t = config.steps
    return Trajectory(
        points[:, :, : t + 1],
        loss[:, :, : t + 1],
        grads[:, :, :t],
        applied[:, :, :t],
        updates[:, :, :t],
        lr[:, :t],
        diverged_at,
    )


def endpoints(config: RunConfig) -> Endpoints:
    """Only where each run ends: the same runs as `simulate`, without keeping the paths.

    This is what a basins picture of thousands of starts needs, at a fraction of the memory.
    """
    kernel = _trajectory_kernel(*_structure(config), record=False)
    points, loss, _, diverged_at, _ = kernel(**_inputs(config))
    return Endpoints(np.asarray(points), np.asarray(loss), np.asarray(diverged_at))


@functools.lru_cache(maxsize=KERNEL_CACHE_SIZE)
def _sweep_kernel(land, optimizer_key, schedule_key, steps):
    run = _run(land, optimizer_key, schedule_key, steps, record=False)

    def kernel(hyperparams, schedule, start, clip, noise, seed, n_steps):
        key = jax.random.fold_in(jax.random.key(seed), 0)
        return jax.vmap(run, in_axes=(0, None, None, None, None, None, None))(
            hyperparams, schedule, start, clip, noise, key, n_steps
        )

    return jax.jit(kernel)


def padded_size(n: int) -> int:
    """N rounded up to a multiple of 2^(⌊log₂ N⌋ − 3), at least 16: similar N share a kernel and
    the padding wastes at most an eighth of the work."""
    granularity = max(16, 1 << max(0, n.bit_length() - 4))
    return -(-n // granularity) * granularity


def sweep(config: RunConfig, values: dict[str, np.ndarray]) -> SweepResult:
    """Run the config's first optimizer from its first start for N settings in one vmap call.

    `values` maps hyperparameter names of that optimizer to arrays of length N; the other
    hyperparameters keep the config's values. Every start uses the same noise sequence, so the
    settings are compared on equal terms.
    """
    key, base = config.optimizers[0]
    unknown = sorted(set(values) - set(base))
    if unknown:
        raise ValueError(f"{OPTIMIZERS[key].name} has no hyperparameter {unknown[0]!r}.")
    arrays = {name: np.asarray(array, dtype=np.float64).ravel() for name, array in values.items()}
    sizes = {array.size for array in arrays.values()}
    if len(sizes) != 1 or not 1 <= (n := sizes.pop()) <= MAX_SWEEP:
        raise ValueError(
            f"Give every swept hyperparameter the same number of values (1–{MAX_SWEEP})."
        )
    for name, array in arrays.items():
        if not np.all(np.isfinite(array)):
            raise ValueError(f"Every value of {name} must be finite.")
    size = padded_size(n)
    hyperparams = {
        name: np.resize(arrays.get(name, np.array([finite_float(v, name)])), size).astype(
            np.float32
        )
        for name, v in base.items()
    }
    inputs = _inputs(config)
    land, _, schedule_key, steps = _structure(config)
    _, final, best, diverged_at = _sweep_kernel(land, key, schedule_key, steps)(
        hyperparams,
        inputs["schedule"],
        inputs["starts"][0],
        inputs["clip"],
        inputs["noise"][0],
        inputs["seed"],
        inputs["n_steps"],
    )
    return SweepResult(
        final_loss=np.asarray(final)[:n],
        best_loss=np.asarray(best)[:n],
        diverged_at=np.asarray(diverged_at)[:n],
    )
