"""The online problems of Reddi et al. 2018 against a float64 NumPy re-implementation."""

import numpy as np
import pytest

from optimizers.compilations import count_compilations
from optimizers.online import (
    ONLINE,
    REDDI,
    STOCHASTIC,
    OnlineProblem,
    record_steps,
    run_online,
)

SECTION_3 = {"learning_rate": 0.1, "b1": 0.0, "b2": 0.1}
SECTION_5 = {"learning_rate": 0.5, "b1": 0.9, "b2": 0.99}


def numpy_online(problem, key, hp, steps, inverse_sqrt=False, start=0.0):
    """x_1 … x_T and R_T/T in float64, as Kingma & Ba (Adam) and Reddi et al. (AMSGrad) write."""
    b1, b2, eps = hp.get("b1", 0.0), hp.get("b2", 0.0), hp.get("eps", 1e-8)
    x, m, v, v_max, regret = start, 0.0, 0.0, 0.0, 0.0
    xs = np.empty(steps)
    for t in range(1, steps + 1):
        xs[t - 1] = x
        a = problem.big if t % problem.period == 1 else -problem.small
        regret += a * (x + 1)
        m = b1 * m + (1 - b1) * a
        v = b2 * v + (1 - b2) * a * a
        if key == "adam":
            step = m / (1 - b1**t) / (np.sqrt(v / (1 - b2**t)) + eps)
        elif key == "amsgrad_reddi":
            v_max = max(v_max, v)
            step = m / (np.sqrt(v_max) + eps)
        else:
            step = a
        rate = hp["learning_rate"] / (np.sqrt(t) if inverse_sqrt else 1.0)
        x = float(np.clip(x - rate * step, -1.0, 1.0))
    return xs, regret / steps


@pytest.mark.parametrize(
    ("problem", "hp", "steps", "inverse_sqrt"),
    [(REDDI, SECTION_3, 3000, False), (ONLINE, SECTION_5, 20_000, True)],
    ids=["section3", "section5"],
)
def test_paths_and_regret_match_numpy(problem, hp, steps, inverse_sqrt):
    keys = ("adam", "amsgrad_reddi", "sgd")
    optimizers = tuple((key, hp if key != "sgd" else {"learning_rate": 0.01}) for key in keys)
    run = run_online(problem, optimizers, steps, inverse_sqrt=inverse_sqrt)
    assert run.steps[0] == 1 and run.steps[-1] == steps
    for i, (key, key_hp) in enumerate(optimizers):
        xs, regret = numpy_online(problem, key, key_hp, steps, inverse_sqrt)
        np.testing.assert_allclose(run.x[i], xs[run.steps - 1], atol=2e-3)
        np.testing.assert_allclose(run.average_regret[i, -1], regret, rtol=2e-3, atol=1e-4)
    assert np.all(run.diverged_at == -1)


def test_section3_adam_drifts_to_plus_one_and_amsgrad_to_minus_one():
    optimizers = (("adam", SECTION_3), ("amsgrad_reddi", SECTION_3), ("amsgrad", SECTION_3))
    run = run_online(REDDI, optimizers, 3000, count=3000, spacing="linear")
    assert run.x_star == -1.0
    adam, reddi, corrected = run.x
    assert adam.max() == 1.0
    assert np.all(adam[run.steps > 300] > 0.85)
    assert np.all(reddi[run.steps > 1000] < -0.9)
    assert np.all(corrected[run.steps > 1000] < -0.9)
    assert run.average_regret[0, -1] > 0.6 > 0.1 > run.average_regret[1, -1]


def test_section3_needs_b1_below_sqrt_b2():
    heavy = {**SECTION_3, "b1": 0.9}
    run = run_online(REDDI, (("adam", heavy),), 3000)
    assert run.x[0, -1] < -0.9


def test_section5_online_adam_passes_09_near_9700_steps():
    optimizers = (("adam", SECTION_5), ("amsgrad_reddi", SECTION_5))
    run = run_online(ONLINE, optimizers, 20_000, inverse_sqrt=True, count=2000, spacing="linear")
    passed = run.steps[np.argmax(run.x[0] > 0.9)]
    assert 9000 <= passed <= 10_500
    assert np.all(run.x[1, run.steps > 5000] < 0)


def test_section5_average_regret_at_a_million_steps():
    optimizers = (("adam", SECTION_5), ("amsgrad_reddi", SECTION_5), ("amsgrad", SECTION_5))
    run = run_online(ONLINE, optimizers, 1_000_000, inverse_sqrt=True)
    adam, reddi, corrected = run.average_regret[:, -1]
    assert adam == pytest.approx(0.227, abs=0.01)
    assert corrected == pytest.approx(0.007, abs=0.002)
    assert reddi < 0.05
    assert run.x[0, -1] > 0.99


def test_stochastic_version_follows_its_seed():
    optimizers = (("adam", SECTION_5), ("amsgrad", SECTION_5))
    first = run_online(STOCHASTIC, optimizers, 50_000, inverse_sqrt=True, seed=1)
    again = run_online(STOCHASTIC, optimizers, 50_000, inverse_sqrt=True, seed=1)
    other = run_online(STOCHASTIC, optimizers, 50_000, inverse_sqrt=True, seed=2)
    np.testing.assert_array_equal(first.x, again.x)
    assert not np.array_equal(first.x, other.x)
    assert first.x_star == -1.0
    assert first.average_regret[0, -1] > first.average_regret[1, -1]


def test_no_slider_recompiles():
    keys = ("adam", "amsgrad_reddi", "sgd")
    run_online(REDDI, tuple((key, {}) for key in keys), 1000)
    moves = [
        lambda: run_online(
            OnlineProblem(big=5.0), (("adam", {"b1": 0.5}), ("amsgrad_reddi", {}), ("sgd", {})), 300
        ),
        lambda: run_online(
            STOCHASTIC,
            (("adam", {"learning_rate": 0.01}), ("amsgrad_reddi", {"b2": 0.5}), ("sgd", {})),
            5000,
            inverse_sqrt=True,
            seed=9,
            start=0.5,
        ),
    ]
    assert count_compilations(lambda: [move() for move in moves]) == 0


def test_record_steps_are_distinct_and_end_at_t():
    steps = record_steps(1_000_000)
    assert steps[0] == 1 and steps[-1] == 1_000_000 and steps.size <= 400
    assert np.all(np.diff(steps) > 0)
    np.testing.assert_array_equal(record_steps(50, spacing="linear"), np.arange(1, 51))


def test_a_non_finite_update_freezes_the_point():
    run = run_online(REDDI, (("adam", {"eps": 0.0}), ("sgd", {})), 100)
    run_zero = run_online(OnlineProblem(big=0.0, small=0.0), (("adam", {"eps": 0.0}),), 100)
    assert run.diverged_at[0] == -1
    assert run_zero.diverged_at[0] == 1
    assert np.all(run_zero.x == 0.0) and np.all(np.isfinite(run_zero.average_regret))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: run_online(REDDI, (("nope", {}),), 10), "Unknown optimizer"),
        (lambda: run_online(REDDI, (("sgd", {"b1": 0.9}),), 10), "no hyperparameter"),
        (lambda: run_online(REDDI, (("sgd", {"learning_rate": np.nan}),), 10), "finite"),
        (lambda: run_online(REDDI, (("sgd", {}),), 0), "between"),
        (lambda: run_online(REDDI, (("sgd", {}),), 10, start=2.0), "start"),
        (lambda: OnlineProblem(period=1), "period"),
        (lambda: OnlineProblem(probability=1.0), "probability"),
    ],
)
def test_readable_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
