"""The MLP against a float64 NumPy re-implementation, central differences and the init formulas."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from networks import mlp
from networks.mlp import NetConfig

X = np.random.default_rng(0).normal(size=(24, 2)).astype(np.float32)
Y = (X[:, 0] * X[:, 1] > 0).astype(np.int32)

initialize = jax.jit(mlp.init, static_argnums=(0, 2, 3))
apply = jax.jit(mlp.apply, static_argnames=("net", "train", "return_activations"))
loss_fn = jax.jit(mlp.loss_fn, static_argnums=0)

NUMPY_ACTIVATIONS = {
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0))),
}


def reference_logits(net, params, x, stats=None):
    """The forward pass in float64 NumPy, written from the formulas of mlp's docstring."""
    p = jax.tree.map(lambda a: np.asarray(a, np.float64), params)
    phi = NUMPY_ACTIVATIONS[net.activation]

    def layer(h, w, b, gamma=None, beta=None, running=None):
        z = h @ w + b
        if net.norm == "layer":
            mean, var = z.mean(-1, keepdims=True), z.var(-1, keepdims=True)
        elif net.norm == "batch":
            mean, var = (z.mean(0), z.var(0)) if running is None else running
        if net.norm != "none":
            z = gamma * (z - mean) / np.sqrt(var + mlp.NORM_EPS) + beta
        return phi(z)

    def extras(part, i=None):
        keys = ("gamma", "beta") if net.norm != "none" else ()
        values = [p[part][k] if i is None else p[part][k][i] for k in keys]
        if net.norm == "batch" and stats is not None:
            s = stats[part]
            values.append((s["mean"], s["var"]) if i is None else (s["mean"][i], s["var"][i]))
        return values

    h = np.asarray(x, np.float64)
    if net.depth:
        h = layer(h, p["input"]["w"], p["input"]["b"], *extras("input"))
    for i in range(net.blocks):
        a = layer(h, p["blocks"]["w"][i], p["blocks"]["b"][i], *extras("blocks", i))
        h = h + a / np.sqrt(net.blocks) if net.residual else a
    return h @ p["out"]["w"] + p["out"]["b"]


def random_params(net, seed, scale=0.5):
    """Parameters shaped like `mlp.init`'s, every leaf random (so that biases, γ and β are not
    trivially 0 or 1), drawn with NumPy: no compilation."""
    shapes = jax.eval_shape(lambda key: mlp.init(net, key), jax.random.key(0))
    rng = np.random.default_rng(seed)
    return jax.tree.map(lambda s: scale * rng.normal(size=s.shape).astype(np.float32), shapes)


NETS = [
    NetConfig(depth=0),
    NetConfig(depth=1, width=5, activation="sigmoid"),
    NetConfig(depth=3, width=6, activation="leaky_relu", residual=True),
    NetConfig(depth=4, width=5, activation="elu", norm="layer", residual=True),
    NetConfig(depth=3, width=5, activation="tanh", norm="batch"),
]


@pytest.mark.parametrize("net", NETS, ids=str)
def test_logits_equal_a_float64_numpy_forward_pass(net):
    params = random_params(net, 2)
    out = apply(net, params, X)
    np.testing.assert_allclose(out.logits, reference_logits(net, params, X), rtol=2e-5, atol=2e-5)
    if net.norm == "batch":
        rng = np.random.default_rng(3)
        stats = jax.tree.map(
            lambda a: np.abs(a + 0.3 * rng.normal(size=a.shape)), mlp.init_stats(net)
        )
        evaluated = apply(net, params, X, stats=stats).logits
        expected = reference_logits(net, params, X, stats)
        np.testing.assert_allclose(evaluated, expected, rtol=2e-5, atol=2e-5)


def test_batch_norm_moves_running_statistics_towards_the_batch():
    net = NetConfig(depth=1, width=4, norm="batch")
    params = random_params(net, 0)
    out = apply(net, params, X, train=True)
    z = np.asarray(X, np.float64) @ np.asarray(params["input"]["w"]) + np.asarray(
        params["input"]["b"]
    )
    m = mlp.BATCH_NORM_MOMENTUM
    np.testing.assert_allclose(out.stats["input"]["mean"], (1 - m) * z.mean(0), atol=1e-6)
    np.testing.assert_allclose(out.stats["input"]["var"], m + (1 - m) * z.var(0), rtol=1e-5)
    again = apply(net, params, X, train=True, stats=out.stats)
    np.testing.assert_allclose(
        again.stats["input"]["mean"], (1 - m**2) * z.mean(0), rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("net", NETS[1:], ids=str)
def test_gradient_equals_float64_central_differences(net):
    params = random_params(net, 6)
    with jax.enable_x64(True):
        params = jax.tree.map(lambda a: np.asarray(a, np.float64), params)
        x = np.asarray(X, np.float64)
        loss = jax.jit(lambda p: mlp.loss_fn(net, p, x, Y))
        grad = jax.jit(jax.grad(lambda p: mlp.loss_fn(net, p, x, Y)))(params)
        rng = np.random.default_rng(7)
        h = 1e-6
        for _ in range(3):
            direction = jax.tree.map(lambda a: rng.normal(size=a.shape), params)
            ahead, behind = (
                jax.tree.map(lambda p, d, s=sign: p + s * h * d, params, direction)
                for sign in (1, -1)
            )
            numeric = (float(loss(ahead)) - float(loss(behind))) / (2 * h)
            analytic = sum(
                float(np.sum(g * d))
                for g, d in zip(jax.tree.leaves(grad), jax.tree.leaves(direction), strict=True)
            )
            assert analytic == pytest.approx(numeric, rel=1e-6, abs=1e-9)
    assert jnp.ones(1).dtype == jnp.float32


def test_loss_is_the_mean_negative_log_softmax():
    net = NetConfig(depth=2, width=8)
    params = random_params(net, 3)
    logits = reference_logits(net, params, X)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    expected = -log_softmax[np.arange(len(Y)), Y].mean()
    assert float(loss_fn(net, params, X, Y)) == pytest.approx(expected, rel=1e-5)
    np.testing.assert_allclose(mlp.probabilities(net, params, X).sum(axis=1), 1.0, rtol=1e-6)


WIDE = 256


@pytest.mark.parametrize(
    ("init", "variance"),
    [("xavier", 2 / (WIDE + WIDE)), ("he", 2 / WIDE), ("normal", 1.0)],
)
@pytest.mark.parametrize("gain", [1.0, 0.5])
def test_weight_variance_follows_its_formula(init, variance, gain):
    net = NetConfig(depth=3, width=WIDE, init=init)
    params = initialize(net, jax.random.key(3), 2, 2, np.float32(gain))
    w = np.asarray(params["blocks"]["w"])
    assert w.shape == (2, WIDE, WIDE)
    assert w.var() == pytest.approx(gain**2 * variance, rel=0.02)
    assert abs(w.mean()) < 0.02 * gain * np.sqrt(variance)
    fan_in, fan_out = params["out"]["w"].shape
    expected_out = {"xavier": 2 / (fan_in + fan_out), "he": 2 / fan_in, "normal": 1.0}[init]
    assert np.var(params["out"]["w"]) == pytest.approx(gain**2 * expected_out, rel=0.25)
    for leaf in jax.tree.leaves({k: v["b"] for k, v in params.items()}):
        assert not np.any(leaf)


def test_orthogonal_columns_are_orthonormal_and_zeros_are_zero():
    net = NetConfig(depth=3, width=64, init="orthogonal", init_scale=2.0)
    params = initialize(net, jax.random.key(4))
    for w in params["blocks"]["w"]:
        np.testing.assert_allclose(w.T @ w, 4.0 * np.eye(64), atol=1e-4)
    w_in = params["input"]["w"]
    np.testing.assert_allclose(w_in @ w_in.T, 4.0 * np.eye(2), atol=1e-4)
    zeros = initialize(NetConfig(init="zeros"), jax.random.key(0))
    assert not any(np.any(leaf) for leaf in jax.tree.leaves(zeros))


def test_activations_are_the_hidden_layers_in_order():
    net = NetConfig(depth=4, width=7, activation="relu", residual=True)
    params = random_params(net, 9)
    layers = apply(net, params, X, return_activations=True).activations
    assert layers.shape == (4, len(X), 7)
    first = np.maximum(X @ np.asarray(params["input"]["w"]) + params["input"]["b"], 0)
    np.testing.assert_allclose(layers[0], first, rtol=1e-5, atol=1e-6)
    last = layers[-1] @ np.asarray(params["out"]["w"]) + params["out"]["b"]
    np.testing.assert_allclose(last, apply(net, params, X).logits, rtol=1e-5, atol=1e-5)
    assert apply(net, params, X).activations is None


def test_parameter_count_matches_the_pytree():
    for net in NETS:
        shapes = jax.eval_shape(lambda key, net=net: mlp.init(net, key, 2, 3), jax.random.key(0))
        assert net.parameter_count(2, 3) == sum(leaf.size for leaf in jax.tree.leaves(shapes))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"depth": 21}, "depth"),
        ({"depth": 2.5}, "depth"),
        ({"width": 0}, "width"),
        ({"width": 257}, "width"),
        ({"activation": "swish"}, "Unknown activation"),
        ({"init": "lecun"}, "Unknown initialization"),
        ({"norm": "group"}, "Unknown normalization"),
        ({"init_scale": 0.0}, "initial scale"),
        ({"init_scale": float("inf")}, "initial scale"),
    ],
)
def test_bad_architectures_say_what_is_wrong(changes, message):
    with pytest.raises(ValueError, match=message):
        NetConfig(**changes)


def test_net_config_is_hashable_and_frozen():
    assert hash(NetConfig()) == hash(NetConfig(init_scale=1))
    with pytest.raises(AttributeError):
        NetConfig().depth = 3
