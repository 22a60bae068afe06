"""Engine speed, measured in one run: `python -m benchmarks.engine` prints a Markdown table.

Rows: compile time; warm time of 8 optimizers × 1000 steps on Rosenbrock; a plain NumPy loop
doing the same work per step (tests/reference.py's update rules) and the ratio (target ≥ 100×);
a sweep of 10 000 settings × 500 steps against single runs in a loop (target ≥ 10×, the loop
timed on a sample and scaled); compilations caused by 20 slider-like changes (target 0).
"""

import statistics
import time

import numpy as np

from optimizers.compilations import count_compilations
from optimizers.simulate import RunConfig, simulate, sweep
from tests.reference import initial_state, reference_step, rosenbrock, rosenbrock_derivatives

START = (-1.5, 2.0)
EIGHT = (
    ("sgd", {"learning_rate": 1e-3}),
    ("momentum", {"learning_rate": 5e-4}),
    ("nesterov", {"learning_rate": 5e-4}),
    ("adagrad", {"learning_rate": 0.1}),
    ("rmsprop", {"learning_rate": 0.01}),
    ("adam", {"learning_rate": 0.02}),
    ("amsgrad", {"learning_rate": 0.02}),
    ("adamw", {"learning_rate": 0.02}),
)
RACE = RunConfig("rosenbrock", EIGHT, starts=(START,), steps=1000)
SWEEP = RunConfig("rosenbrock", (("momentum", {}),), starts=(START,), steps=500)


def best_of(action, repeats: int) -> float:
    """The median of `repeats` timings, in seconds."""
    times = []
    for _ in range(repeats):
        begin = time.perf_counter()
        action()
        times.append(time.perf_counter() - begin)
    return statistics.median(times)


def numpy_race():
    """The engine's work per step in plain NumPy: noise, clipping, update, divergence, records."""
    rng = np.random.default_rng(0)
    for key, hp in RACE.optimizers:
        x, state = np.array(START), initial_state(hp)
        points, losses, grads = [x], [rosenbrock(x)], []
        for t in range(1, RACE.steps + 1):
            g, h = rosenbrock_derivatives(x)
            noisy = g + RACE.gradient_noise * rng.standard_normal(2)
            applied = noisy * min(1.0, np.inf / np.linalg.norm(noisy))
            x_new = reference_step(key, hp, state, x, applied, h, t)
            loss = rosenbrock(x_new)
            if np.all(np.isfinite(x_new)) and np.isfinite(loss):
                x = x_new
            points.append(x)
            losses.append(loss)
            grads.append(g)


def slider_moves():
    rng = np.random.default_rng(0)
    for seed in range(20):
        moved = tuple((key, hp | {"learning_rate": hp["learning_rate"] * rng.uniform(0.5, 1)})
                      for key, hp in EIGHT)  # fmt: skip
        start = (float(rng.uniform(-2, 2)), float(rng.uniform(-1, 3)))
        simulate(RACE.replace(optimizers=moved, starts=(start,), seed=seed, noise_std=0.1))


def main():
    begin = time.perf_counter()
    simulate(RACE)
    compile_s = time.perf_counter() - begin
    warm = best_of(lambda: simulate(RACE), 20)
    plain = best_of(numpy_race, 3)

    n, sample = 10_000, 200
    rates = np.geomspace(1e-5, 1e-2, n)
    momenta = np.random.default_rng(0).uniform(0, 0.99, n)
    values = {"learning_rate": rates, "momentum": momenta}
    sweep(SWEEP, values)
    swept = best_of(lambda: sweep(SWEEP, values), 3)

    def single_runs():
        for eta, mu in zip(rates[:sample], momenta[:sample], strict=True):
            simulate(
                SWEEP.replace(optimizers=(("momentum", {"learning_rate": eta, "momentum": mu}),))
            )

    single_runs()
    looped = best_of(single_runs, 1) * n / sample
    compiles = count_compilations(slider_moves)

    rows = [
        ("compile: 8 optimizers × 1000 steps (first call)", f"{compile_s * 1e3:.0f} ms", ""),
        ("warm: 8 optimizers × 1000 steps", f"{warm * 1e3:.2f} ms", ""),
        ("NumPy loop: the same 8 × 1000 steps", f"{plain * 1e3:.0f} ms", ""),
        ("speed-up of the engine over NumPy", f"{plain / warm:.0f}×", "≥ 100×"),
        ("sweep: 10 000 settings × 500 steps, one vmap", f"{swept * 1e3:.0f} ms", ""),
        (f"loop of single runs, {sample} timed, scaled to 10 000", f"{looped:.1f} s", ""),
        ("speed-up of sweep over the loop", f"{looped / swept:.0f}×", "≥ 10×"),
        ("compilations caused by 20 slider changes", str(compiles), "0"),
    ]
    print("| measure | value | target |\n| --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
