r"""TrainConfig → History: up to four optimizers training one network from one initialization.

Run r trains θ from the shared θ₀ (drawn from `seed`) on minibatches of B_r training points:

    g_t = ∇_θ L_{batch t}(θ_t),   u_t = s(t) · optimizer.update(g_t)   (s the schedule)
    θ_{t+1} = θ_t + u_t

exactly as the 2-D engine (optimizers/simulate.py) steps a point. Minibatches are consecutive
slices of B of an endless stream of training-set permutations, a new permutation per epoch
(`sample_stream`), so every point is seen once per epoch: sampling without replacement. Every run
of a config cuts its own batch size from the same stream, so a run's minibatches do not depend on
the other runs.

A run may grow its batch instead of decaying its rate (Smith, Kindermans, Ying & Le 2018,
"Don't Decay the Learning Rate, Increase the Batch Size", ICLR): with `batch_growth` (γ, k),

    B_t = min(⌊B₀ · γ^⌊t/k⌋⌋, n_train),

the counterpart of step decay η_t = η₀ · (1/γ)^⌊t/k⌋ (`step` schedule with factor 1/γ, every k):
both divide SGD's noise scale η N / B by γ every k steps. Shapes inside the jitted scan are
static, so such a run takes the largest batch it will reach, B_max = B_{steps−1}, from its stream
offset and averages loss and gradient over the first B_t of them (a mask); its offset advances by
B_t per step, so the points it uses are still consecutive in the stream (each point once per
epoch), and `samples_seen` counts B_t. A batch of the whole training set is the training set, as
for a full-batch run. γ and k reach the kernel only as the traced sequence B_t: moving them
recompiles nothing unless B_max changes (B_max is part of the structure). Batch normalization
would count the masked points in its statistics, so it is refused with a growing batch.

After every step the whole training and validation sets are evaluated (batch norm in evaluation
mode, with its running statistics), so the curves are per step, not per epoch. A run diverges at
step k when its training loss at θ_k is not finite or above `DIVERGENCE_LOSS`, or θ_k is not
finite: from then on it stays frozen at θ_{k−1}, its curves repeat their last values and its
gradient norm is 0, so no NaN or Inf leaves the engine. (A θ₀ that already fails, k = 0, shows a
loss of `DIVERGENCE_LOSS` and an accuracy of 0.)

One kernel is compiled per structure: the network (without its initial scale), the data's shape,
the steps, and each run's optimizer key, schedule key, batch size (B_max for a growing batch) and
whether it grows. Runs sharing the last four are vmapped together. Hyperparameters, schedule
parameters, the batch growth's γ and k (as the sequence B_t, while B_max stays), the seeds, the
data themselves (so their noise) and the initial scale are traced arrays: moving any of them
recompiles nothing.
The number of points does change the data's shape, and so the kernel.

Query format of `TrainConfig.to_query`, one string per key::

    data=moons  n=200  noise=0.1  dseed=0
    depth=2  width=32  act=tanh  init=xavier  gain=1.0  res=0  norm=none
    opt=adam(learning_rate=0.01,b1=0.9,b2=0.999,eps=1e-08),sgd(learning_rate=0.5)
    sched=none,cosine(decay_steps=500.0,alpha=0.0)   batch=32,200   grow=none,5x100
    steps=500  seed=0

Absent keys take the defaults; `sched`, `batch` and `grow` list one entry per optimizer; a `grow`
entry is `none` or γxk (factor γ, then the steps k between growths).
"""

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax.flatten_util import ravel_pytree

from networks import datasets, mlp
from networks.mlp import NetConfig
from optimizers.catalog import CATALOG as OPTIMIZERS
from optimizers.params import Params
from optimizers.run_config import (
    MAX_QUERY_VALUE_LENGTH,
    checked_hyperparams,
    finite_float,
    format_call,
    last_value,
    parse_call,
    split_calls,
    whole_number,
)
from optimizers.schedules import CATALOG as SCHEDULES

MAX_STEPS = 5000
MAX_RUNS = 4
MAX_CHECKPOINTS = 100
SNAPSHOT_FLOATS = 2**24
DIVERGENCE_LOSS = 1e3
MAX_WORK = 10**11
KERNEL_CACHE_SIZE = 16

MAX_GROWTH = 10.0

Schedule = tuple[str, Params] | None


class BatchGrowth(NamedTuple):
    """B_t = min(⌊B₀ · γ^⌊t/k⌋⌋, n_train): the batch grows by `factor` γ ∈ [1, 10] every `every`
    = k ≥ 1 steps (Smith et al. 2018). A plain (γ, k) tuple is accepted too."""

    factor: float
    every: int


class Run(NamedTuple):
    """One curve of a race: an optimizer with its hyperparameters, a schedule, a batch size (B₀
    when the batch grows) and an optional `BatchGrowth`."""

    optimizer: str
    hyperparams: Mapping[str, float] = Params()
    schedule: Schedule = None
    batch_size: int = 32
    batch_growth: BatchGrowth | None = None


DEFAULT_RUNS = (Run("adam", Params({"learning_rate": 0.01})),)
QUERY_KEYS = frozenset(
    {"data", "n", "noise", "dseed", "depth", "width", "act", "init", "gain", "res", "norm"}
    | {"opt", "sched", "batch", "grow", "steps", "seed"}
)


@dataclass(frozen=True)
class TrainConfig:
    """Everything a training race depends on; validated, hashable, and its link.

    `runs` are `Run`s or plain tuples (optimizer, hyperparameters[, schedule[, batch size[, batch
    growth]]]); hyperparameters left out take their spec's defaults.
    """

    dataset: str = "moons"
    n: int = 200
    noise: float = 0.1
    data_seed: int = 0
    net: NetConfig = field(default_factory=NetConfig)
    runs: tuple[Run, ...] = DEFAULT_RUNS
    steps: int = 500
    seed: int = 0

    def __post_init__(self):
        spec = datasets.lookup(self.dataset)
        n = whole_number(self.n, "The number of points", datasets.MIN_POINTS, datasets.MAX_POINTS)
        noise = finite_float(self.noise, "The noise")
        if not 0 <= noise <= datasets.MAX_NOISE:
            raise ValueError(f"The noise must be in [0, {datasets.MAX_NOISE:g}], not {noise:g}.")
        if not isinstance(self.net, NetConfig):
            raise ValueError("The network must be a NetConfig.")
        if not 1 <= len(self.runs) <= MAX_RUNS:
            raise ValueError(f"Pick between 1 and {MAX_RUNS} runs.")
        n_train, _ = datasets.split_sizes(n, spec.classes)
        set_ = object.__setattr__
        set_(self, "n", n)
        set_(self, "noise", noise)
        set_(self, "data_seed", whole_number(self.data_seed, "The data seed", 0, 2**31 - 1))
        set_(self, "runs", tuple(_checked_run(run, n_train, self.net) for run in self.runs))
        set_(self, "steps", whole_number(self.steps, "The number of steps", 1, MAX_STEPS))
        set_(self, "seed", whole_number(self.seed, "The seed", 0, 2**31 - 1))
        if self.work > MAX_WORK:
            raise ValueError(
                f"This training is too long for a live picture ({self.work / 1e9:.0f} billion "
                f"multiply-adds, at most {MAX_WORK / 1e9:.0f}): take fewer steps, points or runs, "
                "or a smaller network."
            )

    def replace(self, **changes) -> "TrainConfig":
        return replace(self, **changes)

    @property
    def classes(self) -> int:
        return datasets.CATALOG[self.dataset].classes

    @property
    def n_train(self) -> int:
        return datasets.split_sizes(self.n, self.classes)[0]

    @property
    def batch_sizes(self) -> np.ndarray:
        """B_t of every run and step, [run, steps]: B₀ throughout, or the growing batch."""
        return np.stack([batch_sizes(run, self.steps, self.n_train) for run in self.runs])

    @property
    def work(self) -> int:
        """Multiply-adds of the whole training, roughly: per step and run, P for each of the
        n points evaluated and 3P for each of the B points of the gradient (forward, backward;
        B_max for a growing batch, which computes its largest batch every step)."""
        size = self.net.parameter_count(2, self.classes)
        largest = self.batch_sizes.max(axis=1) if self.runs else []
        return self.steps * size * sum(3 * int(b) + self.n for b in largest)

    def data(self) -> datasets.Dataset:
        return datasets.make(self.dataset, self.n, self.noise, self.data_seed)

    def to_query(self) -> dict[str, str]:
        net = self.net
        return {
            "data": self.dataset,
            "n": str(self.n),
            "noise": repr(self.noise),
            "dseed": str(self.data_seed),
            "depth": str(net.depth),
            "width": str(net.width),
            "act": net.activation,
            "init": net.init,
            "gain": repr(net.init_scale),
            "res": str(int(net.residual)),
            "norm": net.norm,
            "opt": ",".join(format_call(run.optimizer, run.hyperparams) for run in self.runs),
            "sched": ",".join(
                "none" if r.schedule is None else format_call(*r.schedule) for r in self.runs
            ),
            "batch": ",".join(str(run.batch_size) for run in self.runs),
            "grow": ",".join(_growth_text(run.batch_growth) for run in self.runs),
            "steps": str(self.steps),
            "seed": str(self.seed),
        }

    @classmethod
    def from_query(cls, query: Mapping[str, object]) -> "TrainConfig":
        """The config a link describes, or a ValueError a user can read. Every key must be one of
        `QUERY_KEYS` (a page takes its own keys out first); absent keys take the defaults."""
        text = {key: last_value(value) for key, value in query.items()}
        unknown = sorted(set(text) - QUERY_KEYS)
        if unknown:
            raise ValueError(
                f"The link has an unknown key {unknown[0]!r} (known: {', '.join(QUERY_KEYS)})."
            )
        for key, value in text.items():
            if len(value) > MAX_QUERY_VALUE_LENGTH:
                raise ValueError(f"The link's {key!r} is too long.")
        default = cls()
        get = lambda key, value: text.get(key, str(value))  # noqa: E731
        net = NetConfig(
            depth=whole_number(get("depth", default.net.depth), "The depth", 0, mlp.MAX_DEPTH),
            width=whole_number(get("width", default.net.width), "The width", 1, mlp.MAX_WIDTH),
            activation=get("act", default.net.activation),
            init=get("init", default.net.init),
            residual=_flag(get("res", int(default.net.residual)), "res"),
            norm=get("norm", default.net.norm),
            init_scale=finite_float(get("gain", default.net.init_scale), "The initial scale"),
        )
        if "opt" in text:
            calls = [parse_call(item) for item in split_calls(text["opt"])]
        else:
            calls = [(run.optimizer, run.hyperparams) for run in default.runs]
        if not 1 <= len(calls) <= MAX_RUNS:
            raise ValueError(f"Pick between 1 and {MAX_RUNS} runs.")
        schedules = _listed(text, "sched", len(calls), "none")
        batches = _listed(text, "batch", len(calls), str(default.runs[0].batch_size))
        growths = [_parse_growth(g) for g in _listed(text, "grow", len(calls), "none")]
        runs = tuple(
            Run(key, hp, None if s.strip() == "none" else parse_call(s), b, g)
            for (key, hp), s, b, g in zip(calls, schedules, batches, growths, strict=True)
        )
        return cls(
            dataset=get("data", default.dataset),
            n=get("n", default.n),
            noise=get("noise", default.noise),
            data_seed=get("dseed", default.data_seed),
            net=net,
            runs=runs,
            steps=get("steps", default.steps),
            seed=get("seed", default.seed),
        )


def _flag(text: str, key: str) -> bool:
    if text not in ("0", "1"):
        raise ValueError(f"{key}= is 0 or 1, not {text[:40]!r}.")
    return text == "1"


def _growth_text(growth: BatchGrowth | None) -> str:
    if growth is None:
        return "none"
    factor = growth.factor
    return f"{int(factor) if factor.is_integer() else repr(factor)}x{growth.every}"


def _parse_growth(text: str) -> BatchGrowth | None:
    """'none' or 'γxk' (like 5x100): a readable ValueError for anything else."""
    text = text.strip()
    if text == "none":
        return None
    factor, sep, every = text.partition("x")
    if not sep or not factor or not every:
        raise ValueError(
            f"grow= lists none or γxk per optimizer (like 5x100: ×5 every 100 steps), "
            f"not {text[:40]!r}."
        )
    return BatchGrowth(finite_float(factor, "The batch growth factor γ"), every)


def _listed(text: dict[str, str], key: str, count: int, default: str) -> list[str]:
    """The comma-separated entries of `key` (one per optimizer), or `default` for each."""
    if key not in text:
        return [default] * count
    items = split_calls(text[key])
    if len(items) != count:
        raise ValueError(f"{key}= lists {len(items)} entries for {count} optimizers.")
    return items


def _checked_growth(growth: object, net: NetConfig) -> BatchGrowth | None:
    if growth is None:
        return None
    if not isinstance(growth, tuple) or len(growth) != 2:
        raise ValueError("A batch growth is (factor γ, steps between growths k) or None.")
    factor = finite_float(growth[0], "The batch growth factor γ")
    if not 1.0 <= factor <= MAX_GROWTH:
        raise ValueError(
            f"The batch growth factor γ must be in [1, {MAX_GROWTH:g}], not {factor:g}."
        )
    every = whole_number(growth[1], "The steps between batch growths k", 1, MAX_STEPS)
    if net.norm == "batch":
        raise ValueError(
            "A growing batch cannot use batch normalization: its statistics would count the "
            "masked points of the largest batch."
        )
    return BatchGrowth(factor, every)


def batch_sizes(run: Run, steps: int, n_train: int) -> np.ndarray:
    """B_t for t = 0 … steps − 1 (int64): B₀, or min(⌊B₀ · γ^⌊t/k⌋⌋, n_train) when the batch
    grows. Computed once here, in float64 (a relative 1e-12 absorbs the rounding of γ^j, so
    5 · 1.2 = 6.000000000000001 and 32 · 5² count as the integers they are)."""
    if run.batch_growth is None:
        return np.full(steps, run.batch_size, np.int64)
    factor, every = run.batch_growth
    with np.errstate(over="ignore"):
        grown = run.batch_size * np.float64(factor) ** (np.arange(steps) // every)
    return np.minimum(np.floor(grown * (1 + 1e-12)), n_train).astype(np.int64)


def _checked_run(run: object, n_train: int, net: NetConfig) -> Run:
    if not isinstance(run, tuple) or not 1 <= len(run) <= 5:
        raise ValueError(
            "A run is (optimizer, hyperparameters, schedule, batch size, batch growth)."
        )
    key, hp, schedule, batch, growth = Run(*run)
    if key not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {key!r}. Choose one of: {', '.join(OPTIMIZERS)}.")
    spec = OPTIMIZERS[key]
    if spec.uses_hessian:
        raise ValueError(f"{spec.name} needs the Hessian: it cannot train a network here.")
    if schedule is not None:
        if not isinstance(schedule, tuple) or len(schedule) != 2:
            raise ValueError("A schedule is (key, hyperparameters) or None.")
        schedule_key, schedule_hp = schedule
        if schedule_key not in SCHEDULES:
            names = ", ".join(SCHEDULES)
            raise ValueError(f"Unknown schedule {schedule_key!r}. Choose one of: {names}.")
        schedule_spec = SCHEDULES[schedule_key]
        schedule = (
            schedule_key,
            checked_hyperparams(schedule_spec.name, schedule_spec.hyperparams, schedule_hp),
        )
    batch = whole_number(batch, "The batch size", 1, n_train)
    if net.norm == "batch" and batch < 2:
        raise ValueError("Batch normalization needs a batch of at least 2 points.")
    growth = _checked_growth(growth, net)
    return Run(key, checked_hyperparams(spec.name, spec.hyperparams, hp), schedule, batch, growth)


@dataclass(frozen=True, eq=False)
class History:
    """NumPy arrays, first axis = run (in the config's order).

    Per evaluation, [run, steps + 1] (index k: after k steps, 0 = the shared start):
    `train_loss`, `train_accuracy` (whole training set), `val_loss`, `val_accuracy`, and
    `samples_seen` = B_0 + … + B_{k−1} (k · B without growth; `epochs` = samples_seen / n_train).
    Per step t, [run, steps]: `batch_loss` (the minibatch loss whose gradient was taken at θ_t),
    `grad_norm` ‖g_t‖ and `lr` η s(t); `batch_size` B_t. `diverged_at[run]`: the first k whose
    θ_k failed (−1 if none).

    Parameters are flat float32 vectors θ (P numbers; `unravel(θ)` gives the pytree of
    `mlp.init`): `snapshots` [run, checkpoint, P] at the steps `checkpoint_steps` (from 0 to
    `steps`, at most 100 of them), `final_params` [run, P] where each run ended. Flat vectors are
    what a loss-landscape slice θ + a d₁ + b d₂ needs. `snapshot_stats` / `final_stats` hold the
    batch-norm running statistics likewise (leaves [run, checkpoint, …] / [run, …]; None without
    batch norm).
    """

    train_loss: np.ndarray
    train_accuracy: np.ndarray
    val_loss: np.ndarray
    val_accuracy: np.ndarray
    samples_seen: np.ndarray
    batch_loss: np.ndarray
    grad_norm: np.ndarray
    lr: np.ndarray
    diverged_at: np.ndarray
    checkpoint_steps: np.ndarray
    snapshots: np.ndarray
    snapshot_stats: Any
    final_params: np.ndarray
    final_stats: Any
    n_train: int
    unravel: Callable[[Any], Any]

    @property
    def epochs(self) -> np.ndarray:
        return self.samples_seen / self.n_train

    @property
    def batch_size(self) -> np.ndarray:
        """B_t, [run, steps]: the points whose mean gradient step t took."""
        return np.diff(self.samples_seen, axis=1)

    def params_at(self, run: int, checkpoint: int) -> tuple[Any, Any]:
        """(parameter pytree, batch-norm statistics or None) of one run at one checkpoint."""
        stats = jax.tree.map(lambda a: a[run, checkpoint], self.snapshot_stats)
        return self.unravel(self.snapshots[run, checkpoint]), stats


def sample_stream(seed, n: int, batch: int, steps: int):
    """The order in which training points are drawn: π₀ π₁ π₂ … concatenated, one random
    permutation πₑ of range(n) per epoch, long enough for `steps` batches of `batch`. Minibatch t
    is the slice [t·B, t·B + B) (`minibatch`), so every point is drawn once per epoch, and a batch
    that straddles two epochs takes the end of one permutation and the start of the next.

    πₑ sorts n random 32-bit words, drawn for all epochs at once from XLA's RngBitGenerator (the
    "rbg" key: it compiles several times faster than threefry on the CPU)."""
    epochs = -(-steps * batch // n)
    words = jax.random.bits(jax.random.key(seed, impl="rbg"), (epochs, n))
    return jnp.argsort(words, axis=1).ravel()


def minibatch(stream, t, batch: int):
    """The indices of minibatch t (clamped to the stream's end: steps past the last are masked)."""
    return jax.lax.dynamic_slice(stream, (t * batch,), (batch,))


def checkpoint_plan(steps: int, floats_per_snapshot: int) -> tuple[int, int, np.ndarray]:
    """(chunk, chunks, checkpoint steps). The scan runs `chunks` chunks of `chunk` iterations;
    iteration i evaluates θ_i (after i steps), so a chunk's last θ is θ_{(c+1)·chunk − 1}.
    Checkpoints are θ₀ and each chunk's last θ (θ₀ itself when chunk = 1), at most
    `MAX_CHECKPOINTS` of them and under `SNAPSHOT_FLOATS` floats in all; the last is θ_steps."""
    budget = min(MAX_CHECKPOINTS, max(2, SNAPSHOT_FLOATS // floats_per_snapshot))
    if steps + 1 <= budget:
        return 1, steps + 1, np.arange(steps + 1)
    chunk = -(-(steps + 1) // (budget - 1))
    chunks = -(-(steps + 1) // chunk)
    ends = np.minimum((np.arange(chunks) + 1) * chunk - 1, steps)
    return chunk, chunks, np.concatenate([[0], ends])


def _run(net, unravel, optimizer_key, schedule_key, batch, grows, n_train, steps, chunk, chunks):
    """A pure function training one run on the flat parameter vector θ (`unravel(θ)` is the
    pytree); vmapped over the runs of one structure.

    The scan's iteration i = t + 1 takes step t and evaluates θ_{t+1}; iteration 0 (t = −1)
    takes no step and evaluates θ₀, so that one evaluation in the loop serves every θ.

    `batch` is B (B_max when the batch `grows`: then the traced `sizes` [steps] give B_t, the
    batch is the first B_t of B_max points cut at the carried stream offset, and the offset
    advances by B_t)."""
    spec = OPTIMIZERS[optimizer_key]

    def batch_loss(theta, stats, x, y, size=None):
        out = mlp.apply(net, unravel(theta), x, train=True, stats=stats)
        if size is None:
            return mlp.cross_entropy(out.logits, y), out.stats
        losses = optax.softmax_cross_entropy_with_integer_labels(out.logits, y)
        used = jnp.arange(batch) < size
        return jnp.sum(jnp.where(used, losses, 0.0)) / size.astype(losses.dtype), out.stats

    value_and_grad = jax.value_and_grad(batch_loss, has_aux=True)

    def metrics(theta, stats, x, y):
        """Training and validation loss and accuracy, in one pass over all the points."""
        logits = mlp.apply(net, unravel(theta), x, stats=stats).logits
        losses = optax.softmax_cross_entropy_with_integer_labels(logits, y)
        correct = (jnp.argmax(logits, axis=-1) == y).astype(jnp.float32)
        return (
            jnp.mean(losses[:n_train]),
            jnp.mean(correct[:n_train]),
            jnp.mean(losses[n_train:]),
            jnp.mean(correct[n_train:]),
        )

    def run(hp, schedule_hp, sizes, theta0, stats0, x, y, stream):
        optimizer = spec.build(**hp)
        multiplier = SCHEDULES[schedule_key].build(**schedule_hp) if schedule_key else None

        def step(carry, t):
            theta, opt_state, stats, diverged_at, last, last_batch, offset = carry
            moving = t >= 0
            alive = (diverged_at < 0) & (t < steps)
            size = None
            if grows:
                size = sizes[jnp.clip(t, 0, steps - 1)]
                index = jax.lax.dynamic_slice(stream, (offset,), (batch,))
                if batch == n_train:
                    index = jnp.where(size == n_train, jnp.arange(n_train), index)
                xb, yb = x[index], y[index]
                offset = offset + jnp.where(moving, size, 0)
            elif batch == n_train:
                xb, yb = x[:n_train], y[:n_train]
            else:
                index = minibatch(stream, jnp.maximum(t, 0), batch)
                xb, yb = x[index], y[index]
            (loss, new_stats), grad = value_and_grad(theta, stats, xb, yb, size)
            update, new_opt_state = optimizer.update(grad, opt_state, theta)
            factor = multiplier(t) if multiplier else jnp.float32(1.0)
            new_theta = theta + jnp.where(moving, factor, 0.0) * update
            new_stats = jax.tree.map(lambda a, b: jnp.where(moving, a, b), new_stats, stats)
            new = metrics(new_theta, new_stats, x, y)
            ok = jnp.all(jnp.isfinite(new_theta)) & (new[0] <= DIVERGENCE_LOSS)
            keep = alive & ok
            frozen = lambda a, b: jnp.where(keep, a, b)  # noqa: E731
            norm = jnp.linalg.norm(grad)
            measured = alive & jnp.isfinite(loss) & jnp.isfinite(norm)
            carry = (
                frozen(new_theta, theta),
                jax.tree.map(lambda a, b: jnp.where(keep & moving, a, b), new_opt_state, opt_state),
                jax.tree.map(frozen, new_stats, stats),
                jnp.where(alive & ~ok, t + 1, diverged_at),
                jax.tree.map(frozen, new, last),
                jnp.where(measured, loss, last_batch),
                offset,
            )
            record = (
                carry[4],
                carry[5],
                jnp.where(measured, norm, 0.0),
                hp["learning_rate"] * factor,
            )
            return carry, record

        def chunk_of_steps(carry, c):
            carry, records = jax.lax.scan(step, carry, c * chunk - 1 + jnp.arange(chunk))
            return carry, (records, carry[0], carry[2])

        failed = (jnp.float32(DIVERGENCE_LOSS), jnp.float32(0.0)) * 2
        start = (jnp.int32(-1), failed, failed[0], jnp.int32(0))
        carry = (theta0, optimizer.init(theta0), stats0, *start)
        carry, (records, snapshots, snapshot_stats) = jax.lax.scan(
            chunk_of_steps, carry, jnp.arange(chunks)
        )
        records = jax.tree.map(lambda a: a.reshape(chunks * chunk, *a.shape[2:]), records)
        curves, batch_losses, norms, rates = records
        if chunk > 1:
            prepend = lambda first, rest: jnp.concatenate([first[None], rest])  # noqa: E731
            snapshots = prepend(theta0, snapshots)
            snapshot_stats = jax.tree.map(prepend, stats0, snapshot_stats)
        return {
            "curves": tuple(curve[: steps + 1] for curve in curves),
            "batch_loss": batch_losses[1 : steps + 1],
            "grad_norm": norms[1 : steps + 1],
            "lr": rates[1 : steps + 1],
            "diverged_at": carry[3],
            "snapshots": snapshots,
            "snapshot_stats": snapshot_stats,
            "final_params": carry[0],
            "final_stats": carry[2],
        }

    return run


class _Group(NamedTuple):
    """Runs sharing one structure: optimizer key, schedule key, batch size (B_max of a growing
    batch), whether it grows; `members` their indices in the config. A batch that never grows
    within the steps (γ = 1, or k ≥ steps) is a plain batch: the same kernel, the same numbers."""

    optimizer: str
    schedule: str | None
    batch_size: int
    grows: bool
    members: tuple[int, ...]


def _groups(config: TrainConfig, sizes: np.ndarray) -> tuple[_Group, ...]:
    found: dict[tuple, list[int]] = {}
    for i, run in enumerate(config.runs):
        schedule_key = run.schedule[0] if run.schedule else None
        grows = bool(sizes[i].min() < sizes[i].max())
        key = (run.optimizer, schedule_key, int(sizes[i].max()), grows)
        found.setdefault(key, []).append(i)
    return tuple(_Group(*key, tuple(members)) for key, members in found.items())


@functools.lru_cache(maxsize=KERNEL_CACHE_SIZE)
def initial_params(net: NetConfig, classes: int):
    """(init, unravel): `init(seed, gain)` is the shared θ₀ as a flat float32 vector, jitted with
    both arguments traced; `unravel(θ)` turns any such vector back into the parameter pytree."""
    shapes = jax.eval_shape(lambda key: mlp.init(net, key, 2, classes), jax.random.key(0))
    _, unravel = ravel_pytree(jax.tree.map(lambda s: np.zeros(s.shape, s.dtype), shapes))

    def init(seed, gain):
        key = jax.random.fold_in(jax.random.key(seed), 0)
        return ravel_pytree(mlp.init(net, key, 2, classes, gain))[0]

    return jax.jit(init), unravel


@functools.lru_cache(maxsize=KERNEL_CACHE_SIZE)
def _kernel(net, classes, n_train, steps, structure):
    """One jitted function for a structure: `structure` is ((optimizer, schedule, batch, grows,
    count), …); `net` has init_scale 1, the actual gain is traced."""
    size = net.parameter_count(2, classes) * sum(count for *_, count in structure)
    chunk, chunks, checkpoint_steps = checkpoint_plan(steps, size)
    _, unravel = initial_params(net, classes)
    runs = [
        _run(net, unravel, key, schedule, batch, grows, n_train, steps, chunk, chunks)
        for key, schedule, batch, grows, _ in structure
    ]

    minibatches = [batch for _, _, batch, grows, _ in structure if grows or batch < n_train]

    def kernel(hyperparams, schedules, sizes, theta0, x, y, seed):
        stream = sample_stream(seed, n_train, max(minibatches), steps) if minibatches else None
        over_runs = (0, 0, 0, None, None, None, None, None)
        return [
            jax.vmap(run, over_runs)(hp, s, b, theta0, mlp.init_stats(net), x, y, stream)
            for run, hp, s, b in zip(runs, hyperparams, schedules, sizes, strict=True)
        ]

    return jax.jit(kernel), checkpoint_steps


def _stacked(values: list[Mapping[str, float]]) -> dict[str, np.ndarray]:
    return {name: np.array([v[name] for v in values], np.float32) for name in values[0]}


def train(config: TrainConfig) -> History:
    """Every run of `config`, from one shared initialization, in one compiled call."""
    data = config.data()
    sizes = config.batch_sizes
    groups = _groups(config, sizes)
    structure = tuple(
        (g.optimizer, g.schedule, g.batch_size, g.grows, len(g.members)) for g in groups
    )
    kernel, checkpoint_steps = _kernel(
        config.net.replace(init_scale=1.0), data.classes, len(data.y_train), config.steps, structure
    )
    runs = config.runs
    net = config.net.replace(init_scale=1.0)
    init, unravel = initial_params(net, data.classes)
    outputs = kernel(
        [_stacked([runs[i].hyperparams for i in g.members]) for g in groups],
        [_stacked([runs[i].schedule[1] for i in g.members]) if g.schedule else {} for g in groups],
        [sizes[list(g.members)].astype(np.int32) for g in groups],
        init(np.int32(config.seed), np.float32(config.net.init_scale)),
        np.concatenate([data.x_train, data.x_val]),
        np.concatenate([data.y_train, data.y_val]),
        np.int32(config.seed),
    )
    order = np.argsort([i for g in groups for i in g.members])
    merged = jax.tree.map(
        lambda *parts: np.concatenate([np.asarray(p) for p in parts])[order], *outputs
    )
    samples_seen = np.concatenate([np.zeros((len(runs), 1), np.int64), sizes.cumsum(axis=1)], 1)
    train_loss, train_accuracy, val_loss, val_accuracy = merged["curves"]
    return History(
        train_loss=train_loss,
        train_accuracy=train_accuracy,
        val_loss=val_loss,
        val_accuracy=val_accuracy,
        samples_seen=samples_seen,
        batch_loss=merged["batch_loss"],
        grad_norm=merged["grad_norm"],
        lr=merged["lr"],
        diverged_at=merged["diverged_at"],
        checkpoint_steps=checkpoint_steps,
        snapshots=merged["snapshots"],
        snapshot_stats=merged["snapshot_stats"],
        final_params=merged["final_params"],
        final_stats=merged["final_stats"],
        n_train=len(data.y_train),
        unravel=unravel,
    )


FIELD_RESOLUTION = 64


class Field(NamedTuple):
    """Class probabilities on a grid: `probabilities[run, checkpoint, iy, ix, class]` at the point
    (xs[ix], ys[iy]) — rows are y, as a heatmap's z."""

    xs: np.ndarray
    ys: np.ndarray
    probabilities: np.ndarray


@functools.lru_cache(maxsize=KERNEL_CACHE_SIZE)
def _field_kernel(net: NetConfig, classes: int):
    unravel = initial_params(net, classes)[1]

    def field(thetas, stats, points):
        def one(theta, stats):
            return mlp.probabilities(net, unravel(theta), points, stats)

        return jax.vmap(one)(thetas, stats)

    return jax.jit(field)


def decision_field(
    config: TrainConfig,
    history: History,
    checkpoints=None,
    resolution: int = FIELD_RESOLUTION,
) -> Field:
    """softmax(f_θ(x)) over a resolution² grid spanning the dataset's `extent`, for every run at
    the given checkpoint indices (into `history.checkpoint_steps`; default all of them), in one
    jitted call. The same number of checkpoints and resolution recompiles nothing."""
    net = config.net.replace(init_scale=1.0)
    (x0, x1), (y0, y1) = datasets.CATALOG[config.dataset].extent
    xs = np.linspace(x0, x1, resolution, dtype=np.float32)
    ys = np.linspace(y0, y1, resolution, dtype=np.float32)
    points = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    chosen = np.arange(len(history.checkpoint_steps)) if checkpoints is None else checkpoints
    chosen = np.atleast_1d(np.asarray(chosen))
    runs = history.snapshots.shape[0]
    pick = lambda a: a[:, chosen].reshape(runs * len(chosen), *a.shape[2:])  # noqa: E731
    probabilities = _field_kernel(net, config.classes)(
        pick(history.snapshots), jax.tree.map(pick, history.snapshot_stats), points
    )
    shape = (runs, len(chosen), resolution, resolution, config.classes)
    return Field(xs, ys, np.asarray(probabilities).reshape(shape))
