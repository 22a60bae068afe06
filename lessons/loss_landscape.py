"""Lessons of the loss-landscape page: each a `LandscapeConfig` and what to look for.

Each sentence is checked on its own numbers in tests/test_loss_landscape_page.py.
"""

from dataclasses import dataclass

from lessons.record import Lesson, catalog
from networks.mlp import NetConfig
from networks.train import Run, TrainConfig
from optimizers.params import Params
from ui.loss_landscape_view import LandscapeConfig


@dataclass(frozen=True)
class LandscapeLesson(Lesson):
    config: LandscapeConfig


def _run(optimizer: str, batch: int = 32, **hyperparams: float) -> Run:
    return Run(optimizer, Params(hyperparams), None, batch)


DEEP = NetConfig(depth=20, width=16, activation="relu", init="he")
RELU = NetConfig(depth=2, width=32, activation="relu", init="he")

LESSONS = (
    LandscapeLesson(
        key="skips",
        title="Skip connections smooth the landscape",
        look_for="The same 20-layer ReLU net trained on spirals, without and with residual "
        "connections, sliced at the same span along filter-normalized directions (Li et al. "
        "2018). Without skips the surface is rugged: more strict local minima on the grid and "
        "at least twice the total variation of log L; with them it is one smooth bowl.",
        config=LandscapeConfig(
            TrainConfig(
                "spirals",
                n=300,
                noise=0.03,
                net=DEEP,
                runs=(_run("adam", 64, learning_rate=0.003),),
                steps=300,
            ),
            view="random",
            span=1.0,
            n=31,
            skips=True,
        ),
    ),
    LandscapeLesson(
        key="sharp_flat",
        title="Sharp and flat minima",
        look_for="SGD with batches of 4 and with the whole training set, same rate, same steps "
        "(Keskar et al. 2017). Both fit the spirals, but along the same random direction the "
        "small batch's basin is at least twice as wide as the full batch's (the width where "
        "the loss stays below twice its minimum), and its 2-D slice at the same span shows "
        "the wider valley.",
        config=LandscapeConfig(
            TrainConfig(
                "spirals",
                n=300,
                noise=0.03,
                net=RELU,
                runs=(_run("sgd", 4, learning_rate=0.2), _run("sgd", 224, learning_rate=0.2)),
                steps=1000,
            ),
            view="random",
            span=0.5,
            n=31,
        ),
    ),
    LandscapeLesson(
        key="straight",
        title="Straight from start to solution",
        look_for="The loss along the straight segment from the initialization θ₀ (α = 0) to "
        "the trained network (α = 1) falls at every point, with no barrier to climb, and rises "
        "again beyond both ends (Goodfellow et al. 2015). The path Adam really took is not "
        "that line: on its PCA plane it bends, and its early checkpoints lie partly off the "
        "plane.",
        config=LandscapeConfig(
            TrainConfig(
                "spirals",
                n=300,
                noise=0.03,
                net=RELU,
                runs=(_run("adam", learning_rate=0.01),),
                steps=500,
            ),
            view="pca",
            span=1.0,
            n=31,
        ),
    ),
    LandscapeLesson(
        key="three_optimizers",
        title="Three optimizers on one plane",
        look_for="SGD, momentum and Adam from one initialization, on the plane through θ₀ and "
        "the end points of SGD and Adam. Momentum with the same effective rate η/(1 − β) as "
        "SGD ends in nearly the same direction; Adam travels nearly twice as far. Their first "
        "steps lie mostly off this plane, so there the dots cross contours that are not their "
        "loss: compare the loss each run had with the loss under its dots.",
        config=LandscapeConfig(
            TrainConfig(
                "moons",
                n=300,
                net=NetConfig(depth=2, width=32, activation="tanh", init="xavier"),
                runs=(
                    _run("sgd", learning_rate=0.3),
                    _run("momentum", learning_rate=0.03, momentum=0.9),
                    _run("adam", learning_rate=0.01),
                ),
                steps=400,
            ),
            view="shared",
            span=1.0,
            n=31,
        ),
    ),
)

CATALOG: dict[str, LandscapeLesson] = catalog(LESSONS)
