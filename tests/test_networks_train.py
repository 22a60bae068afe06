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
    MAX_RUNS,
    MAX_STEPS,
    QUERY_KEYS,
    Run,
    TrainConfig,
    batch_indices,
    decision_field,
    train,
)
from optimizers.catalog import CATALOG as OPTIMIZERS
from optimizers.compilations import count_compilations
from optimizers.schedules import CATALOG as SCHEDULES

NET = NetConfig(depth=2, width=32, activation="tanh")
ADAM = Run("adam", {"learning_rate": 0.02}, None, 32)
BASE = TrainConfig("moons", n=300, noise=0.1, net=NET, runs=(ADAM,), steps=400, seed=0)
HISTORY = {}


def trained(config: TrainConfig):
    if config not in HISTORY:
        HISTORY[config] = train(config)
    return HISTORY[config]


def test_adam_learns_moons_and_spirals():
    moons = trained(BASE)
    assert moons.val_accuracy[0, -1] >= 0.97
    spirals = trained(BASE.replace(dataset="spirals", noise=0.03, steps=400))
    assert spirals.val_accuracy[0, -1] >= 0.90


def test_history_shapes_and_bookkeeping():
    history = trained(BASE)
    steps, n_train = BASE.steps, len(BASE.data().y_train)
    for curve in (history.train_loss, history.train_accuracy, history.val_loss):
        assert curve.shape == (1, steps + 1)
    assert history.grad_norm.shape == history.batch_loss.shape == (1, steps)
    np.testing.assert_array_equal(history.samples_seen[0], 32 * np.arange(steps + 1))
    np.testing.assert_allclose(history.epochs[0, -1], 32 * steps / n_train)
    np.testing.assert_allclose(history.lr, 0.02)
    assert history.diverged_at.tolist() == [-1]
    checkpoints = history.checkpoint_steps
    assert checkpoints[0] == 0 and checkpoints[-1] == steps and len(checkpoints) <= 100
    assert np.all(np.diff(checkpoints) > 0)
    assert history.snapshots.shape == (1, len(checkpoints), NET.parameter_count())
    np.testing.assert_array_equal(history.snapshots[0, -1], history.final_params[0])
    params, stats = history.params_at(0, -1)
    data = BASE.data()
    loss = mlp.loss_fn(NET, params, data.x_train, data.y_train, stats)
    np.testing.assert_allclose(loss, history.train_loss[0, -1], rtol=1e-4)


def test_runs_in_one_call_equal_runs_alone():
    """Grouped and vmapped runs, in any order, give each run's own history, all from one θ₀."""
    sgd = Run("sgd", {"learning_rate": 0.5}, ("cosine", {"decay_steps": 300.0}), 32)
    slower = ADAM._replace(hyperparams={"learning_rate": 0.005})
    together = trained(BASE.replace(runs=(ADAM, sgd, slower)))
    for i, run in enumerate((ADAM, sgd, slower)):
        alone = trained(BASE.replace(runs=(run,)))
        np.testing.assert_allclose(together.train_loss[i], alone.train_loss[0], rtol=2e-5)
        np.testing.assert_allclose(together.final_params[i], alone.final_params[0], atol=2e-5)
    np.testing.assert_array_equal(together.snapshots[:, 0], together.snapshots[[0, 0, 0], 0])
    assert together.lr[1, -1] < together.lr[1, 0] == pytest.approx(0.5)


def test_two_steps_equal_optax_stepped_by_hand():
    """Full batch (B = n_train): θ₂ from the engine equals optax.adam's two updates scaled by
    the schedule s(0), s(1), applied to the same θ₀."""
    data = datasets.make("xor", 80, 0.05, 3)
    n_train = len(data.y_train)
    schedule = ("step", {"factor": 0.5, "every": 1.0})
    run = Run("adam", {"learning_rate": 0.05, "b1": 0.8}, schedule, n_train)
    config = TrainConfig("xor", 80, 0.05, 3, NetConfig(depth=1, width=8), (run,), steps=2, seed=5)
    history = train(config)
    theta = history.snapshots[0, 0]
    optimizer = optax.adam(learning_rate=0.05, b1=0.8, b2=0.999, eps=1e-8)
    params = history.unravel(theta)
    state = optimizer.init(params)
    for t in range(2):
        grads = jax.grad(lambda p: mlp.loss_fn(config.net, p, data.x_train, data.y_train))(params)
        updates, state = optimizer.update(grads, state, params)
        params = optax.apply_updates(params, jax.tree.map(lambda u, t=t: 0.5**t * u, updates))
    final, _ = history.params_at(0, -1)
    for got, want in zip(jax.tree.leaves(final), jax.tree.leaves(params), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("n", "batch"), [(12, 4), (10, 4), (7, 7), (9, 1)])
def test_minibatches_sample_without_replacement_epoch_by_epoch(n, batch):
    key = jax.random.key(3)
    steps = 3 * n
    stream = np.concatenate([np.asarray(batch_indices(key, t, n, batch)) for t in range(steps)])
    epochs = stream[: (len(stream) // n) * n].reshape(-1, n)
    for epoch in epochs:
        np.testing.assert_array_equal(np.sort(epoch), np.arange(n))
    if batch < n:
        assert len({tuple(epoch) for epoch in epochs}) == len(epochs)


def test_minibatch_gradient_variance_falls_like_one_over_b():
    """E‖g_B‖² = ‖ḡ‖² + tr Σ/B · (N − B)/(N − 1) for B of N points drawn without replacement,
    tr Σ = (1/N) Σᵢ ‖gᵢ − ḡ‖². The rate is tiny and decays at once, so θ stays at θ₀."""
    frozen = ("exponential", {"rate": 1e-3, "decay_steps": 1.0})
    batches = (4, 16, 48)
    runs = tuple(Run("sgd", {"learning_rate": 1e-5}, frozen, b) for b in batches)
    config = TrainConfig("circles", 128, 0.1, 0, NetConfig(depth=1, width=16), runs, 720, 0)
    history = train(config)
    data = config.data()
    n = len(data.y_train)
    params = history.unravel(history.snapshots[0, 0])

    def loss(p, x, y):
        return mlp.loss_fn(config.net, p, x, y)

    def flat(tree):
        return np.concatenate([np.ravel(leaf) for leaf in jax.tree.leaves(tree)])

    mean = flat(jax.grad(loss)(params, data.x_train, data.y_train))
    each = jax.vmap(jax.grad(loss), (None, 0, 0))(
        params, data.x_train[:, None], data.y_train[:, None]
    )
    each = np.stack([flat(jax.tree.map(lambda a, i=i: a[i], each)) for i in range(n)])
    trace = np.mean(np.sum((each - mean) ** 2, axis=1))
    for i, b in enumerate(batches):
        measured = np.mean(history.grad_norm[i] ** 2) - mean @ mean
        predicted = trace / b * (n - b) / (n - 1)
        assert measured == pytest.approx(predicted, rel=0.1)


def test_a_rate_too_large_diverges_cleanly():
    net = NetConfig(depth=2, width=16, activation="relu", init="he", init_scale=3.0)
    runs = (Run("sgd", {"learning_rate": 10.0}, None, 16), Run("adam", {"learning_rate": 0.01}))
    config = TrainConfig("spirals", 100, 0.05, 0, net, runs, steps=60, seed=1)
    history = train(config)
    k = history.diverged_at[0]
    assert 0 < k <= 60 and history.diverged_at[1] == -1
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
        field.probabilities[0, 0, 11, 3], mlp.probabilities(NET, params, corner)[0], rtol=1e-4
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
    return TrainConfig(
        dataset,
        n,
        draw(st.floats(0, datasets.MAX_NOISE)),
        draw(st.integers(0, 2**31 - 1)),
        net,
        tuple(runs),
        draw(st.integers(1, MAX_STEPS)),
        draw(st.integers(0, 2**31 - 1)),
    )


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
        ({"seed": "-1"}, "seed"),
    ],
)
def test_bad_links_say_what_is_wrong(changes, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig.from_query({**ONE_RUN, **changes})
