"""Each lecture preset shows what its sentence promises."""

import math

import numpy as np

import landscapes
from lessons.race import CATALOG
from lessons.starts import grid, ring
from optimizers.analysis import basin_labels, distance_to_nearest
from optimizers.simulate import simulate


def test_zigzag_each_optimizer_does_what_the_sentence_says():
    """SGD flips sides every step; momentum and AdaGrad reach the valley floor (|y| < 0.1 from
    then on) far sooner than SGD, AdaGrad without crossing it; Adam crosses the floor and swings
    out more than 0.5 on the other side before it turns back."""
    run = simulate(CATALOG["zigzag"].config)
    y = run.points[:, 0, :, 1]
    flips = (np.sign(y[:, 1:]) != np.sign(y[:, :-1])).sum(axis=1)
    on_floor = np.abs(y) < 0.1
    arrival = [next(t for t in range(y.shape[1]) if on_floor[o, t:].all()) for o in range(3)]
    sgd, momentum, adagrad = arrival
    assert flips[0] == y.shape[1] - 1 and sgd >= 25
    assert momentum <= 10 and adagrad <= 5 and flips[2] == 0
    crossing = int(np.argmax(np.sign(y[3]) != np.sign(y[3, 0])))
    assert crossing > 0 and np.abs(y[3, crossing:]).max() > 0.5
    assert np.abs(y[3, -1]) < np.abs(y[3, crossing:]).max()


def test_saddle_newton_lands_on_the_saddle_and_the_others_escape():
    run = simulate(CATALOG["saddle"].config)
    final = run.points[:, 0, -1]
    np.testing.assert_allclose(final[2], (0.0, 0.0), atol=1e-4)
    assert np.all(np.abs(final[[0, 1, 3], 1]) > 0.9)
    escape = (np.abs(run.points[:, 0, :, 1]) > 0.5).argmax(axis=1)
    assert escape[3] < escape[1] < escape[0]


def test_rosenbrock_newton_and_adam_end_nearer_the_minimum_than_sgd():
    run = simulate(CATALOG["rosenbrock"].config)
    distance = distance_to_nearest(run.points[:, 0, -1], np.array([[1.0, 1.0]]))
    assert distance[3] < 1e-3
    assert distance[2] < distance[0] and distance[1] < distance[0]


def test_himmelblau_ring_reaches_at_least_three_different_minima():
    config = CATALOG["himmelblau"].config
    run = simulate(config)
    minima = np.array([p for p, _ in landscapes.CATALOG["himmelblau"].minima])
    labels = basin_labels(run.points[:, :, -1], run.diverged_at, minima, 0.05)
    assert len(set(labels[1].tolist()) - {-1, -2}) >= 3


def test_adam_without_bias_correction_overshoots():
    run = simulate(CATALOG["adam_bias"].config)
    first = np.linalg.norm(run.updates[:, 0, 0], axis=-1)
    assert first[1] / first[0] > 3


def test_start_patterns():
    starts = ring((1.0, 2.0), 0.5, 8)
    assert len(starts) == 8
    np.testing.assert_allclose(np.linalg.norm(np.array(starts) - (1, 2), axis=1), 0.5)
    square = grid(((-1, 1), (0, 4)), 3, margin=0.0)
    assert square[0] == (-1, 0) and square[-1] == (1, 4) and len(square) == 9


def test_the_bias_correction_factor_in_the_adam_preset_is_right():
    """(1 − β₁ᵗ)/√(1 − β₂ᵗ) at the steps the sentence names, for Adam's β₁ and β₂."""
    config = CATALOG["adam_bias"].config
    hp = dict(config.optimizers[0][1])
    b1, b2 = hp["b1"], hp["b2"]

    def factor(t):
        return (1 - b1**t) / math.sqrt(1 - b2**t)

    text = CATALOG["adam_bias"].look_for
    assert "3.2 at step 1" in text and f"{factor(1):.1f}" == "3.2"
    assert "6.6 near step 12" in text and f"{factor(12):.1f}" == "6.6"
    assert max(range(1, 200), key=factor) in range(10, 15)
    assert "still 3.2 at step 100" in text and f"{factor(100):.1f}" == "3.2"
