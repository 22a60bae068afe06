"""Schedules: each s(t) against an independent float64 closed form, against optax where optax has
the same schedule, and the engine's contract (traced hyperparameters, one compilation)."""

import functools
import itertools

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizers.schedules import CATALOG

T_MAX = 5000
TS = np.arange(T_MAX + 1)
RTOL, ATOL = 1e-5, 1e-6
EPS32 = float(np.finfo(np.float32).eps)
EXAMPLES = settings(max_examples=30)


def _steps(x, least=1.0):
    return max(float(np.round(x)), least)


def _cosine(alpha, fraction):
    return alpha + (1 - alpha) * 0.5 * (1 + np.cos(np.pi * fraction))


def _restart_cycles(period, period_mult):
    """(start, length) of every SGDR cycle beginning by T_MAX, summed one cycle at a time."""
    period, starts, lengths = _steps(period), [0.0], [_steps(period)]
    while starts[-1] + lengths[-1] <= T_MAX:
        starts.append(starts[-1] + lengths[-1])
        lengths.append(period * period_mult ** (len(starts) - 1))
    return np.array(starts), np.array(lengths)


def _restarts_reference(t, period, period_mult, alpha):
    starts, lengths = _restart_cycles(period, period_mult)
    i = np.searchsorted(starts, t, side="right") - 1
    return _cosine(alpha, (t - starts[i]) / lengths[i])


def _warmup_cosine_reference(t, start_factor, warmup_steps, decay_steps, alpha):
    warmup = _steps(warmup_steps, least=0.0)
    decay = max(_steps(decay_steps) - warmup, 1.0)
    rising = start_factor + (1 - start_factor) * t / max(warmup, 1.0)
    return np.where(t < warmup, rising, _cosine(alpha, np.clip(t - warmup, 0, decay) / decay))


def _linear_warmup_reference(t, start_factor, warmup_steps):
    warmup = _steps(warmup_steps, least=0.0)
    return np.where(t < warmup, start_factor + (1 - start_factor) * t / max(warmup, 1.0), 1.0)


def _cyclic_reference(t, max_factor, half_period):
    """Smith 2017, section 3.1: cycle = ⌊1 + t/2H⌋, x = |t/H − 2 cycle + 1|."""
    half_period = _steps(half_period)
    cycle = np.floor(1 + t / (2 * half_period))
    x = np.abs(t / half_period - 2 * cycle + 1)
    return 1 + (max_factor - 1) * np.maximum(0.0, 1 - x)


REFERENCES = {
    "constant": lambda t: np.ones_like(t, dtype=np.float64),
    "step": lambda t, factor, every: factor ** np.floor(t / _steps(every)),
    "exponential": lambda t, rate, decay_steps: rate ** (t / _steps(decay_steps)),
    "inverse_time": lambda t, k: 1 / (1 + k * t),
    "cosine": lambda t, decay_steps, alpha: _cosine(
        alpha, np.minimum(t, _steps(decay_steps)) / _steps(decay_steps)
    ),
    "cyclic": _cyclic_reference,
    "linear_warmup": _linear_warmup_reference,
    "warmup_cosine": _warmup_cosine_reference,
    "cosine_restarts": _restarts_reference,
}


@functools.cache
def _traced(key):
    """s over a vector of steps, every hyperparameter a traced argument, as in the engine."""
    build = CATALOG[key].build
    return jax.jit(jax.vmap(lambda hp, t: build(**hp)(t), in_axes=(None, 0)))


def _schedule(key, hp, ts=TS):
    hp32 = {name: jnp.float32(value) for name, value in hp.items()}
    values = np.asarray(_traced(key)(hp32, jnp.asarray(ts, jnp.int32)))
    assert values.dtype == np.float32
    return values


def _float32(x):
    """x as the engine passes it; XLA on CPU flushes float32 subnormals to zero."""
    return float(np.float32(x)) if abs(x) >= np.finfo(np.float32).tiny else 0.0


def _float32_value(h):
    if h.scale == "log":
        drawn = st.floats(float(np.log(h.min)), float(np.log(h.max))).map(np.exp)
    else:
        drawn = st.floats(h.min, h.max)
    return drawn.map(_float32)


def _hyperparams(key):
    return st.fixed_dictionaries({h.name: _float32_value(h) for h in CATALOG[key].hyperparams})


def _check_against_reference(key, hp):
    got = _schedule(key, hp)
    want = REFERENCES[key](TS.astype(np.float64), **hp)
    assert np.all(np.isfinite(got)) and np.all(got >= 0)
    if key in ("linear_warmup", "warmup_cosine"):
        warmup = int(_steps(hp["warmup_steps"], least=0.0))
        assert got[0] == (np.float32(hp["start_factor"]) if warmup else 1.0)
        assert got[warmup] == 1.0
    else:
        assert got[0] == 1.0
    atol = np.full(TS.shape, ATOL)
    if key == "cosine_restarts":
        starts, lengths = _restart_cycles(hp["period"], hp["period_mult"])
        near_restart = np.any(
            (np.abs(TS[:, None] - starts) <= 2e-5 * starts) & (TS[:, None] != starts), axis=1
        )
        got, want, atol = got[~near_restart], want[~near_restart], atol[~near_restart]
        ts = TS[~near_restart]
        cycle_length = lengths[np.searchsorted(starts, ts, side="right") - 1]
        # float32 places t within its cycle to about t·ε; that phase error is scaled by T_i⁻¹.
        atol += (1 - hp["alpha"]) * np.pi * 4 * EPS32 * ts / cycle_length
    error = np.abs(got - want) - (atol + RTOL * np.abs(want))
    worst = int(np.argmax(error))
    assert error[worst] <= 0, (
        f"at step {worst} of the compared steps: {got[worst]} vs {want[worst]}"
    )


def test_keys_and_hyperparameter_names():
    assert {key: [h.name for h in spec.hyperparams] for key, spec in CATALOG.items()} == {
        "constant": [],
        "step": ["factor", "every"],
        "exponential": ["rate", "decay_steps"],
        "inverse_time": ["k"],
        "cosine": ["decay_steps", "alpha"],
        "cyclic": ["max_factor", "half_period"],
        "linear_warmup": ["start_factor", "warmup_steps"],
        "warmup_cosine": ["start_factor", "warmup_steps", "decay_steps", "alpha"],
        "cosine_restarts": ["period", "period_mult", "alpha"],
    }
    assert all(key == spec.key for key, spec in CATALOG.items())


@pytest.mark.parametrize("key", CATALOG)
def test_defaults_in_range(key):
    for h in CATALOG[key].hyperparams:
        assert h.min <= h.default <= h.max, h
        assert h.min > 0 or h.scale != "log", h
        assert h.help, h


@pytest.mark.parametrize("key", CATALOG)
def test_matches_reference_at_defaults(key):
    _check_against_reference(key, CATALOG[key].defaults())


@pytest.mark.parametrize("key", [key for key, spec in CATALOG.items() if spec.hyperparams])
@EXAMPLES
@given(data=st.data())
def test_matches_reference_in_range(key, data):
    _check_against_reference(key, data.draw(_hyperparams(key)))


@pytest.mark.parametrize("key", CATALOG)
def test_finite_and_nonnegative_at_range_corners(key):
    specs = CATALOG[key].hyperparams
    for corner in itertools.product(*[(h.min, h.max) for h in specs]):
        values = _schedule(key, dict(zip([h.name for h in specs], corner, strict=True)))
        assert np.all(np.isfinite(values)) and np.all(values >= 0), corner


def _assert_matches_optax(key, hp, reference):
    np.testing.assert_allclose(_schedule(key, hp), np.asarray(reference(TS)), rtol=RTOL, atol=ATOL)


ALPHA = st.floats(0.0, 1.0).map(_float32)


@EXAMPLES
@given(factor=st.floats(0.01, 1.0).map(_float32), every=st.integers(1, 2500))
def test_step_matches_optax_staircase(factor, every):
    reference = optax.exponential_decay(1.0, every, factor, staircase=True)
    _assert_matches_optax("step", {"factor": factor, "every": every}, reference)


@EXAMPLES
@given(rate=st.floats(1e-3, 1.0).map(_float32), steps=st.integers(1, 5000))
def test_exponential_matches_optax(rate, steps):
    reference = optax.exponential_decay(1.0, steps, rate)
    _assert_matches_optax("exponential", {"rate": rate, "decay_steps": steps}, reference)


@EXAMPLES
@given(steps=st.integers(1, 5000), alpha=ALPHA)
def test_cosine_matches_optax(steps, alpha):
    reference = optax.cosine_decay_schedule(1.0, steps, alpha)
    _assert_matches_optax("cosine", {"decay_steps": steps, "alpha": alpha}, reference)


@EXAMPLES
@given(start=ALPHA, warmup=st.integers(1, 1000))
def test_linear_warmup_matches_optax(start, warmup):
    reference = optax.linear_schedule(start, 1.0, warmup)
    _assert_matches_optax(
        "linear_warmup", {"start_factor": start, "warmup_steps": warmup}, reference
    )


@EXAMPLES
@given(
    start=ALPHA,
    warmup=st.integers(1, 1000),
    extra=st.integers(1, 4000),
    alpha=ALPHA,
)
def test_warmup_cosine_matches_optax(start, warmup, extra, alpha):
    hp = {"start_factor": start, "warmup_steps": warmup, "decay_steps": warmup + extra}
    reference = optax.warmup_cosine_decay_schedule(start, 1.0, warmup, warmup + extra, alpha)
    _assert_matches_optax("warmup_cosine", {**hp, "alpha": alpha}, reference)


@EXAMPLES
@given(mult=st.sampled_from([1, 2, 3]), period=st.integers(20, 2500), alpha=ALPHA)
def test_cosine_restarts_matches_optax_sgdr(mult, period, alpha):
    """optax's SGDR takes one dict per cycle, each a warmup-cosine with its own decay_steps."""
    _, lengths = _restart_cycles(period, mult)
    cycles = [
        {"init_value": 1.0, "peak_value": 1.0, "warmup_steps": 0, "decay_steps": int(length)}
        | {"end_value": alpha}
        for length in lengths
    ]
    hp = {"period": period, "period_mult": mult, "alpha": alpha}
    _assert_matches_optax("cosine_restarts", hp, optax.sgdr_schedule(cycles))


def _other_values(key):
    """Every hyperparameter moved off its default, still in range."""
    return {
        h.name: h.max if h.default != h.max else (h.min + h.max) / 2
        for h in CATALOG[key].hyperparams
    }


@pytest.mark.parametrize("key", CATALOG)
def test_traced_hyperparameters_compile_once(key):
    build = CATALOG[key].build
    jitted = jax.jit(lambda hp, t: build(**hp)(t))
    t = jnp.array([10, 150], jnp.int32)
    outputs = []
    for hp in (CATALOG[key].defaults(), _other_values(key)):
        out = jitted({name: jnp.float32(value) for name, value in hp.items()}, t)
        assert out.shape == (2,) and out.dtype == jnp.float32
        outputs.append(out.tolist())
    assert jitted._cache_size() == 1
    if CATALOG[key].hyperparams:
        assert outputs[0] != outputs[1]
