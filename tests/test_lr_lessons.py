"""Each learning-rate lesson shows what its sentence promises, over many noise draws.

The references are closed forms and the landscapes' own records, never numbers read off a run:
near a minimum with Hessian eigenvalues λ_i, SGD at rate η with gradient-noise std s is the AR(1)
process x ← (1 − ηλ) x − η s ξ, whose stationary variance along eigenvector i is
η s² / (λ_i (2 − ηλ_i)); and gradient descent can only settle where ηλ_max < 2.

`replicas` repeats a run's start N times; the engine draws each start's noise separately, so one
compiled call gives N noise seeds.
"""

import math
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import landscapes
from lessons.learning_rate import CATALOG, replicas
from optimizers.run_config import RunConfig
from optimizers.schedules import CATALOG as SCHEDULES
from optimizers.simulate import endpoints, simulate
from ui.lab_sections import curvatures, ends_in, minimum_names
from viz.lr_lab import tail_distance

DRAWS = 2000


def _ends(run):
    return endpoints(replicas(run.config, DRAWS))


def _eta(config: RunConfig) -> float:
    return config.optimizers[0][1]["learning_rate"]


def _peak_rate(config: RunConfig) -> float:
    """max_t η s(t) over the run, from the schedule's own formula."""
    if config.schedule is None:
        return _eta(config)
    key, hp = config.schedule
    multiplier = jax.vmap(SCHEDULES[key].build(**hp))(jnp.arange(config.steps))
    return _eta(config) * float(jnp.max(multiplier))


def _hessian(landscape: str, point) -> np.ndarray:
    fn = landscapes.CATALOG[landscape].fn
    with jax.enable_x64(True):
        return np.asarray(jax.hessian(fn)(jnp.asarray(point, dtype=jnp.float64)))


def _minima(landscape: str) -> np.ndarray:
    return np.array([xy for xy, _ in landscapes.CATALOG[landscape].minima])


def _stationary_variances(config: RunConfig, minimum) -> tuple[np.ndarray, np.ndarray]:
    """The Hessian's eigenvectors at `minimum` (columns) and η s²/(λ_i(2 − ηλ_i)) along each."""
    curvatures, axes = np.linalg.eigh(_hessian(config.landscape, minimum))
    eta = _eta(config)
    assert np.all(eta * curvatures < 2), "the closed form needs a stable rate"
    return axes, eta * config.gradient_noise**2 / (curvatures * (2 - eta * curvatures))


def _distance(points: np.ndarray, xy) -> np.ndarray:
    return np.linalg.norm(points - np.asarray(xy), axis=-1)


def test_catalog_holds_the_five_lessons():
    assert set(CATALOG) == {"decay_under_noise", "warmup", "sharp_flat", "clipping", "batch_size"}
    assert all(key == lesson.key for key, lesson in CATALOG.items())


@pytest.mark.parametrize("lesson", CATALOG.values(), ids=list(CATALOG))
def test_runs_race_fairly_and_survive_a_link(lesson):
    assert lesson.title.strip() and len(lesson.runs) >= 2
    look_for = lesson.look_for.strip()
    assert look_for.endswith(".") and look_for[0].isupper()
    assert not re.search(r"[.!?]\s", look_for), "look_for must be one sentence"
    assert len({run.label for run in lesson.runs}) == len(lesson.runs)
    first = lesson.runs[0].config
    for run in lesson.runs:
        config = run.config
        assert len(config.optimizers) == 1
        shared = (config.landscape, config.starts, config.steps, config.seed, config.noise_std)
        assert shared == (first.landscape, first.starts, first.steps, first.seed, first.noise_std)
        assert RunConfig.from_query(config.to_query()) == config


def test_with_seed_reseeds_every_run_and_replicas_repeat_the_start():
    lesson = CATALOG["sharp_flat"].with_seed(7)
    assert {run.config.seed for run in lesson.runs} == {7}
    assert [run.label for run in lesson.runs] == [run.label for run in CATALOG["sharp_flat"].runs]
    config = lesson.runs[0].config
    assert replicas(config, 3).starts == config.starts * 3


def test_constant_rate_hovers_in_its_noise_ball_and_decay_settles_inside_it():
    constant, *decays = CATALOG["decay_under_noise"].runs
    (minimum,) = _minima("ravine")
    axes, variances = _stationary_variances(constant.config, minimum)
    hovering = _ends(constant)
    offsets = (hovering.points[0] - minimum) @ axes
    np.testing.assert_allclose((offsets**2).mean(axis=0), variances, rtol=0.12)
    radius = math.sqrt(variances.sum())
    hovering_loss = np.median(hovering.loss[0])
    for run in decays:
        settled = _ends(run)
        assert np.median(settled.loss[0]) < hovering_loss / 4, run.label
        assert np.median(_distance(settled.points[0], minimum)) < radius / 2, run.label


def test_warmup_avoids_the_plateau_that_a_full_first_step_lands_on():
    full, warmed, small = CATALOG["warmup"].runs
    land = landscapes.CATALOG["warmup_trap"]
    (minimum,) = _minima("warmup_trap")
    start = np.asarray(full.config.starts[0])
    assert _peak_rate(full.config) * np.linalg.eigvalsh(_hessian(land.key, start)).max() > 2
    assert _eta(full.config) * np.linalg.eigvalsh(_hessian(land.key, minimum)).max() < 2
    _, variances = _stationary_variances(warmed.config, minimum)

    thrown, arrived, crawling = _ends(full), _ends(warmed), _ends(small)
    on_plateau = (thrown.loss[0] > 0.9) | (thrown.diverged_at[0] >= 0)  # f < 1 = its far value
    assert on_plateau.mean() >= 0.95
    assert np.all(arrived.loss[0] < 0.9) and np.all(arrived.diverged_at[0] < 0)
    near = _distance(arrived.points[0], minimum)
    assert np.median(near) < math.sqrt(variances.sum())
    assert np.mean(near < _distance(crawling.points[0], minimum)) >= 0.95


def test_large_cyclic_and_restarted_rates_leave_the_sharp_minimum_for_the_flat_one():
    small, *large = CATALOG["sharp_flat"].runs
    land = landscapes.CATALOG["sharp_flat"]
    minima = _minima("sharp_flat")
    curvature = [np.linalg.eigvalsh(_hessian(land.key, xy)).max() for xy in minima]
    flat, sharp = minima[np.argsort(curvature)]
    flattest, sharpest = sorted(curvature)
    (saddle,) = land.saddles
    assert _distance(small.config.starts[0], sharp) < _distance(small.config.starts[0], flat)
    assert _peak_rate(small.config) * sharpest < 2
    for run in large:
        assert _peak_rate(run.config) * sharpest > 2 > _peak_rate(run.config) * flattest

    in_sharp = _distance(_ends(small).points[0], sharp) < _distance(saddle, sharp) / 2
    assert in_sharp.mean() >= 0.95
    for run in large:
        in_flat = _distance(_ends(run).points[0], flat) < _distance(saddle, flat) / 2
        assert in_flat.mean() >= 0.9, run.label

    constant, _, restarted = large
    _, variances = _stationary_variances(constant.config, flat)
    rayleigh_median = math.sqrt(variances.mean() * 2 * math.log(2))
    hovering = np.median(_distance(_ends(constant).points[0], flat))
    assert hovering == pytest.approx(rayleigh_median, rel=0.1)
    assert np.median(_distance(_ends(restarted).points[0], flat)) < 0.75 * rayleigh_median


def test_clipping_keeps_the_cliff_step_short():
    unclipped, clipped = CATALOG["clipping"].runs
    land = landscapes.CATALOG["cliff"]
    (minimum,) = _minima("cliff")
    (x0, x1), (y0, y1) = land.domain
    start = jnp.asarray(unclipped.config.starts[0], dtype=jnp.float32)
    first_step = _eta(unclipped.config) * float(jnp.linalg.norm(jax.grad(land.fn)(start)))
    assert first_step > math.hypot(x1 - x0, y1 - y0)

    def left_domain(run):
        x, y = run.points[0, ..., 0], run.points[0, ..., 1]
        outside = (x < x0) | (x > x1) | (y < y0) | (y > y1)
        return outside.any(axis=1) | (run.diverged_at[0] >= 0)

    flown = simulate(replicas(unclipped.config, 100))
    assert left_domain(flown).all()

    walked = simulate(replicas(clipped.config, 100))
    clip, eta = clipped.config.clip_norm, _eta(clipped.config)
    assert not left_domain(walked).any()
    assert np.linalg.norm(walked.grads[0], axis=-1).max() > 100 * clip
    assert np.linalg.norm(walked.applied_grads[0], axis=-1).max() <= clip * (1 + 1e-5)
    assert np.linalg.norm(walked.updates[0], axis=-1).max() <= eta * clip * (1 + 1e-5)
    _, variances = _stationary_variances(clipped.config, minimum)
    assert np.median(_distance(walked.points[0, :, -1], minimum)) < math.sqrt(variances.sum())


def test_noise_ball_shrinks_as_one_over_root_b_and_the_linear_scaling_rule_keeps_it():
    runs = CATALOG["batch_size"].runs
    (minimum,) = _minima("bowl")
    spreads, predicted = [], []
    for run in runs:
        points = _ends(run).points[0]
        spreads.append(np.sqrt(((points - points.mean(axis=0)) ** 2).mean()))
        predicted.append(np.sqrt(_stationary_variances(run.config, minimum)[1].mean()))
    np.testing.assert_allclose(spreads, predicted, rtol=0.08)

    eta = _eta(runs[0].config)
    fixed = [s for run, s in zip(runs, spreads, strict=True) if _eta(run.config) == eta]
    scaled = [
        s
        for run, s in zip(runs, spreads, strict=True)
        if run.config.batch_size > 1 and math.isclose(_eta(run.config), run.config.batch_size * eta)
    ]
    assert [run.config.batch_size for run in runs if _eta(run.config) == eta] == [1, 8, 64]
    np.testing.assert_allclose(np.array(fixed[:-1]) / fixed[1:], math.sqrt(8), rtol=0.1)
    assert len(scaled) == 2
    np.testing.assert_array_less(0.9, np.array(scaled) / fixed[0])
    np.testing.assert_array_less(np.array(scaled) / fixed[0], 1.3)


def test_the_linear_scaling_rule_saves_steps_not_samples():
    """The batch lesson's last sentence: scaled runs reach the noise ball in far fewer steps,
    but after about as many samples (steps × B) as B = 1."""

    def arrival(run) -> int:
        distance = np.linalg.norm(simulate(replicas(run.config, 200)).points[0], axis=-1)
        median = np.median(distance, axis=0)
        return int(np.argmax(median < 2 * np.median(distance[:, -100:])))

    runs = CATALOG["batch_size"].runs
    eta = _eta(runs[0].config)
    base = arrival(runs[0])
    for run in runs:
        b = run.config.batch_size
        if b > 1 and math.isclose(_eta(run.config), b * eta):
            steps = arrival(run)
            assert steps * 5 < base, run.label
            assert 0.7 < steps * b / base < 1.3, run.label


# --- the pictures: what the lab draws for each lesson says what its sentence says -----------


def _bars(run, draws: int) -> np.ndarray:
    """The spread bar of `run` (its RMS distance from the minimum over its last steps) for
    `draws` noise draws."""
    minima = [tuple(xy) for xy in _minima(run.config.landscape)]
    paths = simulate(replicas(run.config, draws)).points[0]
    return np.array([tail_distance(path, minima) for path in paths])


def test_the_batch_bars_match_the_noise_ball_over_many_draws_and_on_the_picture():
    """Over many draws the bar's mean square is the stationary E‖x − x*‖² = Σ_i η s²/(λ_i(2 −
    ηλ_i)); on the lesson's own seed the fixed-rate bars shrink by √8 per 8× batch and the
    scaled runs' bars are about as long as B = 1's."""
    runs = CATALOG["batch_size"].runs
    (minimum,) = _minima("bowl")
    for run in runs:
        expected = math.sqrt(_stationary_variances(run.config, minimum)[1].sum())
        assert math.sqrt((_bars(run, 300) ** 2).mean()) == pytest.approx(expected, rel=0.08)

    picture = [_bars(run, 1)[0] for run in runs]
    b1, b8, b64, scaled8, scaled64 = picture
    assert [run.config.batch_size for run in runs] == [1, 8, 64, 8, 64]
    np.testing.assert_allclose([b1 / b8, b8 / b64], math.sqrt(8), rtol=0.1)
    for bar in (scaled8, scaled64):
        assert 0.7 < bar / b1 < 1.4
        assert bar > 2 * b8


def test_the_sharp_flat_picture_names_the_minimum_each_run_ends_in():
    """The map's and the table's names come from the Hessian: ½‖b − a‖²/w² = 50 at the pit
    b = (1, 0), 1 − e^{−50} at the bowl a = (−1, 0) (the landscape's closed form); the small
    rate ends in the pit and the others in the bowl, on the picture and over many draws."""
    land = landscapes.CATALOG["sharp_flat"]
    lam = dict(zip([tuple(xy) for xy, _ in land.minima], curvatures(land.key), strict=True))
    assert lam[(1.0, 0.0)] == pytest.approx(0.5 * 2.0**2 / 0.2**2, rel=1e-4)
    assert lam[(-1.0, 0.0)] == pytest.approx(1 - math.exp(-50), rel=1e-4)
    names = minimum_names(land)
    pit = next(i for i, (xy, _) in enumerate(land.minima) if xy == (1.0, 0.0))
    assert names[pit].startswith("sharp pit") and names[1 - pit].startswith("flat bowl")

    small, *large = CATALOG["sharp_flat"].runs
    for run, where, share in [(small, pit, 0.95)] + [(run, 1 - pit, 0.9) for run in large]:
        picture = simulate(run.config)
        assert ends_in(picture.points[0, 0, -1], False, land) == where, run.label
        ends = _ends(run)
        pairs = zip(ends.points[0], ends.diverged_at[0], strict=True)
        found = [ends_in(point, k >= 0, land) for point, k in pairs]
        assert np.mean(np.array(found) == where) >= share, run.label
