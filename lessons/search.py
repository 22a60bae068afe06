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
        look_for="Adam in the warmup funnel: the result hangs on the learning rate, hardly on ε. "
        "Only rates from about 0.04 to 1.5 get within 10⁻⁴ of the bottom in 100 steps; smaller "
        "ones crawl, larger ones are thrown out of the neck. The 3 × 3 grid tries 3 rates, 9 "
        "random trials try 9: drawn on the log scale, they usually find a better one.",
        config=RunConfig("warmup_trap", (("adam", {}),), steps=100),
        x="learning_rate",
        y="eps",
        budget=9,
    ),
    SearchPreset(
        key="momentum_ridge",
        title="Rate and momentum trade off",
        look_for="Heavy-ball momentum on Rosenbrock: the runs that get near the minimum form a "
        "narrow diagonal band, the closer μ is to 1 the smaller the rate, since on a steady slope "
        "a step is η/(1 − μ) times the gradient. Every rate above 0.003 diverges whatever μ, so "
        "three of the grid's four columns are grey.",
        config=RunConfig("rosenbrock", (("momentum", {}),), starts=((-1.5, 2.0),), steps=200),
        x="learning_rate",
        y="momentum",
        budget=16,
    ),
    SearchPreset(
        key="rmsprop_decay",
        title="RMSProp: rate and decay ρ",
        look_for="RMSProp on Himmelblau: a step is about η long, so below η ≈ 0.004 no run arrives "
        "in 100 steps. With ρ ≤ 0.7 the steps stay η long and no run settles in a minimum; with "
        "ρ ≥ 0.9 a band of rates lands in one, sliding to smaller η as ρ → 0.999, where v starts "
        "at 0 and the first step, η/√(1 − ρ), is 30 times longer.",
        config=RunConfig("himmelblau", (("rmsprop", {}),), starts=((0.0, 0.0),), steps=100),
        x="learning_rate",
        y="decay",
        budget=16,
    ),
)

CATALOG: dict[str, SearchPreset] = catalog(PRESETS)
