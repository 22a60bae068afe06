"""Hyperparameter search: axes and scales, the objective against single runs and a closed form,
grid vs random over 200 seeds where one hyperparameter dominates, and coarse to fine."""

import numpy as np
import pytest

import landscapes
from optimizers import CATALOG
from optimizers import search as search_module
from optimizers.run_config import RunConfig
from optimizers.search import (
    SEARCHABLE,
    Axis,
    coarse_to_fine,
    default_axis,
    default_pair,
    grid_points,
    objective,
    random_points,
    sample_in_box,
    search_race,
    surface,
    zoom_box,
)
from optimizers.simulate import simulate

# Adam on the round bowl from its default start, 100 steps: the learning rate decides how far the
# run gets, ε ∈ [10⁻¹⁰, 1] hardly matters (the course's own example of an unimportant one).
ADAM_BOWL = RunConfig("bowl", (("adam", {}),), steps=100)
RATE, EPS = default_axis("adam", "learning_rate"), default_axis("adam", "eps")
# Damped Newton on the bowl f = ½‖x‖²: H = I, so x_T = (1 − η/(1 + λ))^T x₀ in closed form.
NEWTON_BOWL = RunConfig("bowl", (("newton", {}),), steps=10)
NEWTON_RATE, DAMPING = default_axis("newton", "learning_rate"), default_axis("newton", "damping")
SEEDS = 200


def geometric_mean(values: np.ndarray) -> float:
    return float(10 ** np.mean(np.log10(np.maximum(values, 1e-12))))


def inside(values: np.ndarray, low: float, high: float) -> bool:
    """All values in [low, high], up to the rounding of a round trip through an axis."""
    return bool(np.all((values >= low - 1e-9) & (values <= high + 1e-9)))


@pytest.fixture(scope="module")
def races():
    """search_race on Adam/bowl for budgets 9 and 16, with every sweep call recorded."""
    calls = []

    def recording_sweep(config, values):
        calls.append({name: np.array(array) for name, array in values.items()})
        return sweep(config, values)

    sweep = search_module.sweep
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_module, "sweep", recording_sweep)
        found = {}
        for n in (9, 16):
            calls.clear()
            race = search_race(ADAM_BOWL, RATE, EPS, n, SEEDS)
            found[n] = race, list(calls)
    return found


# --- axes -----------------------------------------------------------------------------------------


def test_log_axis_is_the_courses_ten_to_the_r():
    """η ∈ [10⁻⁴, 1] on a log scale: r = −4 + 4u, η = 10^r, a constant ratio per step in u."""
    axis = Axis("learning_rate", 1e-4, 1.0, "log")
    u = np.linspace(0, 1, 9)
    np.testing.assert_allclose(axis.from_unit(u), 10.0 ** (-4 + 4 * u), rtol=1e-12)
    ratios = np.diff(np.log(axis.from_unit(u)))
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-9)
    values = np.array([1e-4, 3e-3, 0.05, 0.7, 1.0])
    np.testing.assert_allclose(axis.from_unit(axis.to_unit(values)), values, rtol=1e-12)


def test_log1m_axis_samples_one_minus_beta_on_a_log_scale():
    """β ∈ [0.9, 0.999]: 1 − β = 10^r with r = −1 − 2u, so u = ½ is β = 0.99."""
    axis = Axis("b1", 0.9, 0.999, "log1m")
    u = np.linspace(0, 1, 7)
    np.testing.assert_allclose(axis.from_unit(u), 1 - 10.0 ** (-1 - 2 * u), rtol=1e-12)
    assert axis.from_unit(np.array(0.5)) == pytest.approx(0.99)
    betas = np.array([0.9, 0.95, 0.99, 0.995, 0.999])
    np.testing.assert_allclose(axis.from_unit(axis.to_unit(betas)), betas, rtol=1e-12)
    assert np.all(np.diff(axis.to_unit(betas)) > 0)


def test_linear_axis_and_changing_the_scale():
    axis = Axis("weight_decay", 0.0, 2.0, "linear")
    np.testing.assert_allclose(axis.from_unit(np.array([0, 0.25, 1])), [0, 0.5, 2])
    np.testing.assert_allclose(axis.to_unit(np.array([0.5, 1.5])), [0.25, 0.75])
    linear = RATE.with_scale("linear")
    assert (linear.name, linear.low, linear.high, linear.scale) == (
        RATE.name, RATE.low, RATE.high, "linear",
    )  # fmt: skip
    assert linear.from_unit(np.array(0.5)) == pytest.approx((RATE.low + RATE.high) / 2)


@pytest.mark.parametrize(
    "args",
    [("eta", 0.0, 1.0, "log"), ("b1", 0.5, 1.0, "log1m"), ("x", 1.0, 1.0, "linear"),
     ("x", 0.0, 1.0, "cubic"), ("x", 0.0, np.inf, "linear")],
)  # fmt: skip
def test_impossible_axes_are_refused(args):
    with pytest.raises(ValueError):
        Axis(*args)


def test_search_defaults_cover_every_optimizer_with_two_hyperparameters():
    several = {key for key, spec in CATALOG.items() if len(spec.hyperparams) >= 2}
    assert set(SEARCHABLE) == several and "sgd" not in SEARCHABLE
    for key in SEARCHABLE:
        x, y = default_pair(key)
        specs = {h.name: h for h in CATALOG[key].hyperparams}
        assert x == "learning_rate" and y in specs and y != x
        for name in specs:
            axis = default_axis(key, name)
            assert specs[name].min <= axis.low < axis.high <= specs[name].max
            assert axis.label and ("log" in axis.label) == (axis.scale != "linear")
    assert default_axis("adam", "learning_rate") == Axis("learning_rate", 1e-4, 10.0, "log")
    assert default_axis("newton", "learning_rate") == Axis("learning_rate", 1e-3, 2.0, "log")
    assert default_axis("momentum", "momentum") == Axis("momentum", 0.5, 0.999, "log1m")
    assert default_axis("rmsprop", "decay").scale == "log1m"
    assert default_axis("adam", "eps").scale == "log"
    assert default_axis("adamw", "weight_decay").scale == "linear"
    with pytest.raises(ValueError, match="no hyperparameter"):
        default_axis("sgd", "momentum")


# --- trials -----------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [4, 9, 16, 25])
def test_grid_tries_root_n_values_per_axis_and_random_tries_n(n):
    k = int(np.sqrt(n))
    grid = grid_points(RATE, EPS, n)
    assert grid.shape == (n, 2) and len({tuple(p) for p in grid}) == n
    for column, axis in ((0, RATE), (1, EPS)):
        assert len(np.unique(grid[:, column])) == k
        np.testing.assert_allclose(
            np.unique(axis.to_unit(grid[:, column])), (np.arange(k) + 0.5) / k, atol=1e-12
        )
    random = random_points(RATE, EPS, n, np.random.default_rng(n))
    assert random.shape == (n, 2)
    assert len(np.unique(random[:, 0])) == len(np.unique(random[:, 1])) == n
    assert np.all((RATE.low <= random[:, 0]) & (random[:, 0] <= RATE.high))


def test_grid_needs_a_square_budget():
    with pytest.raises(ValueError, match="k²"):
        grid_points(RATE, EPS, 10)


def test_log_sampling_gives_every_decade_the_same_share():
    """The course's example: η ∈ [10⁻⁴, 1] drawn uniformly lands in [0.1, 1] nine times in ten,
    drawn as 10^r once in four; β ∈ [0.9, 0.999] drawn uniformly lands above 0.99 one time in
    eleven, drawn through 1 − β = 10^r half the time."""
    rng = np.random.default_rng(0)
    rate, beta = Axis("learning_rate", 1e-4, 1.0, "log"), Axis("b1", 0.9, 0.999, "log1m")
    draws = random_points(rate, beta, 40_000, rng)
    linear = random_points(rate.with_scale("linear"), beta.with_scale("linear"), 40_000, rng)
    decades = np.histogram(np.log10(draws[:, 0]), bins=[-4, -3, -2, -1, 0])[0] / 40_000
    np.testing.assert_allclose(decades, 0.25, atol=0.01)
    assert np.mean(linear[:, 0] >= 0.1) == pytest.approx(0.9 / (1 - 1e-4), abs=0.01)
    assert np.mean(draws[:, 1] > 0.99) == pytest.approx(0.5, abs=0.01)
    assert np.mean(linear[:, 1] > 0.99) == pytest.approx(0.009 / 0.099, abs=0.01)


# --- the objective --------------------------------------------------------------------------------


def single_run(config: RunConfig, hp: dict[str, float]):
    key, base = config.optimizers[0]
    return simulate(config.replace(optimizers=((key, base | hp),)))


@pytest.mark.parametrize(
    ("config", "x", "y", "extra"),
    [
        (ADAM_BOWL, RATE, EPS, []),
        # Momentum on the ravine diverges once η·2 > 2(1 + μ) across the valley.
        (RunConfig("ravine", (("momentum", {}),), steps=100),
         default_axis("momentum", "learning_rate"), default_axis("momentum", "momentum"),
         [(5.0, 0.6), (0.05, 0.9)]),
    ],
)  # fmt: skip
def test_objective_equals_single_simulate_runs(config, x, y, extra):
    points = np.concatenate(
        [random_points(x, y, 5, np.random.default_rng(1)), np.reshape(extra, (-1, 2))]
    )
    final, diverged = objective(config, x, y, points, "final")
    best, diverged_best = objective(config, x, y, points, "best")
    np.testing.assert_array_equal(diverged, diverged_best)
    if extra:
        assert diverged[-2] and not diverged[-1]
    f_star = min(f for _, f in landscapes.lookup(config.landscape).minima)
    for i, (a, b) in enumerate(points):
        run = single_run(config, {x.name: a, y.name: b})
        assert diverged[i] == (run.diverged_at[0, 0] >= 0)
        if diverged[i]:
            assert final[i] == best[i] == np.inf
            continue
        loss = run.loss[0, 0]
        np.testing.assert_allclose(final[i], max(loss[-1] - f_star, 0), rtol=1e-5, atol=1e-9)
        np.testing.assert_allclose(best[i], max(loss.min() - f_star, 0), rtol=1e-5, atol=1e-9)


def test_surface_is_newtons_closed_form_on_the_bowl():
    """f(x_T) = (1 − η/(1 + λ))^{2T} f(x₀) for damped Newton on ½‖x‖², cell by cell."""
    found = surface(NEWTON_BOWL, NEWTON_RATE, DAMPING, 30)
    assert found.loss.shape == found.diverged.shape == (30, 30) and not found.diverged.any()
    np.testing.assert_allclose(NEWTON_RATE.to_unit(found.xs), (np.arange(30) + 0.5) / 30)
    start = np.array(NEWTON_BOWL.starts[0])
    expected = (1 - found.xs[None, :] / (1 + found.ys[:, None])) ** 20 * (start @ start / 2)
    np.testing.assert_allclose(found.loss, expected, rtol=2e-4, atol=1e-9)


def test_objective_refuses_bad_requests():
    with pytest.raises(ValueError, match="objective"):
        objective(ADAM_BOWL, RATE, EPS, np.ones((1, 2)), "mean")
    with pytest.raises(ValueError, match="different"):
        objective(ADAM_BOWL, RATE, RATE, np.ones((1, 2)))


# --- grid vs random -------------------------------------------------------------------------------


def test_on_adam_and_the_bowl_the_learning_rate_dominates():
    """Functional ANOVA of log₁₀ L over the 100 × 100 surface: the main effect of η (the mean
    over ε at each η) explains almost all the variance, that of ε almost none."""
    found = surface(ADAM_BOWL, RATE, EPS, 100)
    assert not found.diverged.any()
    log_loss = np.log10(np.maximum(found.loss, 1e-12))
    along_rate, along_eps = log_loss.mean(axis=0), log_loss.mean(axis=1)
    assert along_rate.var() > 0.9 * log_loss.var()
    assert along_rate.var() > 1000 * along_eps.var()


@pytest.mark.parametrize("n", [9, 16])
def test_random_search_beats_the_grid_when_one_hyperparameter_dominates(races, n):
    """Adam on the bowl, η and ε (Bergstra & Bengio 2012): with n trials the grid tries √n rates,
    random search n, and over 200 seeds its best after n trials is better, in geometric mean and
    in median."""
    race, _ = races[n]
    grid, random = race.per_seed["grid"][:, -1], race.per_seed["random_log"][:, -1]
    assert geometric_mean(random) <= geometric_mean(grid)
    assert np.median(random) <= np.median(grid)
    assert race.random_log[-1] <= race.grid[-1]


@pytest.mark.parametrize("n", [9, 16])
def test_race_is_one_sweep_of_best_so_far_curves(races, n):
    race, calls = races[n]
    assert len(calls) == 1 and len(calls[0]["learning_rate"]) == n * (1 + 2 * SEEDS)
    np.testing.assert_array_equal(race.trials, np.arange(1, n + 1))
    assert race.seeds == SEEDS
    for strategy in ("grid", "random_log", "random_linear"):
        curves = race.per_seed[strategy]
        assert curves.shape == (SEEDS, n) and np.all(np.isfinite(curves))
        assert np.all(np.diff(curves, axis=1) <= 0)
        assert getattr(race, strategy).shape == (n,)
        low, high = getattr(race, f"{strategy}_q")
        assert np.all(low <= high)
    # Whatever the order, the grid's best after all n trials is the best grid point.
    grid_loss, _ = objective(ADAM_BOWL, RATE, EPS, grid_points(RATE, EPS, n))
    # (The same runs batched in another vmap size agree to float32 rounding.)
    np.testing.assert_allclose(race.per_seed["grid"][:, -1], grid_loss.min(), rtol=1e-4)
    # The first grid trial is a uniformly random grid point: every one shows up over 200 seeds.
    assert len(np.unique(race.per_seed["grid"][:, 0])) == len(np.unique(grid_loss))
    # random_log draws η on the log scale, random_linear uniformly in η ∈ [10⁻⁴, 10].
    rates = calls[0]["learning_rate"][n:].reshape(2, SEEDS * n)
    assert np.mean(rates[0] >= 1) == pytest.approx(0.2, abs=0.04)
    assert np.mean(rates[1] >= 1) == pytest.approx(0.9, abs=0.04)


# --- coarse to fine -------------------------------------------------------------------------------


def test_zoom_box_spans_the_best_trials_with_a_margin():
    rng = np.random.default_rng(0)
    points = rng.random((30, 2))
    losses = np.sum((points - [0.45, 0.55]) ** 2, axis=1)
    losses[np.argmin(losses)] = np.inf  # a diverged trial is never among the best
    finite = np.isfinite(losses)
    best = points[finite][np.argsort(losses[finite])[:3]]
    expected = np.stack([best.min(axis=0) - 0.15, best.max(axis=0) + 0.15], axis=1)
    np.testing.assert_allclose(zoom_box(points, losses, keep=3, margin=0.15), expected)


def test_zoom_box_is_never_too_small_and_stays_in_the_square():
    parent = ((0.5, 0.9), (0.0, 0.2))
    points = np.array([[0.99, 0.02], [0.1, 0.9]])
    (u0, u1), (v0, v1) = zoom_box(points, np.array([0.0, 1.0]), keep=1, margin=0.0, parent=parent)
    assert u1 - u0 == pytest.approx(0.1 * 0.4) and v1 - v0 == pytest.approx(0.1 * 0.2)
    assert 0 <= u0 <= 0.99 <= u1 <= 1 and 0 <= v0 <= 0.02 <= v1 <= 1
    assert zoom_box(points, np.array([np.inf, np.inf]), parent=parent) == parent
    assert zoom_box(points, np.array([0.0, 1.0]), keep=2, margin=0.2) == ((0, 1), (0, 1))


def test_sample_in_box_stays_inside():
    box = ((0.2, 0.3), (0.6, 0.95))
    u = sample_in_box(box, 500, np.random.default_rng(0))
    assert u.shape == (500, 2)
    assert inside(u[:, 0], 0.2, 0.3) and inside(u[:, 1], 0.6, 0.95)


def test_coarse_to_fine_zooms_in_and_finds_more_than_random_search():
    """Newton on the bowl (smooth, zero along η = 1 + λ), 30 seeds: each round's best L is
    over ten times lower than the last's and its median lower too (geometric means over seeds),
    and 3 rounds of 9 trials reach ten times lower L than 27 random trials."""
    plain, medians, bests = [], [], []
    for seed in range(30):
        rounds = coarse_to_fine(NEWTON_BOWL, NEWTON_RATE, DAMPING, 9, 3, seed)
        assert [len(r.points) for r in rounds] == [9, 9, 9]
        assert rounds[0].box == ((0, 1), (0, 1))
        for found in rounds:
            (u0, u1), (v0, v1) = found.box
            u, v = NEWTON_RATE.to_unit(found.points[:, 0]), DAMPING.to_unit(found.points[:, 1])
            assert inside(u, u0, u1) and inside(v, v0, v1)
        medians.append([np.median(found.loss) for found in rounds])
        bests.append([found.loss.min() for found in rounds])
        first = rounds[0].points[np.argmin(rounds[0].loss)]
        (u0, u1), (v0, v1) = rounds[1].box
        assert inside(NEWTON_RATE.to_unit(first[0]), u0, u1)
        assert inside(DAMPING.to_unit(first[1]), v0, v1)
        trials = random_points(NEWTON_RATE, DAMPING, 27, np.random.default_rng(1000 + seed))
        plain.append(objective(NEWTON_BOWL, NEWTON_RATE, DAMPING, trials)[0].min())
    medians, bests = np.array(medians), np.array(bests)
    median = [geometric_mean(medians[:, r]) for r in range(3)]
    best = [geometric_mean(bests[:, r]) for r in range(3)]
    assert median[2] < median[1] < median[0]
    assert best[2] < best[1] / 10 < best[0] / 100
    assert geometric_mean(bests.min(axis=1)) < geometric_mean(np.array(plain)) / 10


def test_coarse_to_fine_samples_a_chosen_box():
    box = ((0.6, 0.8), (0.1, 0.3))
    rounds = coarse_to_fine(NEWTON_BOWL, NEWTON_RATE, DAMPING, 9, 3, boxes=[box, None])
    assert rounds[1].box == box
    u = NEWTON_RATE.to_unit(rounds[1].points[:, 0])
    assert inside(u, 0.6, 0.8)
    with pytest.raises(ValueError, match="zoom boxes"):
        coarse_to_fine(NEWTON_BOWL, NEWTON_RATE, DAMPING, 9, 2, boxes=[box, box])
    with pytest.raises(ValueError, match="unit square"):
        coarse_to_fine(NEWTON_BOWL, NEWTON_RATE, DAMPING, 9, 2, boxes=[((0.5, 1.5), (0, 1))])
