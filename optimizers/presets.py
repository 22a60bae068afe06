"""Lecture presets: one click sets up a classic picture, as data: a RunConfig and a sentence."""

import math
from dataclasses import dataclass

from optimizers.run_config import RunConfig


@dataclass(frozen=True)
class Preset:
    key: str
    title: str
    look_for: str
    config: RunConfig


def ring(centre: tuple[float, float], radius: float, count: int) -> tuple[tuple[float, float], ...]:
    """`count` starts evenly spaced on a circle."""
    cx, cy = centre
    angles = [2 * math.pi * (i + 0.5) / count for i in range(count)]
    return tuple((cx + radius * math.cos(a), cy + radius * math.sin(a)) for a in angles)


def grid(domain, count: int, margin: float = 0.1) -> tuple[tuple[float, float], ...]:
    """count × count starts evenly spread over the domain, `margin` of it left free at the edges."""
    (x0, x1), (y0, y1) = domain

    def axis(lo, hi):
        pad = margin * (hi - lo)
        if count == 1:
            return [(lo + hi) / 2]
        return [lo + pad + i * (hi - lo - 2 * pad) / (count - 1) for i in range(count)]

    return tuple((x, y) for y in axis(y0, y1) for x in axis(x0, x1))


PRESETS = (
    Preset(
        key="zigzag",
        title="Zigzag in the ravine",
        look_for="SGD bounces from wall to wall across the narrow direction; momentum and Adam "
        "head down the valley floor.",
        config=RunConfig(
            "ravine",
            (
                ("sgd", {"learning_rate": 0.95}),
                ("momentum", {"learning_rate": 0.1, "momentum": 0.9}),
                ("adagrad", {"learning_rate": 1.5}),
                ("adam", {"learning_rate": 0.3}),
            ),
            starts=((-7.0, 2.0),),
            steps=30,
        ),
    ),
    Preset(
        key="saddle",
        title="Escaping a saddle",
        look_for="Started a hair off the ridge, plain SGD creeps away from the saddle, noise "
        "kicks it off sooner, Newton walks straight into the saddle and saddle-free Newton "
        "(damped, λ = 0.5) turns the ridge's negative curvature into a push away from it.",
        config=RunConfig(
            "saddle_escape",
            (
                ("sgd", {"learning_rate": 0.1}),
                ("sgd", {"learning_rate": 0.1}),
                ("newton", {}),
                ("saddle_free_newton", {"damping": 0.5}),
            ),
            starts=((-1.5, 0.001),),
            steps=100,
            noise_std=0.3,
            noisy=(False, True, False, False),
        ),
    ),
    Preset(
        key="rosenbrock",
        title="Rosenbrock's valley",
        look_for="Everyone reaches the curved valley fast; the race is along its floor, where "
        "SGD crawls, momentum and Adam keep speed and Newton takes few large steps.",
        config=RunConfig(
            "rosenbrock",
            (
                ("sgd", {"learning_rate": 0.001}),
                ("momentum", {"learning_rate": 0.001, "momentum": 0.9}),
                ("adam", {"learning_rate": 0.05}),
                ("newton", {"learning_rate": 0.5}),
            ),
            starts=((-1.5, 2.0),),
            steps=500,
        ),
    ),
    Preset(
        key="himmelblau",
        title="Himmelblau: which minimum?",
        look_for="Eight starts around the central hill roll into different valleys: where you "
        "start decides which of the four minima you find.",
        config=RunConfig(
            "himmelblau",
            (("sgd", {"learning_rate": 0.01}), ("adam", {"learning_rate": 0.1})),
            starts=ring((-0.27, -0.92), 1.5, 8),
            steps=200,
        ),
    ),
    Preset(
        key="adam_bias",
        title="Adam with and without bias correction",
        look_for="Without the correction the first steps are about three times too long "
        "(1 − β₁)/√(1 − β₂) ≈ 3.2: the uncorrected run overshoots before it settles.",
        config=RunConfig(
            "ravine",
            (("adam", {"learning_rate": 0.3}), ("adam_no_bias", {"learning_rate": 0.3})),
            starts=((-7.0, 2.0),),
            steps=60,
        ),
    ),
)

CATALOG: dict[str, Preset] = {preset.key: preset for preset in PRESETS}
