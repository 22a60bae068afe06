"""Hyperparameter-search speed, measured in one run: `python -m benchmarks.search` prints a
Markdown table.

Rows, on the search page's default preset (Adam on the ravine from (−7, 2), 100 steps, η and β₁
on their default axes): the 100 × 100 response surface cold (compile + run) and warm (one sweep of
10 000 runs); 10 000 single `simulate` runs, 200 of them timed warm and scaled ×50, and the ratio
(target ≥ 10×); `search_race` with 200 seeds × 16 trials (6 416 runs in one sweep), cold and warm;
three coarse-to-fine rounds of 16 trials, warm.
"""

import time

import numpy as np

from benchmarks.engine import best_of
from optimizers.run_config import RunConfig
from optimizers.search import coarse_to_fine, default_axis, random_points, search_race, surface
from optimizers.simulate import simulate

CONFIG = RunConfig("ravine", (("adam", {}),), starts=((-7.0, 2.0),), steps=100)
X, Y = default_axis("adam", "learning_rate"), default_axis("adam", "b1")
SIZE = 100
SAMPLE = 200
SEEDS = 200
BUDGET = 16


def cold(action) -> float:
    begin = time.perf_counter()
    action()
    return time.perf_counter() - begin


def main():
    surface_cold = cold(lambda: surface(CONFIG, X, Y, SIZE))
    surface_warm = best_of(lambda: surface(CONFIG, X, Y, SIZE), 5)

    points = random_points(X, Y, SAMPLE, np.random.default_rng(0))

    def single_runs():
        for eta, b1 in points:
            simulate(CONFIG.replace(optimizers=(("adam", {"learning_rate": eta, "b1": b1}),)))

    single_runs()
    looped = best_of(single_runs, 3) * SIZE**2 / SAMPLE

    race_cold = cold(lambda: search_race(CONFIG, X, Y, BUDGET, SEEDS))
    race_warm = best_of(lambda: search_race(CONFIG, X, Y, BUDGET, SEEDS), 5)
    coarse_to_fine(CONFIG, X, Y, BUDGET, 3)
    rounds = best_of(lambda: coarse_to_fine(CONFIG, X, Y, BUDGET, 3), 5)

    runs = BUDGET * (1 + 2 * SEEDS)
    rows = [
        ("surface 100 × 100, cold (compile + one sweep)", f"{surface_cold * 1e3:.0f} ms", ""),
        ("surface 100 × 100, warm (one sweep of 10 000 runs)", f"{surface_warm * 1e3:.0f} ms", ""),
        (f"10 000 single runs ({SAMPLE} timed, ×{SIZE**2 // SAMPLE})", f"{looped:.1f} s", ""),
        ("speed-up of the surface over single runs", f"{looped / surface_warm:.0f}×", "≥ 10×"),
        (
            f"search_race {SEEDS} seeds × {BUDGET} trials ({runs:,} runs), cold",
            f"{race_cold * 1e3:.0f} ms",
            "",
        ),
        (f"search_race {SEEDS} seeds × {BUDGET} trials, warm", f"{race_warm * 1e3:.0f} ms", ""),
        (f"coarse to fine, 3 rounds × {BUDGET} trials, warm", f"{rounds * 1e3:.1f} ms", ""),
    ]
    print("| measure | value | target |\n| --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
