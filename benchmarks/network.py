"""Network engine speed: `python -m benchmarks.network` prints a Markdown table.

Rows: compile time of the first call; warm times (median of repeats, results read back into
NumPy) of 1000 minibatch steps, of four runs in one call, and of 500 full-batch Adam steps of a
2-32-32-2 MLP on 1000 points (the DESIGN's reference, 0.3 s), and of 1000 steps whose batch grows
from 32 by 2× every 250 steps (a mask over B_max = 256 points every step); the decision field of
four runs at every checkpoint; compilations caused by 20 slider-like changes (target 0). Each time
comes with the process's CPU time over the same interval: on a shared machine the wall time grows
with the load, the CPU time much less.
"""

import statistics
import time

import numpy as np

from networks.mlp import NetConfig
from networks.train import Run, TrainConfig, decision_field, train
from optimizers.compilations import count_compilations

NET = NetConfig(depth=2, width=32, activation="tanh")
ONE = TrainConfig(
    "moons", 500, 0.1, net=NET, runs=(Run("adam", {"learning_rate": 0.01}, None, 32),), steps=1000
)
FOUR = ONE.replace(
    runs=(
        Run("sgd", {"learning_rate": 0.5}, None, 32),
        Run("momentum", {"learning_rate": 0.05}, ("cosine", {"decay_steps": 1000.0}), 32),
        Run("adam", {"learning_rate": 0.01}, None, 32),
        Run("adam", {"learning_rate": 0.003}, None, 128),
    )
)
GROWING = ONE.replace(runs=(Run("sgd", {"learning_rate": 0.5}, None, 32, (2.0, 250)),))
FULL = TrainConfig(
    "moons", 1000, 0.1, net=NET, runs=(Run("adam", {"learning_rate": 0.01}, None, 750),), steps=500
)


def timed(action, repeats: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `repeats` calls."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def slider_moves():
    rng = np.random.default_rng(0)
    for seed in range(20):
        rate = float(10 ** rng.uniform(-3, -1))
        train(
            ONE.replace(
                runs=(Run("adam", {"learning_rate": rate}, None, 32),),
                noise=float(rng.uniform(0, 0.5)),
                seed=seed,
                data_seed=seed,
            )
        )


def main():
    first = timed(lambda: train(ONE), 1)
    one = timed(lambda: train(ONE), 10)
    train(FOUR)
    four = timed(lambda: train(FOUR), 5)
    train(FULL)
    full = timed(lambda: train(FULL), 5)
    train(GROWING)
    growing = timed(lambda: train(GROWING), 5)
    history = train(FOUR)
    decision_field(FOUR, history)
    field = timed(lambda: decision_field(FOUR, history), 3)
    checkpoints = len(history.checkpoint_steps)
    compiles = count_compilations(slider_moves)

    def ms(measured):
        return f"{measured[0] * 1e3:.0f} ms", f"{measured[1] * 1e3:.0f} ms"

    rows = [
        ("compile + first call: 1 run × 1000 steps, batch 32, 500 points", *ms(first), ""),
        ("warm: 1 run × 1000 steps, batch 32, 500 points", *ms(one), "≤ 500 ms"),
        ("warm: 4 runs × 1000 steps in one call (3 structures)", *ms(four), "≤ 1 s"),
        ("warm: 500 full-batch Adam steps, 2-32-32-2, 1000 points", *ms(full), "0.3 s"),
        ("warm: 1000 steps, batch 32 → 256 (×2 every 250), 500 points", *ms(growing), ""),
        (f"decision field: 4 runs × {checkpoints} checkpoints, 64²", *ms(field), ""),
        ("compilations caused by 20 slider changes", str(compiles), "", "0"),
    ]
    print("| measure | wall | CPU | target |\n| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
