"""Training: accuracy reached, optax by hand, minibatch statistics, divergence, compile counts,
growing batches (Smith et al. 2018), and the link."""

import math
from fractions import Fraction

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
    BatchGrowth,
    Run,
    TrainConfig,
    batch_sizes,
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


GROWTH = (5.0, 30)
SGD = {"learning_rate": 0.2}
GROWING = BASE.replace(
    runs=(
        Run("sgd", SGD, None, 4, GROWTH),
        Run("sgd", SGD, None, 4),
        Run("sgd", SGD, None, 4, (1.0, 7)),
        Run("sgd", SGD, None, 4, (5.0, 99)),
    ),
    steps=99,
)


def growing_batch(t, b0=4, factor=5, every=30, n_train=N_TRAIN):
    """min(B₀ γ^⌊t/k⌋, n_train), in integers."""
    return min(b0 * factor ** (t // every), n_train)


@pytest.mark.parametrize(
    ("factor", "every", "b0"),
    [
        (5.0, 30, 4),
        (1.4, 25, 25),
        (1.15, 2, 20),
        (2.0, 1, 1),
        (10.0, 3, 7),
        (1.0, 5, 9),
        (1.5, 4, 3),
    ],
)
def test_batch_sizes_follow_the_formula(factor, every, b0):
    """B_t = min(⌊B₀ γ^⌊t/k⌋⌋, n_train), γ read as the decimal it is written as: exact
    fractions, so 25 · 1.4² = 49 and 20 · 1.15 = 23 (both a hair below in float64)."""
    steps, n_train = 60, 500
    exact = Fraction(str(factor))
    want = [min(math.floor(b0 * exact ** (t // every)), n_train) for t in range(steps)]
    got = batch_sizes(Run("sgd", {}, None, b0, (factor, every)), steps, n_train)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(batch_sizes(Run("sgd", {}, None, b0), steps, n_train), b0)


def test_a_growing_batch_counts_its_samples():
    history = trained(GROWING)
    want = [growing_batch(t) for t in range(GROWING.steps)]
    assert want[29:32] == [4, 20, 20] and want[-1] == N_TRAIN
    np.testing.assert_array_equal(history.batch_size[0], want)
    np.testing.assert_array_equal(history.samples_seen[0], np.concatenate([[0], np.cumsum(want)]))
    np.testing.assert_array_equal(history.samples_seen[1:], 4 * np.arange(100)[None].repeat(3, 0))
    np.testing.assert_allclose(history.epochs[0, -1], sum(want) / N_TRAIN)
    np.testing.assert_allclose(history.lr, 0.2)
    assert history.diverged_at.tolist() == [-1] * 4


def test_a_batch_that_never_grows_is_the_plain_run():
    """γ = 1, or k ≥ steps: the plain run, exactly. A growing run before its first growth takes
    the same points as the plain run (B₀ of its B_max, masked), so it follows it to rounding."""
    history = trained(GROWING)
    for name in ("train_loss", "val_loss", "batch_loss", "grad_norm", "snapshots"):
        array = getattr(history, name)
        np.testing.assert_array_equal(array[2], array[1])
        np.testing.assert_array_equal(array[3], array[1])
    np.testing.assert_allclose(history.snapshots[0, :31], history.snapshots[1, :31], atol=2e-6)
    assert not np.allclose(history.snapshots[0, 40], history.snapshots[1, 40], atol=1e-3)


def test_a_growing_batch_steps_on_the_mean_gradient_of_its_points():
    """Step t takes the next B_t points of the sampling stream (the whole training set once B_t
    = n_train) and steps on their mean gradient: θ_t − θ_{t+1} = η ∇L_{B_t}(θ_t) for SGD,
    checked against the gradient computed here at θ_t, in every stage."""
    history = trained(GROWING)
    data = GROWING.data()
    assert np.array_equal(history.checkpoint_steps, np.arange(GROWING.steps + 1))
    stream = np.asarray(sample_stream(GROWING.seed, N_TRAIN, N_TRAIN, GROWING.steps))
    sizes = [growing_batch(t) for t in range(GROWING.steps)]
    offsets = np.concatenate([[0], np.cumsum(sizes)])

    @jax.jit
    def loss_and_grad(theta, x, y):
        return jax.value_and_grad(lambda th: mlp.loss_fn(NET, history.unravel(th), x, y))(theta)

    for t in (0, 17, 29, 30, 44, 59, 60, 75, 89, 90, 98):
        if sizes[t] == N_TRAIN:
            points = np.arange(N_TRAIN)
        else:
            points = stream[offsets[t] : offsets[t] + sizes[t]]
            assert len(points) == sizes[t]
        theta = history.snapshots[0, t]
        loss, grad = loss_and_grad(theta, data.x_train[points], data.y_train[points])
        grad = np.asarray(grad, np.float64)
        stepped = (theta.astype(np.float64) - history.snapshots[0, t + 1]) / 0.2
        assert np.linalg.norm(stepped - grad) <= 2e-4 * np.linalg.norm(grad), t
        np.testing.assert_allclose(history.batch_loss[0, t], loss, rtol=1e-5)
        np.testing.assert_allclose(history.grad_norm[0, t], np.linalg.norm(grad), rtol=1e-5)


def test_no_recompilation_when_the_growth_moves_within_its_largest_batch():
    """γ, k and B₀ reach the kernel as the sequence B_t: moving them recompiles nothing while the
    largest batch B_max (here the whole training set) stays."""
    trained(GROWING)
    runs = list(GROWING.runs)
    runs[0] = Run("sgd", {"learning_rate": 0.05}, None, 3, (4.0, 20))
    runs[2] = runs[2]._replace(batch_growth=(1.0, 50))
    moved = GROWING.replace(runs=tuple(runs), seed=5, data_seed=2, noise=0.2)
    assert moved.batch_sizes[0].max() == N_TRAIN
    assert count_compilations(lambda: train(moved)) == 0


SMITH_RATE, SMITH_BATCH, SMITH_FACTOR, SMITH_EVERY = 0.5, 4, 5.0, 150
SMITH = TrainConfig(
    "moons",
    n=1000,
    noise=0.2,
    net=NetConfig(2, 32, "tanh", "xavier"),
    runs=(
        Run(
            "sgd",
            {"learning_rate": SMITH_RATE},
            ("step", {"factor": 1 / SMITH_FACTOR, "every": float(SMITH_EVERY)}),
            SMITH_BATCH,
        ),
        Run("sgd", {"learning_rate": SMITH_RATE}, None, SMITH_BATCH, (SMITH_FACTOR, SMITH_EVERY)),
        Run("sgd", {"learning_rate": SMITH_RATE}, None, SMITH_BATCH),
    ),
    steps=2 * SMITH_EVERY,
)


def test_growing_the_batch_does_what_decaying_the_rate_does_in_fewer_steps():
    """Smith, Kindermans, Ying & Le (2018) in small: SGD (η₀ = 0.5, B₀ = 4) on moons, once with
    the rate divided by 5 after k = 150 steps, once with the batch multiplied by 5 instead.
    Both divide the noise scale η N / B by 5 at the same epoch, so per epoch their validation
    losses agree — the decaying run after its 300 steps, the growing one after 150 + 150/5 = 180
    — while SGD at the constant rate stays above both (its noise keeps it from settling)."""
    history = trained(SMITH)
    decay, grow, constant = 0, 1, 2
    samples = history.samples_seen
    end = samples[decay, -1]
    matched = int(np.searchsorted(samples[grow], end))
    assert samples[grow, matched] == end == 300 * SMITH_BATCH
    assert matched == SMITH_EVERY + SMITH_EVERY // 5
    val = history.val_loss
    assert abs(val[grow, matched] - val[decay, -1]) <= 0.01
    assert val[constant, -1] - val[decay, -1] >= 0.03
    # After the change, at every sample count both runs reach: the curves per epoch agree.
    later = np.intersect1d(samples[grow, SMITH_EVERY + 1 : matched + 1], samples[decay])
    assert len(later) == matched - SMITH_EVERY
    gap = (
        val[grow, np.searchsorted(samples[grow], later)]
        - val[decay, np.searchsorted(samples[decay], later)]
    )
    assert np.mean(np.abs(gap)) <= 0.01 and np.max(np.abs(gap)) <= 0.03
    assert history.diverged_at.tolist() == [-1, -1, -1]


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


GROWING_LINK = LINK.replace(
    net=LINK.net.replace(norm="layer"),
    runs=(
        *LINK.runs,
        Run("sgd", {}, ("step", {"factor": 0.2}), 4, (5.0, 60)),
        ("sgd", {}, None, 8, (1.5, 7)),
    ),
)


def test_link_round_trip_and_defaults():
    query = LINK.to_query()
    assert set(query) == QUERY_KEYS
    assert all(isinstance(value, str) for value in query.values())
    assert TrainConfig.from_query(query) == LINK
    assert TrainConfig.from_query({k: [v] for k, v in query.items()}) == LINK
    assert TrainConfig.from_query({}) == TrainConfig()
    assert hash(LINK) == hash(TrainConfig.from_query(query))
    growing = GROWING_LINK.to_query()
    assert growing["grow"] == "none,none,5x60,1.5x7"
    assert TrainConfig.from_query(growing) == GROWING_LINK
    assert GROWING_LINK.runs[3].batch_growth == BatchGrowth(1.5, 7)


def test_links_from_before_batch_growth_still_work():
    """A link without grow= (written before batch growth existed) grows no batch."""
    query = {key: value for key, value in LINK.to_query().items() if key != "grow"}
    config = TrainConfig.from_query(query)
    assert config == LINK
    assert all(run.batch_growth is None for run in config.runs)


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
        growth = None
        if norm != "batch" and draw(st.booleans()):
            factor = draw(st.floats(1.0, 10.0, allow_subnormal=False))
            growth = BatchGrowth(factor, draw(st.integers(1, MAX_STEPS)))
        hp = draw(hyperparams(OPTIMIZERS[key].hyperparams))
        runs.append(Run(key, hp, schedule, batch, growth))
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
    # A growing batch costs up to the whole training set per step.
    widest = tuple(r._replace(batch_size=n_train, batch_growth=None) for r in config.runs)
    most = min(MAX_STEPS, MAX_WORK // config.replace(runs=widest).work)
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
        ({"grow": "5"}, "grow= lists none or γxk"),
        ({"grow": "x100"}, "grow= lists none or γxk"),
        ({"grow": "fivex100"}, "growth factor γ must be a number"),
        ({"grow": "infx100"}, "growth factor γ must be a finite number"),
        ({"grow": "20x100"}, r"γ must be in \[1, 10\], not 20"),
        ({"grow": "0.5x100"}, r"γ must be in \[1, 10\], not 0.5"),
        ({"grow": "5x0"}, "steps between batch growths"),
        ({"grow": "5x2.5"}, "steps between batch growths"),
        ({"grow": "5x10,none"}, "grow= lists 2 entries for 1"),
        ({"grow": "5x10", "norm": "batch"}, "cannot use batch normalization"),
        ({"depth": "20", "width": "256", "steps": "5000"}, "too long for a live picture"),
        ({"seed": "-1"}, "seed"),
    ],
)
def test_bad_links_say_what_is_wrong(changes, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig.from_query({**ONE_RUN, **changes})
