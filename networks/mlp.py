r"""A small multilayer perceptron as pure functions of a parameter pytree.

With h₀ = x and L = `depth` hidden layers of `width` units,

    z_l = h_{l−1} W_l + b_l,    a_l = φ(N(z_l)),
    h_l = a_l                              (plain; always for l = 1)
    h_l = h_{l−1} + a_l / √(L − 1)         (residual, l ≥ 2: L − 1 blocks)
    logits = h_L W_out + b_out,   loss = −(1/n) Σᵢ log softmax(logits_i)[y_i]

φ is the activation and N the optional normalization, applied before the activation:

- batch (Ioffe & Szegedy 2015): N(z) = γ (z − μ_B)/√(σ²_B + ε) + β with the minibatch's mean and
  variance per unit while training; running averages μ ← m μ + (1 − m) μ_B (likewise σ²,
  m = `BATCH_NORM_MOMENTUM`) replace them at evaluation;
- layer (Ba et al. 2016): the same with the mean and variance over the units of each example.

Scaling each residual branch by 1/√(blocks) keeps the variance of h_L of order one at any depth
(Hayou et al. 2021, "Stable ResNet"; compare the depth-scaled branches of Fixup, Zhang et al. 2019).

Weights W of shape (fan_in, fan_out) come from `jax.nn.initializers`, times a gain g
(`init_scale`); biases and β are 0, γ is 1:

- zeros: W = 0 (every unit of a layer stays identical: the symmetry is never broken);
- normal: W ~ N(0, g²);
- xavier (Glorot & Bengio 2010): Var W = g² · 2/(fan_in + fan_out);
- he (He et al. 2015): Var W = g² · 2/fan_in, made for ReLU;
- orthogonal (Saxe et al. 2014): W = g Q with orthonormal columns (or rows), QᵀQ = I.

Xavier and He draw from a truncated normal rescaled to the stated variance.
"""

import functools
import itertools
import math
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax
from jax.nn import initializers

MAX_DEPTH = 20
MAX_WIDTH = 256
MAX_INIT_SCALE = 10.0
NORM_EPS = 1e-5
BATCH_NORM_MOMENTUM = 0.9

ACTIVATIONS = {
    "sigmoid": jax.nn.sigmoid,
    "tanh": jnp.tanh,
    "relu": jax.nn.relu,
    "leaky_relu": jax.nn.leaky_relu,
    "elu": jax.nn.elu,
}
INITIALIZERS = {
    "zeros": initializers.zeros,
    "normal": initializers.normal(stddev=1.0),
    "xavier": initializers.glorot_normal(),
    "he": initializers.he_normal(),
    "orthogonal": initializers.orthogonal(),
}
NORMS = ("none", "batch", "layer")

Params = Any
Stats = Any


@dataclass(frozen=True)
class NetConfig:
    """The architecture: `depth` hidden layers of `width` units (depth 0 is a linear model)."""

    depth: int = 2
    width: int = 32
    activation: str = "tanh"
    init: str = "xavier"
    residual: bool = False
    norm: str = "none"
    init_scale: float = 1.0

    def __post_init__(self):
        for name, value, lo, hi in (
            ("depth", self.depth, 0, MAX_DEPTH),
            ("width", self.width, 1, MAX_WIDTH),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
                raise ValueError(f"The {name} must be a whole number from {lo} to {hi}.")
        for name, value, choices in (
            ("activation", self.activation, ACTIVATIONS),
            ("initialization", self.init, INITIALIZERS),
            ("normalization", self.norm, NORMS),
        ):
            if value not in choices:
                raise ValueError(f"Unknown {name} {value!r}. Choose one of: {', '.join(choices)}.")
        scale = float(self.init_scale)
        if not (math.isfinite(scale) and 0.0 < scale <= MAX_INIT_SCALE):
            raise ValueError(f"The initial scale must be in (0, {MAX_INIT_SCALE:g}].")
        object.__setattr__(self, "init_scale", scale)
        object.__setattr__(self, "residual", bool(self.residual))

    def replace(self, **changes) -> "NetConfig":
        return replace(self, **changes)

    @property
    def blocks(self) -> int:
        """The number of hidden → hidden layers, residual blocks when `residual` is set."""
        return max(self.depth - 1, 0)

    def parameter_count(self, in_dim: int = 2, out_dim: int = 2) -> int:
        sizes = [in_dim] + [self.width] * self.depth + [out_dim]
        norm = 2 * self.width * self.depth if self.norm != "none" else 0
        return sum((a + 1) * b for a, b in itertools.pairwise(sizes)) + norm


class Output(NamedTuple):
    """What `apply` returns: logits [n, classes]; the batch-norm statistics (None without batch
    norm); when asked for, the hidden layers' outputs h_1 … h_L stacked as [L, n, width] (else
    None)."""

    logits: jax.Array
    stats: Stats
    activations: jax.Array | None


def _dense(key, fan_in: int, fan_out: int, kind: str, gain, count: int | None = None) -> dict:
    """{"w", "b"}: one layer, or `count` layers stacked along a first axis (each drawn with its
    own fans: the initializer is vmapped, not handed a 3-D shape)."""
    draw = functools.partial(INITIALIZERS[kind], shape=(fan_in, fan_out), dtype=jnp.float32)
    if count is None:
        return {"w": gain * draw(key), "b": jnp.zeros(fan_out, jnp.float32)}
    keys = jax.random.split(key, count)
    return {"w": gain * jax.vmap(draw)(keys), "b": jnp.zeros((count, fan_out), jnp.float32)}


def init(net: NetConfig, key, in_dim: int = 2, out_dim: int = 2, gain=None) -> Params:
    """Parameters as a pytree of float32 arrays:

        {"input":  {"w": [in_dim, width], "b": [width]},                       (depth ≥ 1)
         "blocks": {"w": [depth − 1, width, width], "b": [depth − 1, width]},  (depth ≥ 2)
         "out":    {"w": [width, out_dim], "b": [out_dim]}}

    with "gamma" (ones) and "beta" (zeros) beside "b" when `net.norm` is set. The hidden → hidden
    layers are stacked so that `apply` runs them in one `lax.scan`: the compiled size does not
    grow with the depth. `gain` overrides `net.init_scale` (a traced value inside `jax.jit`).
    """
    gain = net.init_scale if gain is None else gain
    k_input, k_blocks, k_out = jax.random.split(key, 3)
    if net.depth == 0:
        return {"out": _dense(k_out, in_dim, out_dim, net.init, gain)}
    params = {"input": _dense(k_input, in_dim, net.width, net.init, gain)}
    if net.blocks:
        params["blocks"] = _dense(k_blocks, net.width, net.width, net.init, gain, net.blocks)
    if net.norm != "none":
        for layer in params.values():
            layer["gamma"] = jnp.ones_like(layer["b"])
            layer["beta"] = jnp.zeros_like(layer["b"])
    params["out"] = _dense(k_out, net.width, out_dim, net.init, gain)
    return params


def init_stats(net: NetConfig) -> Stats:
    """Running batch-norm statistics before training (mean 0, variance 1), shaped like the
    hidden layers of `init` ({"input": …, "blocks": …}), or None without batch norm."""
    if net.norm != "batch" or net.depth == 0:
        return None
    shapes = {"input": (net.width,), "blocks": (net.blocks, net.width)}
    return {
        name: {"mean": jnp.zeros(shape, jnp.float32), "var": jnp.ones(shape, jnp.float32)}
        for name, shape in shapes.items()
        if name == "input" or net.blocks
    }


def _normalize(z, mean, var, layer):
    return layer["gamma"] * (z - mean) / jnp.sqrt(var + NORM_EPS) + layer["beta"]


def _layer(net: NetConfig, layer: dict, h, running, train: bool):
    """φ(N(h W + b)) and the layer's new running statistics (None without batch norm)."""
    z = h @ layer["w"] + layer["b"]
    if net.norm == "layer":
        z = _normalize(z, jnp.mean(z, -1, keepdims=True), jnp.var(z, -1, keepdims=True), layer)
    elif net.norm == "batch":
        if running is not None and not train:
            z = _normalize(z, running["mean"], running["var"], layer)
        else:
            mean, var = jnp.mean(z, axis=0), jnp.var(z, axis=0)
            z = _normalize(z, mean, var, layer)
            if running is not None:
                m = BATCH_NORM_MOMENTUM
                running = jax.tree.map(
                    lambda old, new: m * old + (1 - m) * new, running, {"mean": mean, "var": var}
                )
    return ACTIVATIONS[net.activation](z), running


def apply(
    net: NetConfig,
    params: Params,
    x,
    train: bool = False,
    stats: Stats = None,
    return_activations: bool = False,
) -> Output:
    """The logits of inputs x [n, in_dim], computed in the parameters' dtype.

    With batch norm: `train=True` normalizes by the batch and returns `stats` moved towards it
    (from `init_stats(net)` when None); `train=False` uses `stats`, or the batch's own statistics
    when `stats` is None (then the returned stats are None too). Without batch norm, `train` and
    `stats` change nothing.
    """
    if net.norm == "batch" and train and stats is None:
        stats = init_stats(net)
    stats = stats or {}
    h = jnp.asarray(x, params["out"]["w"].dtype)
    new_stats, hidden = {}, []
    if net.depth:
        h, new_stats["input"] = _layer(net, params["input"], h, stats.get("input"), train)
        hidden.append(h[None])
    if net.blocks:
        branch_scale = 1.0 / math.sqrt(net.blocks) if net.residual else None

        def block(h, inputs):
            layer, running = inputs
            a, running = _layer(net, layer, h, running, train)
            h = h + branch_scale * a if net.residual else a
            return h, (running, h)

        h, (new_stats["blocks"], stacked) = jax.lax.scan(
            block, h, (params["blocks"], stats.get("blocks"))
        )
        hidden.append(stacked)
    logits = h @ params["out"]["w"] + params["out"]["b"]
    out_stats = new_stats if net.norm == "batch" and stats else None
    layers = jnp.concatenate(hidden) if return_activations and hidden else None
    return Output(logits, out_stats, layers)


def activations(net: NetConfig, params: Params, x, stats: Stats = None):
    """The hidden layers' outputs h_1 … h_L, [L, n, width], in evaluation mode."""
    return apply(net, params, x, stats=stats, return_activations=True).activations


def cross_entropy(logits, y):
    """Mean cross-entropy of softmax(logits) against integer labels y."""
    return jnp.mean(optax.softmax_cross_entropy_with_integer_labels(logits, y))


def accuracy(logits, y):
    return jnp.mean(jnp.argmax(logits, axis=-1) == y)


def loss_fn(net: NetConfig, params: Params, x, y, stats: Stats = None):
    """The evaluation-mode loss, a pure function of `params`: what a loss-landscape slice
    L(θ + a d₁ + b d₂) evaluates."""
    return cross_entropy(apply(net, params, x, stats=stats).logits, y)


def probabilities(net: NetConfig, params: Params, x, stats: Stats = None):
    """softmax of the logits, [n, classes]."""
    return jax.nn.softmax(apply(net, params, x, stats=stats).logits, axis=-1)
