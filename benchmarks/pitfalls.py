"""Engines of Adam's pitfalls, measured in one run: `python -m benchmarks.pitfalls` prints a table.

Rows: first call (compile + run) and warm time of each engine; the online problem of Reddi et al.
§5 at 10⁶ steps with Adam, both AMSGrads and SGD, against a float64 NumPy loop over 10⁵ steps of
one optimizer scaled by 40 (4 optimizers × 10); compilations caused by slider-like changes
(target 0).
"""

import time

import numpy as np

from benchmarks.engine import best_of
from optimizers.compilations import count_compilations
from optimizers.effective_rate import adam_hover, effective_rates
from optimizers.least_squares import draw_labels, run_least_squares
from optimizers.online import ONLINE, STOCHASTIC, run_online
from optimizers.swats import run_swats

SECTION_5 = {"learning_rate": 0.5, "b1": 0.9, "b2": 0.99}
FOUR = (
    ("adam", SECTION_5),
    ("amsgrad_reddi", SECTION_5),
    ("amsgrad", SECTION_5),
    ("sgd", {"learning_rate": 0.01}),
)
WILSON = (("sgd", {"learning_rate": 0.5}), ("adam", {"learning_rate": 0.01}), ("rmsprop", {}))


def numpy_adam_online(steps: int) -> float:
    """Adam on §5's online problem in a plain float64 loop; returns R_T/T."""
    x, m, v, regret = 0.0, 0.0, 0.0, 0.0
    for t in range(1, steps + 1):
        a = 1010.0 if t % 101 == 1 else -10.0
        regret += a * (x + 1)
        m, v = 0.9 * m + 0.1 * a, 0.99 * v + 0.01 * a * a
        step = m / (1 - 0.9**t) / (np.sqrt(v / (1 - 0.99**t)) + 1e-8)
        x = min(1.0, max(-1.0, x - 0.5 / np.sqrt(t) * step))
    return regret / steps


def first_and_warm(action, repeats: int = 3) -> tuple[float, float]:
    begin = time.perf_counter()
    action()
    first = time.perf_counter() - begin
    return first, best_of(action, repeats)


def main():
    rows = []
    online = lambda steps: lambda: run_online(ONLINE, FOUR, steps, inverse_sqrt=True)  # noqa: E731
    for steps in (10_000, 100_000, 1_000_000):
        first, warm = first_and_warm(online(steps))
        rows.append((f"online §5, 4 optimizers × {steps:,} steps", first, warm))
    stochastic = lambda: run_online(STOCHASTIC, FOUR, 1_000_000, inverse_sqrt=True)  # noqa: E731
    rows.append(("stochastic §5, 4 optimizers × 1,000,000 steps", *first_and_warm(stochastic)))
    numpy_time = best_of(lambda: numpy_adam_online(100_000), 1) * 40
    rows.append(("NumPy loop, same work (10⁵ steps × 40)", float("nan"), numpy_time))
    labels, test = np.array([1, 1, -1]), draw_labels(100, 0)
    wilson = lambda: run_least_squares(WILSON, labels, test, 1000)  # noqa: E731
    rows.append(("Wilson n = 3, 3 optimizers × 1000 steps", *first_and_warm(wilson)))
    swats = lambda: run_swats("rosenbrock", (-1.5, 2.0), 2000, learning_rate=0.01)  # noqa: E731
    rows.append(("SWATS on Rosenbrock, 2000 steps", *first_and_warm(swats)))
    rates = lambda: effective_rates(steps=1000)  # noqa: E731
    rows.append(("AdaGrad + RMSProp rates on the ravine, 1000 steps", *first_and_warm(rates)))
    rows.append(("Adam hover on x², 3000 steps", *first_and_warm(lambda: adam_hover(3000))))

    def moves():
        run_online(ONLINE, tuple((k, {"learning_rate": 0.1}) for k, _ in FOUR), 500_000, seed=3)
        run_least_squares(WILSON, draw_labels(3, 9), draw_labels(100, 1), 1000)
        run_swats("rosenbrock", (0.0, 1.0), 2000, learning_rate=0.02, switch_eps=1e-4)

    compilations = count_compilations(moves)

    print("| engine | first call (s) | warm (s) |")
    print("|---|---|---|")
    for name, first, warm in rows:
        first_text = "—" if np.isnan(first) else f"{first:.3f}"
        print(f"| {name} | {first_text} | {warm:.4f} |")
    print(f"\nCompilations caused by slider-like changes: {compilations} (target 0)")


if __name__ == "__main__":
    main()
