"""SWATS against Keskar & Socher's Algorithm 1 stepped by hand in float64 NumPy, and the rate
diagnostics of optimizers/effective_rate.py (AdaGrad's and RMSProp's rates, Adam's hover)."""

import numpy as np
import pytest

from optimizers.catalog import CATALOG
from optimizers.compilations import count_compilations
from optimizers.effective_rate import adam_hover, effective_rates
from optimizers.swats import run_swats
from tests.reference import (
    initial_state,
    ravine_derivatives,
    reference_step,
    rosenbrock_derivatives,
)

STEPS = 1200


def bowl_gradient(p):
    return np.asarray(p, dtype=float)


def numpy_swats(gradient, start, steps, lr, switch_eps, b1=0.9, b2=0.999, eps=1e-8):
    """Points w_0 … w_T, the switch step (−1 if none) and Λ, in float64."""
    w = np.asarray(start, dtype=float)
    m, v, velocity, lam, rate, switched = np.zeros(2), np.zeros(2), np.zeros(2), 0.0, 0.0, -1
    points = [w]
    for k in range(1, steps + 1):
        g = gradient(w)
        if switched < 0:
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g**2
            p = -lr * (m / (1 - b1**k)) / (np.sqrt(v / (1 - b2**k)) + eps)
            w = w + p
            if p @ g != 0:
                gamma = (p @ p) / -(p @ g)
                lam = b2 * lam + (1 - b2) * gamma
                if k > 1 and abs(lam / (1 - b2**k) - gamma) < switch_eps:
                    switched, rate = k, lam / (1 - b2**k)
        else:
            velocity = b1 * velocity + g
            w = w - (1 - b1) * rate * velocity
        points.append(w)
    return np.array(points), switched, rate


@pytest.mark.parametrize(
    ("landscape", "gradient", "start", "lr", "switch_eps"),
    [
        ("rosenbrock", lambda p: rosenbrock_derivatives(p)[0], (-1.5, 2.0), 0.01, 1e-6),
        ("bowl", bowl_gradient, (-2.5, 2.0), 0.1, 5e-4),
        ("ravine", lambda p: ravine_derivatives(p)[0], (-7.0, 2.0), 0.1, 1e-3),
    ],
)
def test_switch_step_and_rate_match_the_hand_stepped_formula(
    landscape, gradient, start, lr, switch_eps
):
    points, switched, rate = numpy_swats(gradient, start, STEPS, lr, switch_eps)
    run = run_swats(landscape, start, STEPS, learning_rate=lr, switch_eps=switch_eps)
    assert switched > 1
    assert run.switch_step == switched
    assert run.sgd_rate == pytest.approx(rate, rel=1e-4)
    np.testing.assert_allclose(run.points[: switched + 50], points[: switched + 50], atol=1e-4)
    assert run.diverged_at == -1


def test_no_switch_with_a_tiny_epsilon_is_plain_adam():
    run = run_swats("rosenbrock", (-1.5, 2.0), 300, learning_rate=0.01, switch_eps=1e-12)
    points, switched, _ = numpy_swats(
        lambda p: rosenbrock_derivatives(p)[0], (-1.5, 2.0), 300, 0.01, 1e-12
    )
    assert run.switch_step == switched == -1 and run.sgd_rate == 0.0
    np.testing.assert_allclose(run.points, points, atol=1e-4)
    assert run.points.shape == (301, 2) and run.loss.shape == (301,)
    assert run.gamma.shape == run.estimate.shape == (300,)


def test_estimate_is_the_bias_corrected_average_of_gamma():
    run = run_swats("bowl", (-2.5, 2.0), 40, learning_rate=0.1, b2=0.99, switch_eps=1e-12)
    lam, expected = 0.0, []
    for k, gamma in enumerate(run.gamma.astype(float), 1):
        lam = 0.99 * lam + 0.01 * gamma
        expected.append(lam / (1 - 0.99**k))
    np.testing.assert_allclose(run.estimate, expected, rtol=1e-4)


def test_divergence_freezes_the_path():
    run = run_swats("bowl", (-0.1, 0.1), 200, learning_rate=10.0, switch_eps=100.0)
    assert run.switch_step == 2 and run.sgd_rate > 40
    assert run.diverged_at > 2
    assert np.all(run.points[run.diverged_at :] == run.points[run.diverged_at - 1])
    assert np.all(np.isfinite(run.points)) and np.all(np.isfinite(run.loss))


def test_sliders_do_not_recompile():
    run_swats("rosenbrock", (-1.5, 2.0), STEPS, learning_rate=0.01, switch_eps=1e-6)
    action = lambda: run_swats(  # noqa: E731
        "rosenbrock", (0.0, 1.0), STEPS, learning_rate=0.02, b1=0.5, b2=0.99, switch_eps=1e-3
    )
    assert count_compilations(action) == 0


def test_readable_errors():
    with pytest.raises(ValueError, match="between"):
        run_swats("bowl", (0.0, 0.0), 0)
    with pytest.raises(ValueError, match="finite"):
        run_swats("bowl", (0.0, 0.0), 10, learning_rate=np.nan)


RATE_RUNS = (("adagrad", {"learning_rate": 0.5}), ("rmsprop", {"learning_rate": 0.05}))


@pytest.fixture(scope="module")
def rates():
    return effective_rates(RATE_RUNS, steps=400)


@pytest.mark.parametrize(("index", "accumulator"), [(0, "G"), (1, "v")])
def test_effective_rates_match_numpy(rates, index, accumulator):
    key, hp = RATE_RUNS[index]
    hp = {**CATALOG[key].defaults(), **hp}
    x, state = np.array([-7.0, 2.0]), initial_state(hp)
    expected_points, expected_rates = [x], []
    for t in range(1, 401):
        x = reference_step(key, hp, state, x, ravine_derivatives(x)[0], None, t)
        expected_points.append(x)
        expected_rates.append(hp["learning_rate"] / np.sqrt(state[accumulator] + hp["eps"]))
    np.testing.assert_allclose(rates.points[index], expected_points, atol=1e-4)
    np.testing.assert_allclose(rates.rates[index], expected_rates, rtol=1e-3)


def test_adagrad_rate_only_shrinks_while_rmsprop_recovers(rates):
    adagrad, rmsprop = rates.rates
    assert np.all(np.diff(adagrad, axis=0) <= 0)
    assert adagrad[-1, 0] < 0.3 * adagrad[0, 0]
    assert rmsprop[-1, 0] > 10 * rmsprop[0, 0]
    assert np.all(rates.diverged_at == -1)


def test_effective_rates_reject_other_optimizers():
    with pytest.raises(ValueError, match="adagrad"):
        effective_rates((("adam", {}),))


def numpy_adam_on_square(steps, lr=0.1, b1=0.9, b2=0.99, eps=1e-8, x=1.0):
    m = v = 0.0
    xs = [x]
    for t in range(1, steps + 1):
        g = 2 * x
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        x = x - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        xs.append(x)
    return np.array(xs)


def test_adam_hovers_near_the_minimum_of_x_squared():
    hover = adam_hover(3000)
    reference = numpy_adam_on_square(3000)
    np.testing.assert_allclose(hover.x[:200], reference[:200], atol=1e-4)
    steps, x = hover.last(200)
    np.testing.assert_array_equal(steps, np.arange(2801, 3001))
    for tail in (np.abs(x), np.abs(reference[-200:])):
        assert 3e-3 < tail.max() < 3e-2
    assert np.mean(np.sign(x[1:]) != np.sign(x[:-1])) > 0.3
    assert np.abs(hover.x[1000:1200]).max() < 3 * np.abs(x).max()


def test_rate_sliders_do_not_recompile(rates):
    adam_hover(3000)
    moved = (("adagrad", {"learning_rate": 0.1}), ("rmsprop", {"decay": 0.99}))

    def moves():
        effective_rates(moved, steps=400, start=(3.0, -1.0))
        adam_hover(3000, learning_rate=0.05, b2=0.999, start=-0.5)

    assert count_compilations(moves) == 0
