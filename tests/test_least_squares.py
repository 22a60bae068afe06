"""Wilson et al.'s construction: gradient descent finds X⁺y, adaptive methods sign(Xᵀy)/4."""

import numpy as np
import pytest

from optimizers.compilations import count_compilations
from optimizers.least_squares import construction, draw_labels, run_least_squares

STEPS = 600
RUNS = (
    ("sgd", {"learning_rate": 0.5}),
    ("momentum", {"learning_rate": 0.1, "momentum": 0.9}),
    ("adam", {"learning_rate": 0.01}),
    ("rmsprop", {"learning_rate": 0.01}),
)
LABELS = np.array([1, 1, -1])
TEST_LABELS = draw_labels(50, seed=3)


@pytest.fixture(scope="module")
def run():
    return run_least_squares(RUNS, LABELS, TEST_LABELS, STEPS)


def test_construction_follows_the_paper():
    x = construction(LABELS)
    assert x.shape == (3, 18)
    np.testing.assert_array_equal(x[:, 0], LABELS)
    np.testing.assert_array_equal(x[:, 1:3], 1.0)
    own = x[:, 3:]
    np.testing.assert_array_equal(own.sum(axis=1), [1, 1, 5])
    np.testing.assert_array_equal(own[2, 10:15], 1.0)
    assert np.count_nonzero(own.sum(axis=0) > 1) == 0


def test_draw_labels_is_seeded_and_mostly_positive():
    np.testing.assert_array_equal(draw_labels(10, 4), draw_labels(10, 4))
    assert np.mean(draw_labels(10_000, 0, p=0.7) == 1) == pytest.approx(0.7, abs=0.02)


@pytest.mark.parametrize("index", [0, 1], ids=["gd", "momentum"])
def test_gradient_methods_reach_the_minimum_norm_solution(run, index):
    x = construction(LABELS)
    np.testing.assert_allclose(run.weights[index, -1], np.linalg.pinv(x) @ LABELS, atol=1e-4)
    np.testing.assert_array_equal(run.test_predictions[index], TEST_LABELS)
    assert run.test_error[index, -1] == 0.0
    assert run.plane[index, -1, 0] > abs(run.plane[index, -1, 1])


@pytest.mark.parametrize("index", [2, 3], ids=["adam", "rmsprop"])
def test_adaptive_methods_reach_sign_of_xty(run, index):
    x = construction(LABELS)
    w = run.weights[index, -1]
    np.testing.assert_allclose(w[:3], w[0], rtol=1e-5)
    np.testing.assert_allclose(w, np.sign(x.T @ LABELS) / 4, atol=1e-4)
    np.testing.assert_allclose(run.adaptive_limit, np.sign(x.T @ LABELS) / 4)
    assert np.all(run.test_predictions[index] == 1)
    assert run.test_error[index, -1] == pytest.approx(np.mean(TEST_LABELS == -1))
    np.testing.assert_allclose(run.plane[index, -1], [0.25, 0.5], atol=1e-4)


def test_paths_start_at_zero_and_fit_the_data(run):
    assert run.weights.shape == (4, STEPS + 1, 18)
    assert np.all(run.weights[:, 0] == 0.0)
    assert np.all(run.loss[:, -1] < 1e-8)
    assert np.all(run.test_error[:, 0] == 1.0)
    assert np.all(run.diverged_at == -1)


def test_new_labels_and_rates_do_not_recompile(run):
    moved = tuple((key, {"learning_rate": hp["learning_rate"] / 2}) for key, hp in RUNS)
    action = lambda: run_least_squares(moved, draw_labels(3, 7), draw_labels(50, 8), STEPS)  # noqa: E731
    assert count_compilations(action) == 0


def test_too_large_a_rate_diverges_and_freezes():
    run = run_least_squares((("sgd", {"learning_rate": 50.0}),), LABELS, TEST_LABELS, STEPS)
    k = run.diverged_at[0]
    assert k > 0
    assert np.all(np.isfinite(run.weights)) and np.all(np.isfinite(run.loss))
    np.testing.assert_array_equal(
        run.weights[0, k:], run.weights[0, k - 1 : k].repeat(STEPS - k + 1, 0)
    )


def test_no_adaptive_limit_without_a_positive_majority():
    x = construction(np.array([1, -1, -1]))
    assert np.sign(x.T @ np.array([1, -1, -1]))[1] < 0
    run = run_least_squares((("adam", {}),), np.array([1, -1, -1]), TEST_LABELS, STEPS)
    assert run.adaptive_limit is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: construction([1, 0]), "Labels"),
        (lambda: run_least_squares((("nope", {}),), LABELS, TEST_LABELS, 10), "Unknown"),
        (lambda: run_least_squares((("sgd", {}),), LABELS, TEST_LABELS, 0), "between"),
        (lambda: draw_labels(3, 0, p=1.5), "probability"),
    ],
)
def test_readable_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
