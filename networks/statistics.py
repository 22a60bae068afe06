r"""What happens inside a deep network at initialization, layer by layer.

`statistics(net)` builds the MLP of `networks.mlp` (depth L ≤ 20, width n ≤ 256, weights from
`jax.nn.initializers`), feeds it a batch of inputs x ~ N(0, I) of dimension `in_dim`, and measures
for every hidden layer l = 1 … L its output h_l = a_l = φ(z_l) over all examples and units:

    mean E[a],   standard deviation √Var[a],   second moment E[a²],
    a histogram on fixed bins (`HISTOGRAM_RANGE` of the activation) of the first
        `HISTOGRAM_INPUTS` inputs' activations (65 536 values per layer at width 256: plenty for
        a picture, and the scatter-add costs a quarter of a whole batch of 1024),
    the saturated share: φ′(z) < 0.19 · max φ′  (tanh: |a| > 0.9, since 1 − 0.9² = 0.19;
        sigmoid: a < 0.053 or a > 0.947; ReLU and leaky ReLU: z < 0; ELU: z < log 0.19),
    the dead share: units whose output is 0 for every input of the batch,
    the gradient norm ‖∂ℓ/∂W_l‖_F of the weights into layer l,

where ℓ is the mean cross-entropy of softmax(logits) against labels drawn uniformly at random
from `classes` classes (a loss with no structure to learn: what reaches layer l is only what the
initialization lets through on the way back).

Why the initialization matters (a layer z = h W with fan_in n_in and Var W = v):
Var z = n_in · v · E[h²]. Hence

- Glorot & Bengio 2010 ("Xavier"): v = 2/(n_in + n_out) keeps Var z = Var h for a linear or tanh
  unit near 0 (forward and backward compromise); tanh then shrinks the spread slowly with depth;
- He et al. 2015: ReLU zeroes half of z, so E[a²] = ½ Var z; v = 2/n_in keeps E[a²] constant
  through all layers, where Xavier's v = 1/n (n_in = n_out = n) halves it at every layer;
- normal(σ) with tanh: σ = 0.01 gives n σ² ≪ 1, activations and gradients collapse to 0 layer
  after layer; σ = 1 gives Var z = n ≫ 1, tanh saturates at ±1 and φ′ ≈ 0 kills the gradient;
- Saxe et al. 2014: orthogonal W preserve the norm of every vector exactly (for linear layers);
- zeros: every unit of a layer computes the same function and gets the same gradient, so the
  units stay identical through training (`symmetry`).

One kernel is compiled per structure (initialization kind, activation, normalization, depth,
width, input dimension, batch size, classes); the scale σ (`NetConfig.init_scale`, the gain of
the initializer) and the seed are traced, so a σ slider never recompiles.

References:
    Glorot & Bengio 2010, "Understanding the difficulty of training deep feedforward neural
    networks". He, Zhang, Ren & Sun 2015, "Delving deep into rectifiers". Saxe, McClelland &
    Ganguli 2014, "Exact solutions to the nonlinear dynamics of learning in deep linear neural
    networks".
"""

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from networks import mlp
from networks.mlp import NetConfig
from networks.train import Run, TrainConfig, train

MAX_IN_DIM = 1024
MAX_BATCH = 4096
MAX_CLASSES = 100
BINS = 40
HISTOGRAM_INPUTS = 256
SATURATION = 0.19
SYMMETRY_NET = NetConfig(depth=2, width=8, activation="sigmoid", init="zeros")
KERNEL_CACHE_SIZE = 32

HISTOGRAM_RANGE = {
    "sigmoid": (0.0, 1.0),
    "tanh": (-1.0, 1.0),
    "relu": (-1.0, 3.0),
    "leaky_relu": (-1.0, 3.0),
    "elu": (-1.0, 3.0),
}

# φ′ / max φ′ written as a function of the output a = φ(z): every activation here is monotone.
_RELATIVE_SLOPE = {
    "sigmoid": lambda a: 4.0 * a * (1.0 - a),
    "tanh": lambda a: 1.0 - a**2,
    "relu": lambda a: (a > 0).astype(a.dtype),
    "leaky_relu": lambda a: jnp.where(a > 0, 1.0, 0.01),
    "elu": lambda a: jnp.where(a > 0, 1.0, a + 1.0),
}


class Statistics(NamedTuple):
    """NumPy arrays, first axis = hidden layer l = 1 … L (index l − 1).

    `mean`, `std`, `second_moment` (E[a²]), `saturated` (share of activations) and `dead` (share
    of units) [L]; `histogram` [L, BINS], the share of the layer's activations (of the first
    `HISTOGRAM_INPUTS` inputs) per bin, values outside `bin_edges` [BINS + 1] counted in the
    first or last bin; `grad_norm` [L] = ‖∂ℓ/∂W_l‖_F; `loss` ℓ.

    `overflow_layer`: the first layer (index) whose activations are not finite in float32 (a
    large σ with ReLU multiplies E[a²] by n σ²/2 per layer), −1 if none. From that layer on
    the layer's numbers are 0, and when it is not −1 the gradients and ℓ are 0 too: no NaN or
    Inf leaves the engine.
    """

    mean: np.ndarray
    std: np.ndarray
    second_moment: np.ndarray
    saturated: np.ndarray
    dead: np.ndarray
    histogram: np.ndarray
    bin_edges: np.ndarray
    grad_norm: np.ndarray
    loss: float
    overflow_layer: int


def _checked(net: NetConfig, in_dim: int, batch: int, classes: int) -> None:
    if not isinstance(net, NetConfig):
        raise ValueError("The network must be a NetConfig.")
    if net.depth < 1:
        raise ValueError("The statistics need at least one hidden layer.")
    if net.residual:
        raise ValueError("The statistics are of plain layers h_l = φ(z_l): turn residual off.")
    for name, value, lo, hi in (
        ("input dimension", in_dim, 1, MAX_IN_DIM),
        ("batch size", batch, 2, MAX_BATCH),
        ("number of classes", classes, 2, MAX_CLASSES),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise ValueError(f"The {name} must be a whole number from {lo} to {hi}.")


def draw(net: NetConfig, in_dim: int, batch: int, classes: int, gain, seed):
    """The experiment's random draws from one seed: (parameters of `mlp.init` with `gain`,
    inputs x ~ N(0, I) [batch, in_dim], labels y uniform in range(classes) [batch]). Threefry
    keys: on the CPU they compile about twice slower than "rbg" keys but draw the 1.3 million
    weights of a 20 × 256 net 4–8 times faster, and a slider only pays the drawing."""
    k_params, k_x, k_y = jax.random.split(jax.random.key(seed), 3)
    params = mlp.init(net, k_params, in_dim, classes, gain)
    x = jax.random.normal(k_x, (batch, in_dim), jnp.float32)
    return params, x, jax.random.randint(k_y, (batch,), 0, classes)


@functools.lru_cache(maxsize=KERNEL_CACHE_SIZE)
def _kernel(net: NetConfig, in_dim: int, batch: int, classes: int):
    """The jitted (gain, seed) → per-layer arrays of one structure (`net` has init_scale 1)."""
    lo, hi = HISTOGRAM_RANGE[net.activation]
    slope = _RELATIVE_SLOPE[net.activation]

    def kernel(gain, seed):
        params, x, y = draw(net, in_dim, batch, classes, gain, seed)

        def loss(p):
            out = mlp.apply(net, p, x, return_activations=True)
            return mlp.cross_entropy(out.logits, y), out.activations

        (value, h), grads = jax.value_and_grad(loss, has_aux=True)(params)
        layers = h.reshape(net.depth, -1)
        finite = jnp.all(jnp.isfinite(layers), axis=1) & jnp.isfinite(jnp.sum(layers**2, axis=1))
        overflow = jnp.where(jnp.all(finite), -1, jnp.argmin(finite))
        valid = jnp.cumsum(~finite) == 0
        safe = jnp.where(valid[:, None], layers, 0.0)

        shown = jnp.where(valid[:, None, None], h[:, :HISTOGRAM_INPUTS], 0.0).reshape(net.depth, -1)
        bins = jnp.clip(jnp.floor((shown - lo) / (hi - lo) * BINS), 0, BINS - 1).astype(jnp.int32)
        counts = jax.vmap(lambda b: jnp.bincount(b, length=BINS))(bins)
        weights = [grads["input"]["w"][None]]
        if net.blocks:
            weights.append(grads["blocks"]["w"])
        grad_norm = jnp.concatenate([jnp.sqrt(jnp.sum(g**2, axis=(1, 2))) for g in weights])
        healthy = (overflow < 0) & jnp.isfinite(value) & jnp.all(jnp.isfinite(grad_norm))
        keep = lambda a: jnp.where(valid, a, 0.0)  # noqa: E731
        # two passes over the activations: the mean, then what the others need fused in one
        mean = jnp.mean(safe, axis=1)
        var = jnp.mean((safe - mean[:, None]) ** 2, axis=1)
        return {
            "mean": keep(mean),
            "std": keep(jnp.sqrt(var)),
            "second_moment": keep(var + mean**2),
            "saturated": keep(jnp.mean(slope(safe) < SATURATION, axis=1)),
            "dead": keep(jnp.mean(jnp.all(h == 0, axis=1), axis=1)),
            "histogram": jnp.where(valid[:, None], counts / shown.shape[1], 0.0),
            "grad_norm": jnp.where(healthy, grad_norm, 0.0),
            "loss": jnp.where(healthy, value, 0.0),
            "overflow_layer": overflow,
        }

    return jax.jit(kernel)


def statistics(
    net: NetConfig, in_dim: int = 256, batch: int = 1024, classes: int = 10, seed: int = 0
) -> Statistics:
    """The per-layer statistics of `net` at initialization on `batch` inputs x ~ N(0, I_in_dim),
    in one jitted forward and backward pass.

    Args:
        net: the architecture; `init_scale` is σ for `normal` and a gain on the others (traced).
            Residual nets are refused; batch or layer norm act as in `mlp.apply` (evaluation
            mode without running statistics, so batch norm uses the batch's own).
        in_dim: the inputs' dimension.
        batch: how many inputs.
        classes: the output width (the random labels' classes).
        seed: draws the weights, the inputs and the labels (traced).
    """
    _checked(net, in_dim, batch, classes)
    kernel = _kernel(net.replace(init_scale=1.0), in_dim, batch, classes)
    out = jax.tree.map(np.asarray, kernel(np.float32(net.init_scale), np.int32(seed)))
    lo, hi = HISTOGRAM_RANGE[net.activation]
    return Statistics(
        mean=out["mean"],
        std=out["std"],
        second_moment=out["second_moment"],
        saturated=out["saturated"],
        dead=out["dead"],
        histogram=out["histogram"],
        bin_edges=np.linspace(lo, hi, BINS + 1),
        grad_norm=out["grad_norm"],
        loss=float(out["loss"]),
        overflow_layer=int(out["overflow_layer"]),
    )


class Symmetry(NamedTuple):
    """Two units of one hidden layer during training: `steps` [K] (the checkpoints), `first` and
    `second` [K, fan_in] their incoming weights, `train_loss` [steps + 1]."""

    steps: np.ndarray
    first: np.ndarray
    second: np.ndarray
    train_loss: np.ndarray


def symmetry(
    net: NetConfig = SYMMETRY_NET,
    layer: int = 1,
    learning_rate: float = 2.0,
    steps: int = 200,
    batch_size: int = 32,
    dataset: str = "moons",
    seed: int = 0,
) -> Symmetry:
    """Train `net` on `dataset` with minibatch SGD (optax.sgd, the network engine's `train`) and
    follow the incoming weights of units 0 and 1 of hidden layer `layer` (1-based).

    From W = 0 every unit j of a layer has the same input weights, so the same output and — by
    the chain rule ∂ℓ/∂W_{:, j} = hᵀ (δ W_nextᵀ)_{:, j} φ′(z_{:, j}) — the same gradient: the units
    stay identical at every step, and the layer behaves as a single unit. (With tanh they even
    stay at 0: tanh(0) = 0 passes nothing forward and W_next = 0 passes nothing back; sigmoid's
    0.5 does pass, so its weights move, in step.) Any random initialization breaks the symmetry.
    """
    if not 1 <= layer <= net.depth or net.width < 2:
        raise ValueError("Pick a hidden layer of the network with at least two units.")
    config = TrainConfig(
        dataset,
        net=net,
        runs=(Run("sgd", {"learning_rate": learning_rate}, None, batch_size),),
        steps=steps,
        seed=seed,
    )
    history = train(config)
    weights = []
    for theta in history.snapshots[0]:
        params = history.unravel(theta)
        w = params["input"]["w"] if layer == 1 else params["blocks"]["w"][layer - 2]
        weights.append(np.asarray(w)[:, :2])
    weights = np.stack(weights)
    return Symmetry(
        history.checkpoint_steps, weights[..., 0], weights[..., 1], history.train_loss[0]
    )
