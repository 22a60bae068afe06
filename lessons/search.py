"""Presets of the hyperparameter-search page, as data: what is searched, on what, and why."""

from dataclasses import dataclass

from lessons.record import Lesson, catalog
from optimizers.run_config import RunConfig


@dataclass(frozen=True)
class SearchPreset(Lesson):
    """What is searched: one optimizer's `config`, the hyperparameters on the x and y axes, the
    number of trials."""

    config: RunConfig
    x: str
    y: str
    budget: int


PRESETS = (
    SearchPreset(
        key="one_matters",
        title="Random beats grid when one matters",
        look_for="Adam on the round bowl: the result hangs on the learning rate and hardly on ε "
        "(which only matters once it is as large as √v). The 3 × 3 grid tries only 3 rates, 9 "
        "random trials try 9, so random search usually finds a better one.",
        config=RunConfig("bowl", (("adam", {}),), steps=100),
        x="learning_rate",
        y="eps",
        budget=9,
    ),
    SearchPreset(
        key="momentum_ridge",
        title="Rate and momentum trade off",
        look_for="Heavy-ball momentum on Rosenbrock: the good region is a diagonal band, since "
        "what matters is roughly η / (1 − μ); the band cuts between the grid's columns.",
        config=RunConfig("rosenbrock", (("momentum", {}),), starts=((-1.5, 2.0),), steps=200),
        x="learning_rate",
        y="momentum",
        budget=16,
    ),
    SearchPreset(
        key="rmsprop_decay",
        title="RMSProp: rate and decay ρ",
        look_for="RMSProp on Himmelblau: every run that does not diverge lands in some minimum, "
        "so the surface has wide flat plateaus and a sharp cliff where the rate gets too large.",
        config=RunConfig("himmelblau", (("rmsprop", {}),), starts=((0.0, 0.0),), steps=100),
        x="learning_rate",
        y="decay",
        budget=16,
    ),
)

CATALOG: dict[str, SearchPreset] = catalog(PRESETS)
