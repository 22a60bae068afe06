"""Training: accuracy reached, optax by hand, minibatch statistics, divergence, compile counts,
and the link."""

import jax
import numpy as np
import optax
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from networks import datasets, mlp
from networks.mlp import NetConfig
from networks.train import (
    MAX_CHECKPOINTS,
    MAX_RUNS,
    MAX_STEPS,
    MAX_WORK,
    QUERY_KEYS,
    SNAPSHOT_FLOATS,
    Run,
    TrainConfig,
    checkpoint_plan,
    decision_field,
    minibatch,
    sample_stream,
    train,
)
from optimizers.catalog import CATALOG as OPTIMIZERS
from optimizers.compilations import count_compilations
from optimizers.schedules import CATALOG as SCHEDULES

NET = NetConfig(depth=2, width=32, activation="relu", init="he")
ADAM = Run("adam", {"learning_rate": 0.02}, None, 32)
BASE = TrainConfig("moons", n=300, noise=0.1, net=NET, runs=(ADAM,), steps=400, seed=0)
N_TRAIN = len(BASE.data().y_train)
FROZEN = ("exponential", {"rate": 1e-3, "decay_steps": 1.0})
VARIANCE_BATCHES = (5, 45)
RACE = BASE.replace(
    runs=(
        ADAM,
        Run(
            "adam",
            {"learning_rate": 0.01, "b1": 0.8},
            ("step", {"factor": 0.5, "every": 2}),
            N_TRAIN,
        ),
        *(Run("sgd", {"learning_rate": 1e-5}, FROZEN, b) for b in VARIANCE_BATCHES),
    )
)
HISTORY = {}
loss_fn = jax.jit(mlp.loss_fn, static_argnums=0)
probabilities = jax.jit(mlp.probabilities, static_argnums=0)


def trained(config: TrainConfig):
    """Histories shared by the tests: each structure compiles once."""
    if config not in HISTORY:
        HISTORY[config] = train(config)
    return HISTORY[config]


def test_adam_learns_moons_and_spirals():
    moons = trained(BASE)
    assert moons.val_accuracy[0, -1] >= 0.97
    spirals = trained(BASE.replace(dataset="spirals", noise=0.03))
    assert spirals.val_accuracy[0, -1] >= 0.90


def test_history_shapes_and_bookkeeping():
    history = trained(BASE)
    steps = BASE.steps
    for curve in (history.train_loss, history.train_accuracy, history.val_loss):
        assert curve.shape == (1, steps + 1)
    assert history.grad_norm.shape == history.batch_loss.shape == (1, steps)
    np.testing.assert_array_equal(history.samples_seen[0], 32 * np.arange(steps + 1))
    np.testing.assert_allclose(history.epochs[0, -1], 32 * steps / N_TRAIN)
    np.testing.assert_allclose(history.lr, 0.02)
    assert history.diverged_at.tolist() == [-1]
    checkpoints = history.checkpoint_steps
    assert checkpoints[0] == 0 and checkpoints[-1] == steps and len(checkpoints) <= 100
    assert np.all(np.diff(checkpoints) > 0)
    assert history.snapshots.shape == (1, len(checkpoints), NET.parameter_count())
    np.testing.assert_array_equal(history.snapshots[0, -1], history.final_params[0])
    params, stats = history.params_at(0, -1)
    data = BASE.data()
    loss = loss_fn(NET, params, data.x_train, data.y_train, stats)
    np.testing.assert_allclose(loss, history.train_loss[0, -1], rtol=1e-4)


def test_runs_in_one_call_equal_runs_alone():
    """Runs of four structures in one call, in the config's order, all from one θ₀; a run
    vmapped with others equals the run alone."""
    race = trained(RACE)
    alone = trained(BASE)
    np.testing.assert_allclose(race.train_loss[0], alone.train_loss[0], rtol=2e-5)
    np.testing.assert_allclose(race.final_params[0], alone.final_params[0], atol=2e-5)
    np.testing.assert_array_equal(race.snapshots[:, 0], race.snapshots[[0, 0, 0, 0], 0])
    np.testing.assert_allclose(race.lr[1, :5], 0.01 * np.array([1, 1, 0.5, 0.5, 0.25]))
    np.testing.assert_allclose(race.lr[2, :2], [1e-5, 1e-8])
    np.testing.assert_array_equal(race.samples_seen[:, 1], [32, N_TRAIN, 5, 45])


def test_full_batch_steps_equal_optax_stepped_by_hand():
    """B = n_train: θ at the first checkpoint equals optax.adam's updates scaled by the step
    schedule s(t) = ½^⌊t/2⌋, applied by hand to the same θ₀."""
    history = trained(RACE)
    data = RACE.data()
    optimizer = optax.adam(learning_rate=0.01, b1=0.8, b2=0.999, eps=1e-8)

    @jax.jit
    def by_hand(params, state, factor):
        grads = jax.grad(lambda p: mlp.loss_fn(NET, p, data.x_train, data.y_train))(params)
        updates, state = optimizer.update(grads, state, params)
        return optax.apply_updates(params, jax.tree.map(lambda u: factor * u, updates)), state

    params = history.unravel(history.snapshots[1, 0])
    state = optimizer.init(params)
    steps = history.checkpoint_steps[1]
    assert steps >= 3
    for t in range(steps):
        params, state = by_hand(params, state, 0.5 ** (t // 2))
    final, _ = history.params_at(1, 1)
    for got, want in zip(jax.tree.leaves(final), jax.tree.leaves(params), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("n", "batch"), [(12, 4), (10, 4), (7, 7), (9, 1)])
def test_minibatches_sample_without_replacement_epoch_by_epoch(n, batch):
    steps = 3 * n
    stream = sample_stream(3, n, batch, steps)
    batches = [np.asarray(minibatch(stream, t, batch)) for t in range(steps)]
    drawn = np.concatenate(batches)
    epochs = drawn[: (len(drawn) // n) * n].reshape(-1, n)
    assert len(epochs) == steps * batch // n
    for epoch in epochs:
        np.testing.assert_array_equal(np.sort(epoch), np.arange(n))
    if batch < n:
        assert len({tuple(epoch) for epoch in epochs}) == len(epochs)


@pytest.mark.parametrize("steps", [1, 2, 98, 99, 100, 101, 400, 999, 1000, 5000])
@pytest.mark.parametrize("floats", [10, 2**20])
def test_checkpoints_start_at_zero_end_at_steps_and_fit_the_budget(steps, floats):
    chunk, chunks, at = checkpoint_plan(steps, floats)
    assert at[0] == 0 and at[-1] == steps and np.all(np.diff(at) > 0)
    assert len(at) <= min(MAX_CHECKPOINTS, max(2, SNAPSHOT_FLOATS // floats))
    assert chunk * chunks >= steps + 1
    if chunk == 1:
        np.testing.assert_array_equal(at, np.arange(steps + 1))
    else:
        np.testing.assert_array_equal(at[1:-1], (np.arange(1, chunks) * chunk - 1))


def test_a_longer_stream_starts_with_the_shorter_one():
    """A run's minibatches do not depend on the largest batch of its race."""
    short, long = (np.asarray(sample_stream(5, 30, b, 20)) for b in (4, 25))
    np.testing.assert_array_equal(long[: len(short)], short)


def test_minibatch_gradient_variance_falls_like_one_over_b():
    """E‖g_B‖² = ‖ḡ‖² + tr Σ/B · (N − B)/(N − 1) for B of N points drawn without replacement,
    tr Σ = (1/N) Σᵢ ‖gᵢ − ḡ‖². The rate is tiny and decays at once, so θ stays at θ₀."""
    history = trained(RACE)
    data = RACE.data()
    n = N_TRAIN

    @jax.jit
    def gradients(theta):
        def loss(theta, x, y):
            return mlp.loss_fn(NET, history.unravel(theta), x, y)

        mean = jax.grad(loss)(theta, data.x_train, data.y_train)
        each = jax.vmap(jax.grad(loss), (None, 0, 0))(
            theta, data.x_train[:, None], data.y_train[:, None]
        )
        return mean, each

    mean, each = (np.asarray(a, np.float64) for a in gradients(history.snapshots[2, 0]))
    trace = np.mean(np.sum((each - mean) ** 2, axis=1))
    for i, b in enumerate(VARIANCE_BATCHES, start=2):
        measured = np.mean(history.grad_norm[i].astype(np.float64) ** 2) - mean @ mean
        predicted = trace / b * (n - b) / (n - 1)
        assert measured == pytest.approx(predicted, rel=0.1)


def test_a_rate_too_large_diverges_cleanly():
    config = BASE.replace(runs=(ADAM._replace(hyperparams={"learning_rate": 10.0}),))
    history = trained(config)
    k = history.diverged_at[0]
    assert 0 < k <= 10
    arrays = [getattr(history, name) for name in ("train_loss", "val_loss", "grad_norm", "lr")]
    for array in [*arrays, history.batch_loss, history.snapshots, history.final_params]:
        assert np.all(np.isfinite(array))
    assert np.all(history.train_loss[0, k:] == history.train_loss[0, k - 1])
    assert np.all(history.grad_norm[0, k:] == 0)
    np.testing.assert_array_equal(history.final_params[0], history.snapshots[0, -1])


def test_no_recompilation_when_rates_seeds_noise_or_scale_change():
    trained(BASE)
    moved = BASE.replace(
        runs=(ADAM._replace(hyperparams={"learning_rate": 0.003, "b1": 0.5}),),
        noise=0.3,
        data_seed=4,
        seed=9,
        net=NET.replace(init_scale=0.5),
    )
    assert count_compilations(lambda: train(moved)) == 0
    history = trained(BASE)
    decision_field(BASE, history, [0, -1])
    assert count_compilations(lambda: decision_field(BASE, history, [3, 5])) == 0


def test_decision_field_is_the_networks_probabilities_on_a_grid():
    history = trained(BASE)
    field = decision_field(BASE, history, [-1], resolution=16)
    assert field.probabilities.shape == (1, 1, 16, 16, 2)
    np.testing.assert_allclose(field.probabilities.sum(axis=-1), 1.0, rtol=1e-5)
    (x0, x1), (_, y1) = datasets.CATALOG["moons"].extent
    assert field.xs[0] == x0 and field.xs[-1] == x1 and field.ys[-1] == y1
    params, _ = history.params_at(0, -1)
    corner = np.array([[field.xs[3], field.ys[11]]], np.float32)
    np.testing.assert_allclose(
        field.probabilities[0, 0, 11, 3], probabilities(NET, params, corner)[0], rtol=1e-4
    )


LINK = TrainConfig(
    "blobs",
    n=150,
    noise=0.2,
    data_seed=3,
    net=NetConfig(3, 16, "relu", "he", True, "batch", 0.8),
    runs=(
        Run("momentum", {"learning_rate": 0.05}, ("cosine", {"decay_steps": 100.0}), 8),
        Run("adamw", {}, None, 100),
    ),
    steps=250,
    seed=7,
)


def test_link_round_trip_and_defaults():
    query = LINK.to_query()
    assert set(query) == QUERY_KEYS
    assert all(isinstance(value, str) for value in query.values())
    assert TrainConfig.from_query(query) == LINK
    assert TrainConfig.from_query({k: [v] for k, v in query.items()}) == LINK
    assert TrainConfig.from_query({}) == TrainConfig()
    assert hash(LINK) == hash(TrainConfig.from_query(query))


TRAINABLE = [key for key, spec in OPTIMIZERS.items() if not spec.uses_hessian]


@st.composite
def hyperparams(draw, specs):
    return {
        h.name: draw(st.floats(h.min, h.max, allow_nan=False, allow_subnormal=False))
        for h in specs
        if draw(st.booleans())
    }


@st.composite
def configs(draw):
    dataset = draw(st.sampled_from(list(datasets.CATALOG)))
    n = draw(st.integers(datasets.MIN_POINTS, datasets.MAX_POINTS))
    n_train, _ = datasets.split_sizes(n, datasets.CATALOG[dataset].classes)
    norm = draw(st.sampled_from(mlp.NORMS))
    runs = []
    for _ in range(draw(st.integers(1, MAX_RUNS))):
        key = draw(st.sampled_from(TRAINABLE))
        schedule = None
        if draw(st.booleans()):
            schedule_key = draw(st.sampled_from(list(SCHEDULES)))
            schedule = (schedule_key, draw(hyperparams(SCHEDULES[schedule_key].hyperparams)))
        batch = draw(st.integers(2 if norm == "batch" else 1, n_train))
        runs.append(Run(key, draw(hyperparams(OPTIMIZERS[key].hyperparams)), schedule, batch))
    net = NetConfig(
        depth=draw(st.integers(0, mlp.MAX_DEPTH)),
        width=draw(st.integers(1, mlp.MAX_WIDTH)),
        activation=draw(st.sampled_from(list(mlp.ACTIVATIONS))),
        init=draw(st.sampled_from(list(mlp.INITIALIZERS))),
        residual=draw(st.booleans()),
        norm=norm,
        init_scale=draw(st.floats(1e-3, mlp.MAX_INIT_SCALE)),
    )
    config = TrainConfig(
        dataset,
        n,
        draw(st.floats(0, datasets.MAX_NOISE)),
        draw(st.integers(0, 2**31 - 1)),
        net,
        tuple(runs),
        1,
        draw(st.integers(0, 2**31 - 1)),
    )
    most = min(MAX_STEPS, MAX_WORK // config.work)
    return config.replace(steps=draw(st.integers(1, most)))


@settings(max_examples=150)
@given(configs())
def test_any_config_survives_its_link(config):
    assert TrainConfig.from_query(config.to_query()) == config


ONE_RUN = LINK.replace(runs=LINK.runs[:1]).to_query()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"view": "3d"}, "unknown key 'view'"),
        ({"data": "swirl"}, "Unknown dataset"),
        ({"n": "12"}, "number of points"),
        ({"noise": "nan"}, "noise"),
        ({"depth": "30"}, "depth"),
        ({"width": "wide"}, "width"),
        ({"act": "swish"}, "Unknown activation"),
        ({"norm": "group"}, "Unknown normalization"),
        ({"res": "2"}, "res= is 0 or 1"),
        ({"gain": "inf"}, "initial scale"),
        ({"opt": "adam(learning_rate)"}, "expected param=value"),
        ({"opt": "adam(lr=0.1)"}, "no hyperparameter 'lr'"),
        ({"opt": "newton()"}, "needs the Hessian"),
        ({"opt": "sgd(),sgd(),sgd(),sgd(),sgd()"}, "between 1 and 4"),
        ({"opt": "sgd(),adam()", "sched": "none,none"}, "batch= lists 1 entries for 2"),
        ({"opt": "sgd()", "sched": "warp()"}, "Unknown schedule"),
        ({"opt": "sgd()", "sched": "cosine(alpha=7)"}, "outside its range"),
        ({"batch": "1000"}, "batch size"),
        ({"batch": "1", "norm": "batch"}, "at least 2"),
        ({"steps": str(MAX_STEPS + 1)}, "number of steps"),
        ({"depth": "20", "width": "256", "steps": "5000"}, "too long for a live picture"),
        ({"seed": "-1"}, "seed"),
    ],
)
def test_bad_links_say_what_is_wrong(changes, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig.from_query({**ONE_RUN, **changes})
