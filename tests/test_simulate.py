"""The engine: shapes, divergence, noise, clipping, schedules, sweeps and compile counts."""

import math

import jax
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import landscapes
from optimizers import CATALOG
from optimizers.compilations import count_compilations
from optimizers.schedules import CATALOG as SCHEDULES
from optimizers.simulate import (
    DIVERGENCE_SPANS,
    RunConfig,
    endpoints,
    padded_size,
    simulate,
    sweep,
)


def test_shapes_and_start_point():
    config = RunConfig(
        "himmelblau",
        (("sgd", {"learning_rate": 0.01}), ("adam", {}), ("newton", {})),
        starts=((0.0, 0.0), (1.0, -1.0)),
        steps=50,
    )
    run = simulate(config)
    assert run.points.shape == (3, 2, 51, 2)
    assert run.loss.shape == (3, 2, 51)
    assert run.grads.shape == run.updates.shape == run.applied_grads.shape == (3, 2, 50, 2)
    assert run.lr.shape == (3, 50)
    assert run.diverged_at.shape == (3, 2)
    np.testing.assert_array_equal(run.points[:, :, 0], np.broadcast_to(config.starts, (3, 2, 2)))
    fn = jax.vmap(landscapes.CATALOG["himmelblau"].fn)
    np.testing.assert_allclose(run.loss[0, 0], fn(run.points[0, 0]), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(run.updates, np.diff(run.points, axis=2), atol=1e-6)
    np.testing.assert_allclose(run.grads[1, 1, 0], jax.grad(landscapes.CATALOG["himmelblau"].fn)(
        np.array([1.0, -1.0], np.float32)), rtol=1e-6)  # fmt: skip


def test_default_start_is_the_landscapes_own():
    config = RunConfig("ravine", (("sgd", {}),))
    assert config.starts == ((-7.0, 2.0),)
    assert config.optimizers == (("sgd", CATALOG["sgd"].defaults()),)


def test_divergence_is_detected_at_the_step_the_closed_form_predicts():
    """SGD with η = 1.1 on the ravine from (0, 2): y_k = 2·(−1.2)^k leaves the bound."""
    land = landscapes.CATALOG["ravine"]
    (x0, x1), (y0, y1) = land.domain
    radius = DIVERGENCE_SPANS * max(x1 - x0, y1 - y0)
    centre_y = (y0 + y1) / 2
    expected = next(k for k in range(1, 500) if abs(2 * (-1.2) ** k - centre_y) > radius)
    run = simulate(RunConfig("ravine", (("sgd", {"learning_rate": 1.1}),), starts=((0.0, 2.0),),
                             steps=expected + 20))  # fmt: skip
    k = run.diverged_at[0, 0]
    assert k == expected
    path = run.points[0, 0]
    np.testing.assert_array_equal(path[k:], np.broadcast_to(path[k - 1], path[k:].shape))
    assert np.all(run.updates[0, 0, k - 1 :] == 0)
    assert np.all(run.grads[0, 0, k:] == 0)


def test_overflow_is_caught_and_nothing_non_finite_leaves_the_engine():
    config = RunConfig(
        "rosenbrock",
        (("sgd", {"learning_rate": 1.0}), ("adam", {"learning_rate": 0.001})),
        starts=((-1.5, 2.0),),
        steps=200,
    )
    run = simulate(config)
    assert run.diverged_at[0, 0] > 0 and run.diverged_at[1, 0] == -1
    for array in (run.points, run.loss, run.grads, run.applied_grads, run.updates, run.lr):
        assert np.all(np.isfinite(array))


def test_noise_has_the_minibatch_standard_deviation_and_is_reproducible():
    starts = tuple((float(x), 0.0) for x in np.linspace(-1, 1, 64))
    config = RunConfig("bowl", (("sgd", {"learning_rate": 1e-4}),), starts=starts, steps=200,
                       noise_std=2.0, batch_size=16, seed=3)  # fmt: skip
    run = simulate(config)
    noise = run.applied_grads - run.grads
    assert noise.std() == pytest.approx(2.0 / math.sqrt(16), rel=0.03)
    assert abs(noise.mean()) < 0.01
    np.testing.assert_array_equal(simulate(config).points, run.points)
    assert not np.array_equal(simulate(config.replace(seed=4)).points, run.points)


def test_all_optimizers_see_the_same_noise():
    config = RunConfig("bowl", (("sgd", {}), ("adam", {})), starts=((1.0, 1.0),), steps=5,
                       noise_std=1.0)  # fmt: skip
    run = simulate(config)
    first_noise = run.applied_grads[:, 0, 0] - run.grads[:, 0, 0]
    np.testing.assert_allclose(first_noise[0], first_noise[1], rtol=1e-6)


def test_clipping_bounds_the_applied_gradient_norm():
    config = RunConfig("rosenbrock", (("sgd", {"learning_rate": 1e-3}),), starts=((-1.5, 2.0),),
                       steps=100, clip_norm=5.0)  # fmt: skip
    run = simulate(config)
    raw = np.linalg.norm(run.grads, axis=-1)
    applied = np.linalg.norm(run.applied_grads, axis=-1)
    assert raw.max() > 5 and applied.max() <= 5.0 * (1 + 1e-5)
    np.testing.assert_allclose(applied, np.minimum(raw, 5.0), rtol=1e-5)


@pytest.mark.parametrize("schedule", sorted(SCHEDULES))
def test_schedule_multiplies_the_learning_rate_on_a_bowl(schedule):
    """SGD on (x²+y²)/2: x_{t+1} = x_t (1 − η s(t)), with s from the schedule's own closed form."""
    hp = SCHEDULES[schedule].defaults()
    config = RunConfig("bowl", (("sgd", {"learning_rate": 0.05}),), starts=((1.0, -2.0),),
                       steps=150, schedule=(schedule, hp))  # fmt: skip
    run = simulate(config)
    multiplier = np.array([SCHEDULES[schedule].build(**hp)(t) for t in range(150)])
    np.testing.assert_allclose(run.lr[0], 0.05 * multiplier, rtol=1e-5)
    expected = np.concatenate([[1.0], np.cumprod(1 - 0.05 * multiplier)])
    np.testing.assert_allclose(run.points[0, 0, :, 0], expected, rtol=1e-4, atol=1e-7)


def test_twenty_slider_changes_compile_nothing():
    base = RunConfig(
        "rosenbrock",
        (("sgd", {"learning_rate": 1e-3}), ("adam", {}), ("newton", {})),
        starts=((-1.5, 2.0), (0.0, 0.0)),
        steps=100,
        schedule=("cosine", SCHEDULES["cosine"].defaults()),
        clip_norm=10.0,
        noise_std=0.1,
    )
    simulate(base)
    rng = np.random.default_rng(0)

    def moves():
        for i in range(20):
            hp = {
                "learning_rate": float(10 ** rng.uniform(-3, -1)),
                "b1": float(rng.uniform(0, 0.99)),
            }
            sgd = {"learning_rate": float(rng.uniform(1e-4, 1e-3))}
            newton = {"damping": float(rng.uniform(0, 2))}
            schedule = {"decay_steps": float(rng.integers(10, 100)), "alpha": 0.1}
            start = (float(rng.uniform(-2, 2)), float(rng.uniform(-1, 3)))
            simulate(
                base.replace(
                    optimizers=(("sgd", sgd), ("adam", hp), ("newton", newton)),
                    starts=(start, (0.0, 0.0)),
                    clip_norm=float(rng.uniform(1, 20)),
                    noise_std=float(rng.uniform(0, 1)),
                    seed=i,
                    schedule=("cosine", schedule),
                )
            )

    assert count_compilations(moves) == 0


def test_sweep_equals_single_runs():
    config = RunConfig("ravine", (("momentum", {}),), steps=80, noise_std=0.3, seed=7)
    rates = np.array([0.01, 0.1, 0.3, 1.0, 3.0])
    momenta = np.array([0.0, 0.5, 0.9, 0.95, 0.99])
    result = sweep(config, {"learning_rate": rates, "momentum": momenta})
    for i, (eta, mu) in enumerate(zip(rates, momenta, strict=True)):
        single = simulate(
            config.replace(optimizers=(("momentum", {"learning_rate": eta, "momentum": mu}),))
        )
        assert result.diverged_at[i] == single.diverged_at[0, 0]
        np.testing.assert_allclose(
            result.final_loss[i], single.loss[0, 0, -1], rtol=1e-5, atol=1e-7
        )
        np.testing.assert_allclose(
            result.best_loss[i], single.loss[0, 0].min(), rtol=1e-5, atol=1e-7
        )


def test_sweep_of_other_sizes_reuses_the_kernel():
    config = RunConfig("ravine", (("sgd", {}),), steps=30)
    sweep(config, {"learning_rate": np.linspace(0.1, 1, 100)})
    assert (
        count_compilations(lambda: sweep(config, {"learning_rate": np.linspace(0.1, 1, 97)})) == 0
    )


def test_sweep_rejects_unknown_names_and_ragged_values():
    config = RunConfig("ravine", (("sgd", {}),), steps=10)
    with pytest.raises(ValueError, match="no hyperparameter"):
        sweep(config, {"momentum": np.ones(3)})
    with pytest.raises(ValueError, match="finite"):
        sweep(config, {"learning_rate": np.array([0.1, np.nan])})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_starts_and_hyperparameters_give_finite_paths(data):
    key = data.draw(st.sampled_from(sorted(CATALOG)))
    landscape = data.draw(st.sampled_from(sorted(landscapes.CATALOG)))
    land = landscapes.CATALOG[landscape]
    hp = {
        h.name: data.draw(st.floats(h.min, h.max, allow_nan=False, allow_infinity=False))
        for h in CATALOG[key].hyperparams
    }
    (x0, x1), (y0, y1) = land.domain
    start = (data.draw(st.floats(x0, x1)), data.draw(st.floats(y0, y1)))
    run = simulate(RunConfig(landscape, ((key, hp),), starts=(start,), steps=60))
    for array in (run.points, run.loss, run.grads, run.updates, run.lr):
        assert np.all(np.isfinite(array))
    k = run.diverged_at[0, 0]
    assert k == -1 or 1 <= k <= 60


def test_only_optimizers_flagged_noisy_get_the_noise():
    config = RunConfig("bowl", (("sgd", {}), ("sgd", {})), starts=((1.0, 1.0),), steps=20,
                       noise_std=1.0, noisy=(True, False))  # fmt: skip
    run = simulate(config)
    assert np.abs(run.applied_grads[0] - run.grads[0]).max() > 0.1
    np.testing.assert_array_equal(run.applied_grads[1], run.grads[1])


def test_endpoints_are_the_last_points_of_simulate():
    optimizers = (("adam", {"learning_rate": 0.1}), ("sgd", {"learning_rate": 0.05}))
    starts = ((0.0, 0.0), (-3.0, -3.0), (4.0, 4.0))
    config = RunConfig("himmelblau", optimizers, starts=starts, steps=150)
    ends, run = endpoints(config), simulate(config)
    np.testing.assert_allclose(ends.points, run.points[:, :, -1], rtol=1e-6)
    np.testing.assert_allclose(ends.loss, run.loss[:, :, -1], rtol=1e-5, atol=1e-7)
    np.testing.assert_array_equal(ends.diverged_at, run.diverged_at)


def test_the_steps_slider_recompiles_only_when_it_leaves_its_bucket():
    config = RunConfig("ravine", (("sgd", {}), ("adam", {})), steps=1000, noise_std=0.5)
    simulate(config)
    changes = [config.replace(steps=s) for s in (1001, 999, 990, 1024)]
    assert count_compilations(lambda: [simulate(c) for c in changes]) == 0
    assert padded_size(1000) == padded_size(1024) == 1024


def test_a_longer_run_starts_with_the_same_steps_and_noise():
    short = RunConfig("ravine", (("sgd", {}),), steps=20, noise_std=0.7, seed=3)
    long = short.replace(steps=300)
    a, b = simulate(short), simulate(long)
    np.testing.assert_array_equal(a.points[0, 0], b.points[0, 0, :21])
    np.testing.assert_array_equal(a.applied_grads[0, 0], b.applied_grads[0, 0, :20])
    assert a.points.shape[2] == 21 and a.lr.shape[1] == 20
