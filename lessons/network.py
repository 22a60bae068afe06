"""Lessons of the network page: each a `TrainConfig` and what to look for on its curves."""

from dataclasses import dataclass

from lessons.record import Lesson, catalog
from networks.mlp import NetConfig
from networks.train import BatchGrowth, Run, TrainConfig
from optimizers.params import Params


@dataclass(frozen=True)
class NetworkLesson(Lesson):
    config: TrainConfig


def _sgd(rate: float, batch: int, schedule=None) -> Run:
    return Run("sgd", Params({"learning_rate": rate}), schedule, batch)


SMALL = NetConfig(depth=2, width=32, activation="tanh", init="xavier")

LESSONS = (
    NetworkLesson(
        key="optimizers_spirals",
        title="SGD, momentum and Adam on spirals",
        look_for="Three runs from one initialization on the same minibatches. Adam separates "
        "the two arms first, momentum follows, plain SGD is slowest to start; by the last "
        "step all three are near 90 % on points they never trained on.",
        config=TrainConfig(
            dataset="spirals",
            n=400,
            net=NetConfig(depth=3, width=32, activation="tanh", init="xavier"),
            runs=(
                _sgd(0.3, 32),
                Run("momentum", Params({"learning_rate": 0.03, "momentum": 0.9}), None, 32),
                Run("adam", Params({"learning_rate": 0.01}), None, 32),
            ),
            steps=600,
        ),
    ),
    NetworkLesson(
        key="batch_steps_epochs",
        title="Batch size: steps versus epochs",
        look_for="Switch the x axis between steps and epochs. A batch 8 times larger sees 8 "
        "times the samples per step: with the rate scaled by 8 too (the linear scaling rule) "
        "it reaches a low loss in far fewer steps, yet counted in epochs it is no faster, and "
        "at the unscaled rate it is slower per sample.",
        config=TrainConfig(
            dataset="moons",
            n=400,
            net=SMALL,
            runs=(_sgd(0.1, 8), _sgd(0.1, 64), _sgd(0.8, 64)),
            steps=800,
        ),
    ),
    NetworkLesson(
        key="grow_batch",
        title="Grow the batch instead of decaying the rate",
        look_for="Look at the validation loss against epochs. Dividing the rate by 5 after 150 "
        "steps and multiplying the batch by 5 after 150 steps trace nearly the same curve, "
        "both below the constant rate; the growing batch gets there in fewer steps (Smith et "
        "al. 2018).",
        config=TrainConfig(
            dataset="moons",
            n=1000,
            noise=0.2,
            net=SMALL,
            runs=(
                _sgd(0.5, 4, ("step", Params({"factor": 0.2, "every": 150.0}))),
                Run("sgd", Params({"learning_rate": 0.5}), None, 4, BatchGrowth(5.0, 150)),
                _sgd(0.5, 4),
            ),
            steps=300,
        ),
    ),
    NetworkLesson(
        key="rate_too_large",
        title="A rate too large",
        look_for="The same ReLU network at three rates: η = 0.5 learns the moons; η = 5 "
        "bounces and stalls at a high loss; at η = 10 the loss explodes within a few steps, "
        "the run is stopped and marked diverged, and its curves end at the ✕.",
        config=TrainConfig(
            dataset="moons",
            n=400,
            net=NetConfig(depth=2, width=32, activation="relu", init="xavier"),
            runs=(_sgd(0.5, 32), _sgd(5.0, 32), _sgd(10.0, 32)),
            steps=100,
        ),
    ),
)

CATALOG: dict[str, NetworkLesson] = catalog(LESSONS)
