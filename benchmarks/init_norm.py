"""Initialization and normalization engine speed: `python -m benchmarks.init_norm` prints a
Markdown table.

Rows: compile time of the first call of the activation statistics of a 20 × 256 MLP on 1024
inputs of dimension 256 (forward and backward pass, weights drawn in the kernel); warm times
(median of repeats, results read back into NumPy) for three initialization / activation pairs;
compilations caused by 20 σ and seed changes (target 0); the batch-norm train / inference
mismatch over 8 batch sizes, warm. The floor beside them: the 60 products of 1024 × 256 by
256 × 256 that a forward and backward pass of 20 layers needs at least, in one jitted scan
(absolute times move with the machine's load, the ratio to the floor much less).
"""

import time

import jax
import jax.numpy as jnp
import numpy as np

from benchmarks.engine import best_of
from networks.mlp import NetConfig
from networks.normalization import train_inference_mismatch
from networks.statistics import statistics
from optimizers.compilations import count_compilations

PAGE = {"in_dim": 256, "batch": 1024}
NETS = {
    "tanh, xavier": NetConfig(depth=20, width=256, activation="tanh", init="xavier"),
    "relu, he": NetConfig(depth=20, width=256, activation="relu", init="he"),
    "tanh, orthogonal": NetConfig(depth=20, width=256, activation="tanh", init="orthogonal"),
}
SLIDER = NetConfig(depth=20, width=256, activation="tanh", init="normal")


def matmul_floor():
    """The time of 60 products [1024, 256] × [256, 256], each step's output feeding the next."""
    x = jnp.ones((1024, 256), jnp.float32)
    w = jnp.full((60, 256, 256), 1 / 256, jnp.float32)
    scan = jax.jit(lambda x, w: jax.lax.scan(lambda h, w: (h @ w, None), x, w)[0])
    scan(x, w).block_until_ready()
    return best_of(lambda: scan(x, w).block_until_ready(), 9)


def sigma_slider():
    rng = np.random.default_rng(0)
    for seed in range(20):
        sigma = float(10 ** rng.uniform(-2, 0.5))
        statistics(SLIDER.replace(init_scale=sigma), seed=seed, **PAGE)


def main():
    begin = time.perf_counter()
    statistics(NETS["tanh, xavier"], **PAGE)
    compile_s = time.perf_counter() - begin
    warm = {}
    for name, net in NETS.items():
        statistics(net, **PAGE)
        warm[name] = best_of(lambda net=net: statistics(net, seed=1, **PAGE), 5)
    statistics(SLIDER, **PAGE)
    compiles = count_compilations(sigma_slider)
    train_inference_mismatch()
    mismatch = best_of(lambda: train_inference_mismatch(momentum=0.99, seed=1), 5)
    floor = matmul_floor()

    rows = [("compile + first call: statistics, 20 × 256, tanh, xavier", f"{compile_s:.1f} s", "")]
    rows += [
        (
            f"warm: statistics, 20 × 256 on 1024 inputs, {name}",
            f"{t * 1e3:.0f} ms ({t / floor:.1f}× floor)",
            "",
        )
        for name, t in warm.items()
    ]
    rows += [
        ("floor: 60 matmuls 1024 × 256 × 256 in one scan", f"{floor * 1e3:.0f} ms", ""),
        ("compilations caused by 20 σ and seed changes", str(compiles), "0"),
        ("warm: BN train / inference mismatch, 8 batch sizes", f"{mismatch * 1e3:.0f} ms", ""),
    ]
    print("| measure | value | target |\n| --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
