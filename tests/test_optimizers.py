"""Every optimizer against independent references: NumPy rules, optax loops, closed forms."""

import inspect

import jax
import numpy as np
import optax
import pytest

import landscapes
from optimizers import CATALOG
from optimizers.simulate import RunConfig, simulate
from tests.reference import (
    ravine_derivatives,
    reference_path,
    rosenbrock_derivatives,
    saddle_derivatives,
)

REQUIRED = {
    "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "adam_no_bias",
    "nadam", "amsgrad", "adamw", "lion", "newton", "saddle_free_newton",
}  # fmt: skip
OPTAX_BACKED = {
    "sgd": optax.sgd, "momentum": optax.sgd, "adagrad": optax.adagrad, "rmsprop": optax.rmsprop,
    "adadelta": optax.adadelta, "adam": optax.adam, "nadam": optax.nadam,
    "amsgrad": optax.amsgrad, "adamw": optax.adamw, "lion": optax.lion,
}  # fmt: skip


def path(landscape, key, hp, start, steps):
    config = RunConfig(landscape, ((key, hp),), starts=(start,), steps=steps)
    return simulate(config).points[0, 0]


def test_catalogue_has_every_required_optimizer():
    assert set(CATALOG) >= REQUIRED
    assert all(key == spec.key for key, spec in CATALOG.items())


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_spec_is_well_formed(key):
    spec = CATALOG[key]
    assert spec.name and spec.latex
    assert spec.hyperparams[0].name == "learning_rate"
    for h in spec.hyperparams:
        assert h.min <= h.default <= h.max, h
        assert h.scale != "log" or h.min > 0, h
        assert h.symbol and h.label
        assert h.help
    assert isinstance(spec.build(**spec.defaults()), optax.GradientTransformation)


@pytest.mark.parametrize("key", sorted(OPTAX_BACKED))
def test_hyperparameters_carry_optax_names(key):
    accepted = inspect.signature(OPTAX_BACKED[key]).parameters
    assert set(CATALOG[key].defaults()) <= set(accepted)
    OPTAX_BACKED[key](**CATALOG[key].defaults())


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_ravine_path_matches_the_update_rule_written_in_numpy(key):
    hp = CATALOG[key].defaults()
    expected = reference_path(key, hp, ravine_derivatives, (-7.0, 2.0), 30)
    np.testing.assert_allclose(
        path("ravine", key, hp, (-7.0, 2.0), 30), expected, rtol=2e-3, atol=2e-3
    )


@pytest.mark.parametrize(
    ("key", "hp"),
    [
        ("sgd", {"learning_rate": 1e-3}),
        ("momentum", {"learning_rate": 5e-4, "momentum": 0.9}),
        ("nesterov", {"learning_rate": 5e-4, "momentum": 0.9}),
        ("adagrad", {"learning_rate": 0.1}),
        ("rmsprop", {"learning_rate": 0.01}),
        ("adam", {"learning_rate": 0.02}),
        ("adam_no_bias", {"learning_rate": 0.02}),
        ("nadam", {"learning_rate": 0.02}),
        ("amsgrad", {"learning_rate": 0.02}),
        ("adamw", {"learning_rate": 0.02, "weight_decay": 0.1}),
        ("newton", {"learning_rate": 0.5}),
        ("saddle_free_newton", {"learning_rate": 0.5, "damping": 1.0}),
    ],
)
def test_rosenbrock_path_matches_the_update_rule_written_in_numpy(key, hp):
    full = CATALOG[key].defaults() | hp
    expected = reference_path(key, full, rosenbrock_derivatives, (-1.5, 2.0), 40)
    np.testing.assert_allclose(
        path("rosenbrock", key, hp, (-1.5, 2.0), 40), expected, rtol=5e-3, atol=5e-3
    )


@pytest.mark.parametrize("key", sorted(OPTAX_BACKED))
@pytest.mark.parametrize("landscape", ["himmelblau", "beale"])
def test_engine_matches_optax_stepped_in_a_python_loop(key, landscape):
    land = landscapes.CATALOG[landscape]
    hp = CATALOG[key].defaults() | {"learning_rate": 0.01}
    if key == "momentum":
        hp["momentum"] = 0.8
    optimizer = OPTAX_BACKED[key](**hp)
    x = jax.numpy.asarray(land.default_start, dtype=jax.numpy.float32)
    state = optimizer.init(x)
    expected = [np.asarray(x)]
    for _ in range(25):
        updates, state = optimizer.update(jax.grad(land.fn)(x), state, x)
        x = optax.apply_updates(x, updates)
        expected.append(np.asarray(x))
    np.testing.assert_allclose(
        path(landscape, key, hp, land.default_start, 25), np.array(expected), rtol=1e-4, atol=1e-4
    )


@pytest.mark.parametrize("eta", [0.1, 0.5, 0.95])
def test_sgd_on_the_ravine_follows_its_closed_form(eta):
    steps = np.arange(31)
    got = path("ravine", "sgd", {"learning_rate": eta}, (-7.0, 2.0), 30)
    np.testing.assert_allclose(got[:, 0], -7 * (1 - eta / 10) ** steps, rtol=1e-4)
    np.testing.assert_allclose(got[:, 1], 2 * (1 - 2 * eta) ** steps, rtol=1e-4, atol=1e-6)


def test_sgd_with_eta_095_zigzags_across_the_ravine():
    y = path("ravine", "sgd", {"learning_rate": 0.95}, (-7.0, 2.0), 30)[:, 1]
    assert np.all(np.sign(y[1:]) == -np.sign(y[:-1]))


@pytest.mark.parametrize("landscape", ["bowl", "ravine", "booth", "matyas"])
def test_one_newton_step_lands_on_a_quadratics_minimum(landscape):
    land = landscapes.CATALOG[landscape]
    (minimum, _), *_ = land.minima
    got = path(landscape, "newton", {}, land.default_start, 1)[1]
    np.testing.assert_allclose(got, minimum, atol=1e-4)


def test_newton_is_drawn_into_the_saddle_and_saddle_free_newton_escapes():
    newton = path("saddle", "newton", {}, (1.0, 0.5), 1)
    np.testing.assert_allclose(newton[1], (0.0, 0.0), atol=1e-6)
    free = path("saddle", "saddle_free_newton", {"learning_rate": 0.5}, (1.0, 0.5), 3)
    expected = reference_path(
        "saddle_free_newton",
        {"learning_rate": 0.5, "damping": 0.0},
        saddle_derivatives,
        (1.0, 0.5),
        3,
    )
    np.testing.assert_allclose(free, expected, rtol=1e-5)
    assert np.all(np.diff(np.abs(free[:, 1])) > 0), "|y| grows: it leaves the saddle"
    assert np.all(np.diff(np.abs(free[:, 0])) < 0), "|x| shrinks: it still descends along x"


def test_adam_without_bias_correction_takes_a_first_step_about_three_times_too_large():
    start = (-7.0, 2.0)
    hp = {"learning_rate": 0.01}
    biased = path("ravine", "adam_no_bias", hp, start, 1)
    corrected = path("ravine", "adam", hp, start, 1)
    ratio = np.abs(biased[1] - biased[0]) / np.abs(corrected[1] - corrected[0])
    np.testing.assert_allclose(ratio, (1 - 0.9) / np.sqrt(1 - 0.999), rtol=1e-3)
