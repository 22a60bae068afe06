"""Each search preset's `look_for` sentence, checked on the numbers the page draws: the preset's
own 100 × 100 response surface and, for "Random beats grid", its race over 200 seeds, computed
by the engine as the page computes them. Every claim of a sentence is one assertion, with a
margin; no number here is copied from the code's output.
"""

import numpy as np
import pytest

from lessons.search import CATALOG as PRESETS
from optimizers import CATALOG as OPTIMIZERS
from optimizers.run_config import RunConfig
from optimizers.search import search_race, surface
from optimizers.search_config import SearchConfig
from optimizers.simulate import simulate
from ui.search_runs import RACE_SEEDS, SURFACE_SIZE


def searched(key: str) -> SearchConfig:
    preset = PRESETS[key]
    return SearchConfig(preset.config, preset.x, preset.y, preset.budget)


@pytest.fixture(scope="module")
def surfaces():
    """Every preset's response surface, as the page draws it, computed once."""
    found = {}
    for key in PRESETS:
        search = searched(key)
        found[key] = surface(search.run, *search.axes, SURFACE_SIZE, search.kind)
    return found


def decades(values: np.ndarray) -> float:
    return float(np.log10(np.max(values) / np.min(values)))


def steps_of(config: RunConfig, **hyperparams) -> np.ndarray:
    """|Δx| per coordinate at every step of one run: (steps, 2)."""
    key, defaults = config.optimizers[0]
    run = simulate(config.replace(optimizers=((key, {**defaults, **hyperparams}),)))
    return np.abs(np.diff(run.points[0, 0], axis=0))


def test_every_sentence_names_its_landscape_and_optimizer():
    from landscapes import lookup

    words = {
        "one_matters": ("Adam", "warmup funnel"),
        "momentum_ridge": ("momentum", "Rosenbrock"),
        "rmsprop_decay": ("RMSProp", "Himmelblau"),
    }
    for key, (optimizer, landscape) in words.items():
        preset = PRESETS[key]
        assert optimizer.lower() in OPTIMIZERS[preset.config.optimizers[0][0]].name.lower()
        assert landscape.split()[0].lower() in lookup(preset.config.landscape).name.lower()
        assert optimizer in preset.look_for and landscape in preset.look_for


# --- Random beats grid when one matters -------------------------------------------------------


def test_random_beats_grid_the_rate_matters_and_epsilon_hardly(surfaces):
    """ "the result hangs on the learning rate, hardly on ε": for ε ≤ 10⁻³ every column (one η)
    is flat within 3×, while the best over ε moves through more than 5 decades along η."""
    found = surfaces["one_matters"]
    small_eps = found.loss[found.ys <= 1e-3]
    assert np.all(np.isfinite(found.loss))
    assert np.max(small_eps.max(axis=0) / np.maximum(small_eps.min(axis=0), 1e-15)) < 3
    along_rate = found.loss.min(axis=0)
    along_eps = found.loss.min(axis=1)
    assert decades(np.maximum(along_rate, 1e-12)) > 5
    assert decades(np.maximum(along_eps, 1e-12)) < 1.5


def test_random_beats_grid_only_a_band_of_rates_reaches_the_bottom(surfaces):
    """ "Only rates from about 0.04 to 1.5 get within 10⁻⁴ of the bottom in 100 steps; smaller
    ones crawl, larger ones are thrown out of the neck"."""
    found = surfaces["one_matters"]
    assert found.x.name == "learning_rate" and PRESETS["one_matters"].config.steps == 100
    eta = np.broadcast_to(found.xs, found.loss.shape)
    reached = found.loss < 1e-4
    assert eta[reached].min() > 0.04 / 1.25 and eta[reached].max() < 1.5 * 1.25
    middle = (found.xs > 0.06) & (found.xs < 0.6)
    assert np.all(found.loss[np.ix_(found.ys <= 1e-3, middle)] < 1e-4)
    start = float(found.loss.max())
    assert np.all(found.loss[:, found.xs < 0.01] > 0.05)  # crawled less than the way down
    assert np.all(found.loss[:, found.xs > 3] > 0.1) and start > 0.1  # thrown out of the neck


def test_random_beats_grid_the_grid_tries_3_rates_random_search_9():
    from optimizers.search import grid_points, random_points

    search = searched("one_matters")
    x, y = search.axes
    assert search.budget == 9
    assert len(np.unique(grid_points(x, y, 9)[:, 0])) == 3
    random = random_points(x, y, 9, np.random.default_rng(search.run.seed))
    assert len(np.unique(random[:, 0])) == 9


def test_random_search_on_the_log_scale_beats_both_others_over_the_200_seeds():
    """In "Random beats grid" random search on the log scale beats both others over the 200
    seeds: in geometric mean after every number of trials from 2 on (after 9 by more than 3×),
    in median after 9, and it beats the grid in most seeds ("usually")."""
    search = searched("one_matters")
    race = search_race(
        search.run, *search.axes, search.budget, RACE_SEEDS, search.kind, search.run.seed
    )
    assert race.seeds == 200
    log, grid, linear = race.random_log, race.grid, race.random_linear
    assert np.all(log[1:] < grid[1:]) and np.all(log[1:] < linear[1:])
    assert log[-1] * 3 < grid[-1] and log[-1] * 3 < linear[-1]
    final = {key: race.per_seed[key][:, -1] for key in race.per_seed}
    assert np.median(final["random_log"]) < np.median(final["grid"])
    assert np.median(final["random_log"]) < np.median(final["random_linear"])
    assert np.mean(final["random_log"] < final["grid"]) > 0.75


# --- Rate and momentum trade off ---------------------------------------------------------------


def test_momentum_every_rate_above_0_003_diverges_and_so_do_three_grid_columns(surfaces):
    """ "Every rate above 0.003 diverges whatever μ, so three of the grid's four columns are
    grey"."""
    found = surfaces["momentum_ridge"]
    assert np.all(found.diverged[:, found.xs > 0.003])
    assert not np.all(found.diverged[:, found.xs < 0.002])
    x = found.x
    columns = x.from_unit((np.arange(4) + 0.5) / 4)  # the 4 × 4 grid's rates
    assert PRESETS["momentum_ridge"].budget == 16
    assert np.sum(columns > 0.003) == 3


def test_momentum_the_good_runs_form_a_narrow_diagonal_band(surfaces):
    """ "the runs that get near the minimum form a narrow diagonal band, the closer μ is to 1 the
    smaller the rate": the runs within 0.1 of f* are under a tenth of the square, and among them
    log η grows with log(1 − μ) with a slope between 0.3 and 1.2 (1: η / (1 − μ) constant)."""
    found = surfaces["momentum_ridge"]
    near = found.loss < 0.1
    assert 0 < near.mean() < 0.1
    rows, cols = np.nonzero(near)
    slope = np.polyfit(np.log10(1 - found.ys[rows]), np.log10(found.xs[cols]), 1)[0]
    assert 0.3 < slope < 1.2
    # The band is narrow: in each row, its rates span under a decade.
    for row in near:
        if row.sum() >= 2:
            assert decades(found.xs[row]) < 1


def test_momentum_on_a_steady_slope_a_step_is_eta_over_one_minus_mu_times_the_gradient():
    """ "on a steady slope a step is η/(1 − μ) times the gradient": f = x + 2y, g = (1, 2); the
    velocity v ← μv + g tends to g/(1 − μ)."""
    eta, mu = 0.01, 0.9
    slope = RunConfig(
        "formula:x + 2*y@-1000,1000,-1000,1000",
        (("momentum", {"learning_rate": eta, "momentum": mu}),),
        starts=((0.0, 0.0),),
        steps=200,
    )
    last = steps_of(slope)[-1]
    np.testing.assert_allclose(last, eta / (1 - mu) * np.array([1.0, 2.0]), rtol=1e-3)


# --- RMSProp: rate and decay ρ -----------------------------------------------------------------


def test_rmsprop_small_rates_do_not_arrive_in_100_steps(surfaces):
    """ "a step is about η long, so below η ≈ 0.004 no run arrives in 100 steps": f − f* > 1
    (Himmelblau is 170 at the start), and no step is longer than 1/√(1 − ρ) times η."""
    found = surfaces["rmsprop_decay"]
    config = PRESETS["rmsprop_decay"].config
    assert config.steps == 100
    assert np.all(found.loss[:, found.xs < 0.004] > 1)
    for rho in (0.5, 0.9, 0.999):
        steps = steps_of(config, learning_rate=0.003, decay=rho)
        assert np.max(steps) <= 0.003 / np.sqrt(1 - rho) * 1.01


def test_rmsprop_a_short_memory_never_settles(surfaces):
    """ "With ρ ≤ 0.7 the steps stay η long and no run settles in a minimum":
    every run in those rows ends more than 10⁻³ above f*, and at ρ = 0.6 the last 20 steps of
    runs in the good rates are still between η/4 and 2η long per coordinate."""
    found = surfaces["rmsprop_decay"]
    assert np.all(found.loss[found.ys <= 0.7] > 1e-3)
    config = PRESETS["rmsprop_decay"].config
    for eta in (0.1, 0.3):
        last = steps_of(config, learning_rate=eta, decay=0.6)[-20:]
        assert eta / 4 < np.median(last) < 2 * eta


def test_rmsprop_a_long_memory_lands_in_a_band_that_slides_to_smaller_rates(surfaces):
    """ "with ρ ≥ 0.9 a band of rates lands in one, sliding to smaller η as ρ → 0.999": every
    row ρ ≥ 0.9 has runs within 10⁻⁶ of f* over at least a decade of η, and both ends of that
    band are lower at ρ ≈ 0.999 than at ρ ≈ 0.9 (the top by more than 5×)."""
    found = surfaces["rmsprop_decay"]
    ends = []
    for rho, row in zip(found.ys, found.loss, strict=True):
        if rho >= 0.9:
            landed = found.xs[row < 1e-6]
            assert landed.size >= 10 and decades(landed) >= 1, rho
            ends.append((landed.min(), landed.max()))
    (low_09, high_09), (low_0999, high_0999) = ends[0], ends[-1]
    assert found.ys[-1] > 0.998
    assert low_0999 < low_09 / 2 and high_0999 < high_09 / 5


def test_rmsprop_the_first_step_is_eta_over_root_one_minus_rho():
    """ "v starts at 0 and the first step, η/√(1 − ρ), is 30 times longer": v₁ = (1 − ρ) g², so
    the first step is η |g| / √((1 − ρ) g² + ε) per coordinate."""
    config = PRESETS["rmsprop_decay"].config
    eta, rho = 0.01, 0.999
    first = steps_of(config, learning_rate=eta, decay=rho)[0]
    x, y = config.starts[0]
    g = np.array([4 * x * (x * x + y - 11) + 2 * (x + y * y - 7), 2 * (x * x + y - 11)])
    g += np.array([0.0, 4 * y * (x + y * y - 7)])
    eps = OPTIMIZERS["rmsprop"].hyperparam("eps").default
    np.testing.assert_allclose(first, eta * np.abs(g) / np.sqrt((1 - rho) * g**2 + eps), rtol=1e-3)
    assert 30 < first.min() / eta < 33
