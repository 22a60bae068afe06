"""Activation statistics at initialization: a float64 NumPy reference, the closed forms of the
first layer, the contrasts of Glorot & Bengio and He et al. over depth, compile counts, and
the symmetry of zero initialization."""

import functools

import jax
import numpy as np
import pytest

from networks.mlp import NetConfig
from networks.statistics import (
    BINS,
    HISTOGRAM_INPUTS,
    HISTOGRAM_RANGE,
    draw,
    statistics,
    symmetry,
)
from optimizers.compilations import count_compilations

# The page's 20 × 256 net on 384 inputs instead of 1024, so the suite stays fast.
DEPTH, WIDTH, BATCH, CLASSES = 20, 256, 384, 10
SEEDS = (0, 1, 2)


def net(activation, init, sigma=1.0, depth=DEPTH):
    return NetConfig(depth=depth, width=WIDTH, activation=activation, init=init, init_scale=sigma)


@functools.cache
def measured(activation, init, sigma=1.0, seed=0):
    return statistics(net(activation, init, sigma), WIDTH, BATCH, CLASSES, seed)


def averaged(field, activation, init, sigma=1.0):
    """A statistic averaged over `SEEDS` (single draws of a 20-layer net wander by ~2×)."""
    return np.mean([getattr(measured(activation, init, sigma, s), field) for s in SEEDS], axis=0)


def reference(config, seed):
    """Forward and backward pass in float64 NumPy from the same draws: per-layer outputs and
    ‖∂ℓ/∂W_l‖_F of the mean cross-entropy against the random labels."""
    params, x, y = jax.jit(draw, static_argnums=(0, 1, 2, 3))(
        config.replace(init_scale=1.0), WIDTH, BATCH, CLASSES, np.float32(config.init_scale), seed
    )
    p = jax.tree.map(lambda a: np.asarray(a, np.float64), params)
    layers = [(p["input"]["w"], p["input"]["b"])]
    layers += [(w, b) for w, b in zip(p["blocks"]["w"], p["blocks"]["b"], strict=True)]
    h, inputs, pre, outputs = np.asarray(x, np.float64), [], [], []
    for w, b in layers:
        inputs.append(h)
        z = h @ w + b
        h = np.maximum(z, 0.0) if config.activation == "relu" else np.tanh(z)
        pre.append(z)
        outputs.append(h)
    logits = h @ p["out"]["w"] + p["out"]["b"]
    shifted = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    y = np.asarray(y)
    loss = -np.mean(np.log(probs[np.arange(BATCH), y]))
    grad_h = (probs - np.eye(CLASSES)[y]) / BATCH @ p["out"]["w"].T
    norms = []
    for (w, _), h_in, z in zip(layers[::-1], inputs[::-1], pre[::-1], strict=True):
        slope = (z > 0).astype(float) if config.activation == "relu" else 1 - np.tanh(z) ** 2
        grad_z = grad_h * slope
        norms.append(np.linalg.norm(h_in.T @ grad_z))
        grad_h = grad_z @ w.T
    return np.stack(outputs), np.array(norms[::-1]), loss


@pytest.mark.parametrize(("activation", "init"), [("relu", "he"), ("tanh", "xavier")])
def test_statistics_equal_a_float64_numpy_pass(activation, init):
    config, stats = net(activation, init), measured(activation, init)
    outputs, grad_norms, loss = reference(config, 0)
    flat = outputs.reshape(DEPTH, -1)
    np.testing.assert_allclose(stats.mean, flat.mean(axis=1), rtol=1e-3, atol=1e-6)
    np.testing.assert_allclose(stats.std, flat.std(axis=1), rtol=1e-3)
    np.testing.assert_allclose(stats.second_moment, (flat**2).mean(axis=1), rtol=1e-3)
    np.testing.assert_allclose(stats.dead, np.all(outputs == 0, axis=1).mean(axis=1), atol=1e-9)
    lo, hi = HISTOGRAM_RANGE[activation]
    shown = outputs[:, :HISTOGRAM_INPUTS].reshape(DEPTH, -1)
    expected = [np.histogram(np.clip(row, lo, hi), BINS, (lo, hi))[0] / row.size for row in shown]
    np.testing.assert_allclose(stats.histogram, expected, atol=2e-3)
    np.testing.assert_allclose(stats.histogram.sum(axis=1), 1.0, rtol=1e-6)
    saturated = flat <= 0 if activation == "relu" else np.abs(flat) > 0.9
    np.testing.assert_allclose(stats.saturated, saturated.mean(axis=1), atol=2e-3)
    np.testing.assert_allclose(stats.grad_norm, grad_norms, rtol=2e-3)
    assert stats.loss == pytest.approx(loss, rel=1e-5)
    assert stats.overflow_layer == -1


@pytest.mark.parametrize(
    ("activation", "init", "first_layer"),
    [
        # E[relu(z)²] = ½ Var z = ½ · fan_in · Var W · E[x²], with E[x²] = 1 and fan_in = WIDTH
        ("relu", "he", 0.5 * WIDTH * 2 / WIDTH),
        ("relu", "xavier", 0.5 * WIDTH * 2 / (WIDTH + WIDTH)),
        # tanh(z)² = z² − ⅔ z⁴ + …, so E[a²] = s − 2 s² + … for z ~ N(0, s), s = fan_in σ² ≪ 1
        ("tanh", "normal", WIDTH * 0.01**2 - 2 * (WIDTH * 0.01**2) ** 2),
    ],
)
def test_first_layer_second_moment_follows_the_weight_variance(activation, init, first_layer):
    sigma = 0.01 if init == "normal" else 1.0
    assert averaged("second_moment", activation, init, sigma)[0] == pytest.approx(
        first_layer, rel=0.03
    )


def test_he_keeps_relu_second_moment_where_xavier_halves_it_every_layer():
    he = averaged("second_moment", "relu", "he")
    xavier = averaged("second_moment", "relu", "xavier")
    per_layer = lambda m: (m[-1] / m[0]) ** (1 / (DEPTH - 1))  # noqa: E731
    assert 0.9 < per_layer(he) < 1.1
    assert np.all((he > 0.5 * he[0]) & (he < 2 * he[0]))
    assert 0.4 < per_layer(xavier) < 0.6
    assert xavier[-1] < 1e-4 * xavier[0]
    # the gradients into every layer: alive with He, a thousand times smaller with Xavier
    he_grads = averaged("grad_norm", "relu", "he")
    assert np.all(averaged("grad_norm", "relu", "xavier") < 1e-2 * he_grads)


def test_xavier_tanh_spread_shrinks_like_one_over_depth():
    variance = averaged("std", "tanh", "xavier") ** 2
    layer = np.arange(1, DEPTH + 1)
    assert np.all(np.diff(variance) < 0)
    assert np.all((layer * variance / variance[0])[4:] > 0.7)
    assert np.all((layer * variance / variance[0])[4:] < 2.5)
    grads = averaged("grad_norm", "tanh", "xavier")
    assert grads.max() < 3 * grads.min()
    assert averaged("saturated", "tanh", "xavier").max() < 0.25


def test_small_sigma_collapses_tanh_and_large_sigma_saturates_it():
    small = averaged("second_moment", "tanh", "normal", 0.01)
    # each layer multiplies E[a²] by fan_in σ² = 0.0256 while tanh is linear
    np.testing.assert_allclose(small[1:4] / small[:3], WIDTH * 0.01**2, rtol=0.1)
    assert small[4] < 1e-7
    assert averaged("grad_norm", "tanh", "normal", 0.01).max() < 1e-10
    saturated = averaged("saturated", "tanh", "normal", 1.0)
    assert np.all(saturated > 0.8)
    # Saturated units pass almost nothing back, but the weights are √(fan_in σ²) = 16 times larger
    # than Xavier's: the few unsaturated units carry a gradient that grows toward the input.
    grads = averaged("grad_norm", "tanh", "normal", 1.0)
    assert np.all(np.diff(np.log(grads)) < 0)
    assert grads[0] > 1e3 * grads[-1]


def test_dead_units_and_zeros():
    he = measured("relu", "he")
    assert he.dead[0] == 0.0
    assert np.all((he.dead >= 0) & (he.dead < 0.5))
    zeros = statistics(NetConfig(depth=3, width=16, activation="relu", init="zeros"), 4, 32)
    np.testing.assert_array_equal(zeros.dead, 1.0)
    np.testing.assert_array_equal(zeros.grad_norm, 0.0)
    assert measured("tanh", "xavier").dead.max() == 0.0


def test_a_sigma_slider_never_recompiles():
    measured("tanh", "normal", 1.0)

    def slide():
        for i, sigma in enumerate((0.02, 0.1, 0.5, 2.0, 7.5)):
            statistics(net("tanh", "normal", sigma), WIDTH, BATCH, CLASSES, seed=10 + i)

    assert count_compilations(slide) == 0


def test_overflow_is_reported_and_nothing_infinite_leaves():
    config = NetConfig(depth=12, width=64, activation="relu", init="normal", init_scale=10.0)
    stats = statistics(config, 64, 32)
    # E[a²] grows by fan_in σ² / 2 = 3200 per layer: float32 overflows around layer 10
    assert 6 <= stats.overflow_layer < 12
    assert np.all(stats.second_moment[: stats.overflow_layer] > 0)
    for field in ("mean", "std", "second_moment", "histogram", "grad_norm"):
        values = getattr(stats, field)
        assert np.all(np.isfinite(values))
        assert not np.any(values[stats.overflow_layer :])
    assert stats.loss == 0.0


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"residual": True}, "residual"), ({"depth": 0}, "hidden layer")],
)
def test_bad_requests_say_what_is_wrong(changes, message):
    with pytest.raises(ValueError, match=message):
        statistics(NetConfig(depth=2, width=8).replace(**changes), 4, 8)
    with pytest.raises(ValueError, match="input dimension"):
        statistics(NetConfig(depth=2, width=8), 0, 8)


def test_zero_initialization_keeps_the_units_of_a_layer_identical():
    zeros = NetConfig(depth=2, width=4, activation="sigmoid", init="zeros")
    first = symmetry(zeros)
    assert first.first.shape == first.second.shape == (len(first.steps), 2)
    assert first.steps[0] == 0 and first.steps[-1] == 200
    np.testing.assert_allclose(first.first, first.second, rtol=1e-6, atol=1e-9)
    assert np.abs(first.first[-1]).max() > 0.1, "the weights move, together"
    assert first.train_loss[-1] < 0.9 * first.train_loss[0]
    second = symmetry(zeros, layer=2)
    assert second.first.shape == (len(second.steps), 4)
    np.testing.assert_allclose(second.first, second.second, rtol=1e-6, atol=1e-9)
    random = symmetry(zeros.replace(init="xavier"))
    assert np.abs(random.first - random.second).max() > 0.1
