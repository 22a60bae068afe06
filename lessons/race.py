"""The race page's lecture presets: one click sets up a classic picture, as data."""

from dataclasses import dataclass

from lessons.record import Lesson, catalog
from lessons.starts import ring
from optimizers.run_config import RunConfig


@dataclass(frozen=True)
class RacePreset(Lesson):
    """A race page preset: the runs to race (`config`), and optionally a formula to show."""

    config: RunConfig
    latex: str = ""


PRESETS = (
    RacePreset(
        key="zigzag",
        title="Zigzag in the ravine",
        look_for="SGD bounces from wall to wall across the narrow direction for all 30 steps. "
        "Momentum (μ = 0.5) damps the swing within a few steps and then runs along the valley "
        "floor; AdaGrad rescales each direction and drops onto the floor at once; Adam rescales "
        "too, but its momentum carries it across the floor in a wide curve before it turns back.",
        config=RunConfig(
            "ravine",
            (
                ("sgd", {"learning_rate": 0.95}),
                ("momentum", {"learning_rate": 0.4, "momentum": 0.5}),
                ("adagrad", {"learning_rate": 1.5}),
                ("adam", {"learning_rate": 0.3}),
            ),
            starts=((-7.0, 2.0),),
            steps=30,
        ),
    ),
    RacePreset(
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
    RacePreset(
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
    RacePreset(
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
    RacePreset(
        key="adam_bias",
        title="Adam with and without bias correction",
        look_for="For the same running averages m and v, the step without the correction is "
        "(1 − β₁ᵗ)/√(1 − β₂ᵗ) times the corrected one: 3.2 at "
        "step 1, about 6.6 near step 12 and still 3.2 at step 100 (β₁ = 0.9, β₂ = 0.999), so "
        "the uncorrected run overshoots before it settles.",
        latex=r"\frac{\text{step without correction}}{\text{step with correction}}"
        r" = \frac{1-\beta_1^t}{\sqrt{1-\beta_2^t}}",
        config=RunConfig(
            "ravine",
            (("adam", {"learning_rate": 0.3}), ("adam_no_bias", {"learning_rate": 0.3})),
            starts=((-7.0, 2.0),),
            steps=60,
        ),
    ),
)

CATALOG: dict[str, RacePreset] = catalog(PRESETS)
