"""Every landscape in the catalogue is checked against its own claims and published references."""

import functools
import math
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from landscapes import CATALOG, Landscape

REQUIRED_KEYS = {
    "ravine",
    "bowl",
    "saddle",
    "monkey_saddle",
    "saddle_escape",
    "rosenbrock",
    "himmelblau",
    "rastrigin",
    "ackley",
    "beale",
    "booth",
    "goldstein_price",
    "six_hump_camel",
    "three_hump_camel",
    "styblinski_tang",
    "matyas",
    "mccormick",
}

# Surjanovic & Bingham's published global minima, as rounded there: ((x, y), f, tol).
PUBLISHED_MINIMA = {
    "rosenbrock": ((1.0, 1.0), 0.0, 1e-6),
    "rastrigin": ((0.0, 0.0), 0.0, 1e-6),
    "ackley": ((0.0, 0.0), 0.0, 1e-6),
    "beale": ((3.0, 0.5), 0.0, 1e-6),
    "booth": ((1.0, 3.0), 0.0, 1e-6),
    "goldstein_price": ((0.0, -1.0), 3.0, 1e-6),
    "six_hump_camel": ((0.0898, -0.7126), -1.0316, 1e-4),
    "three_hump_camel": ((0.0, 0.0), 0.0, 1e-6),
    "styblinski_tang": ((-2.903534, -2.903534), -39.16617 * 2, 1e-5),
    "matyas": ((0.0, 0.0), 0.0, 1e-6),
    "mccormick": ((-0.54719, -1.54719), -1.9133, 1e-4),
}

HIMMELBLAU_MINIMA = [
    (3.0, 2.0),
    (-2.805118, 3.131312),
    (-3.779310, -3.283186),
    (3.584428, -1.848126),
]

LANDSCAPES = list(CATALOG.values())
IDS = list(CATALOG)
WITH_MINIMA = [land for land in LANDSCAPES if land.minima]
WITH_SADDLES = [land for land in LANDSCAPES if land.saddles]


def _point(xy) -> jax.Array:
    return jnp.asarray(xy, dtype=jnp.float32)


def _stationary_tol(hess: np.ndarray) -> float:
    """Gradient tolerance at a listed stationary point: a Newton offset of about 1e-5."""
    return 1e-5 * (1.0 + float(np.linalg.norm(hess, 2)))


def _derivatives(fn, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values, gradients and Hessians of `fn` at each row of `points`, in the active precision."""
    batched = jax.jit(jax.vmap(lambda p: (fn(p), jax.grad(fn)(p), jax.hessian(fn)(p))))
    dtype = jnp.float64 if jax.config.jax_enable_x64 else jnp.float32
    return tuple(np.asarray(a) for a in batched(jnp.asarray(points, dtype=dtype)))


@functools.cache
def _listed(key: str) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Float32 values, gradients and Hessians at a landscape's default start, minima and saddles."""
    land = CATALOG[key]
    groups = {
        "start": [land.default_start],
        "minima": [xy for xy, _ in land.minima],
        "saddles": list(land.saddles),
    }
    values, grads, hessians = _derivatives(
        land.fn, np.concatenate([g for g in groups.values() if g])
    )
    out, i = {}, 0
    for name, group in groups.items():
        j = i + len(group)
        out[name] = (values[i:j], grads[i:j], hessians[i:j])
        i = j
    return out


def _grid(land: Landscape, n: int = 401) -> np.ndarray:
    (x0, x1), (y0, y1) = land.domain
    xs, ys = jnp.meshgrid(jnp.linspace(x0, x1, n), jnp.linspace(y0, y1, n))
    pts = jnp.stack([xs.ravel(), ys.ravel()], axis=1)
    return np.asarray(jax.jit(jax.vmap(land.fn))(pts))


def _inside(land: Landscape, xy) -> bool:
    (x0, x1), (y0, y1) = land.domain
    return x0 <= xy[0] <= x1 and y0 <= xy[1] <= y1


def test_required_keys_present():
    assert not REQUIRED_KEYS - set(CATALOG)


@pytest.mark.parametrize("land", LANDSCAPES, ids=IDS)
def test_fields_are_sane(land: Landscape):
    assert CATALOG[land.key] is land
    assert re.fullmatch(r"[a-z][a-z0-9_]*", land.key)
    assert land.name.strip()
    assert land.latex.strip() and not land.latex.strip().startswith("$")
    (x0, x1), (y0, y1) = land.domain
    assert x0 < x1 and y0 < y1
    assert _inside(land, land.default_start)
    for xy, value in land.minima:
        assert _inside(land, xy)
        assert math.isfinite(value)
    for xy in land.saddles:
        assert _inside(land, xy)
    lesson = land.lesson.strip()
    assert lesson.endswith(".") and lesson[0].isupper()
    assert not re.search(r"[.!?]\s", lesson), "lesson must be one sentence"
    assert len({value for _, value in land.minima}) <= 1, "list only global minima"


@pytest.mark.parametrize("land", WITH_MINIMA, ids=[land.key for land in WITH_MINIMA])
def test_minima_values_gradients_and_hessians(land: Landscape):
    values, grads, hessians = _listed(land.key)["minima"]
    for (_, listed), value, grad, hess in zip(land.minima, values, grads, hessians, strict=True):
        assert value == pytest.approx(listed, abs=1e-4 * (1.0 + abs(listed)))
        tol = _stationary_tol(hess)
        assert np.linalg.norm(grad) <= tol
        assert np.linalg.eigvalsh(hess).min() >= -tol


@pytest.mark.parametrize("land", WITH_SADDLES, ids=[land.key for land in WITH_SADDLES])
def test_saddles_are_stationary_and_not_extrema(land: Landscape):
    _, grads, hessians = _listed(land.key)["saddles"]
    for grad, hess in zip(grads, hessians, strict=True):
        tol = _stationary_tol(hess)
        assert np.linalg.norm(grad) <= tol
        eig = np.linalg.eigvalsh(hess)
        indefinite = eig.min() < -tol and eig.max() > tol
        degenerate = np.all(np.abs(eig) <= tol)
        assert indefinite or degenerate


@pytest.mark.parametrize("land", WITH_SADDLES, ids=[land.key for land in WITH_SADDLES])
def test_saddles_have_lower_and_higher_neighbours(land: Landscape):
    angles = np.linspace(0.0, 2.0 * np.pi, 16, endpoint=False)
    ring = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    with jax.enable_x64(True):
        centres = np.array(land.saddles, dtype=np.float64)
        values, _, hessians = _derivatives(land.fn, centres)
        directions = [
            np.concatenate([ring, eigh[1].T, -eigh[1].T]) for eigh in map(np.linalg.eigh, hessians)
        ]
        around = np.stack(
            [centre + 1e-3 * d for centre, d in zip(centres, directions, strict=True)]
        )
        around_values = np.asarray(jax.jit(jax.vmap(jax.vmap(land.fn)))(jnp.asarray(around)))
    for value, neighbours in zip(values, around_values, strict=True):
        assert neighbours.min() < value < neighbours.max()


def test_monkey_saddle_is_degenerate():
    land = CATALOG["monkey_saddle"]
    origin = _point((0.0, 0.0))
    assert land.saddles == ((0.0, 0.0),)
    np.testing.assert_array_equal(np.asarray(jax.grad(land.fn)(origin)), 0.0)
    np.testing.assert_array_equal(np.asarray(jax.hessian(land.fn)(origin)), 0.0)
    assert float(land.fn(_point((0.1, 0.0)))) > 0.0 > float(land.fn(_point((-0.1, 0.0))))


def test_plain_saddle_is_indefinite():
    land = CATALOG["saddle"]
    hess = np.asarray(jax.hessian(land.fn)(_point((0.0, 0.0))))
    np.testing.assert_allclose(np.linalg.eigvalsh(hess), [-2.0, 2.0])


@pytest.mark.parametrize("key", ["saddle", "monkey_saddle"])
def test_unbounded_landscapes_list_no_minimum(key: str):
    assert CATALOG[key].minima == ()


@pytest.mark.parametrize("land", LANDSCAPES, ids=IDS)
def test_vmap_grid_is_finite_and_minima_are_global(land: Landscape):
    values = _grid(land)
    assert values.shape == (401 * 401,)
    assert np.all(np.isfinite(values))
    if land.minima:
        fmin = min(value for _, value in land.minima)
        assert values.min() >= fmin - 1e-4 * (1.0 + abs(fmin))


@pytest.mark.parametrize("land", LANDSCAPES, ids=IDS)
def test_default_start_is_not_stationary(land: Landscape):
    _, (grad,), (hess,) = _listed(land.key)["start"]
    assert np.linalg.norm(grad) > 100 * _stationary_tol(hess)


@pytest.mark.parametrize("key", sorted(PUBLISHED_MINIMA))
def test_minima_match_published_values(key: str):
    (px, py), pf, tol = PUBLISHED_MINIMA[key]
    land = CATALOG[key]
    nearest = min(land.minima, key=lambda m: math.dist(m[0], (px, py)))
    (x, y), f = nearest
    assert abs(x - px) <= tol and abs(y - py) <= tol
    assert f == pytest.approx(pf, abs=tol * (1.0 + abs(pf)))


def test_himmelblau_has_the_four_published_minima():
    land = CATALOG["himmelblau"]
    listed = sorted(xy for xy, _ in land.minima)
    np.testing.assert_allclose(listed, sorted(HIMMELBLAU_MINIMA), atol=1e-6)
    for xy in HIMMELBLAU_MINIMA:
        assert float(land.fn(_point(xy))) == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize(
    ("key", "xy", "expected"),
    [
        ("rosenbrock", (0.0, 0.0), 1.0),
        ("rosenbrock", (-1.0, 1.0), 4.0),
        ("goldstein_price", (0.0, -1.0), 3.0),
        ("goldstein_price", (0.0, 0.0), 600.0),
        ("booth", (0.0, 0.0), 74.0),
        ("matyas", (1.0, 1.0), 0.04),
        ("rastrigin", (1.0, 0.0), 1.0),
        ("rastrigin", (0.5, 0.5), 40.5),
        ("ackley", (0.0, 0.0), 0.0),
        ("beale", (0.0, 0.0), 1.5**2 + 2.25**2 + 2.625**2),
        ("himmelblau", (0.0, 0.0), 170.0),
        ("three_hump_camel", (1.0, 0.0), 2.0 - 1.05 + 1.0 / 6.0),
        ("six_hump_camel", (1.0, 1.0), 4.0 - 2.1 + 1.0 / 3.0 + 1.0),
        ("styblinski_tang", (1.0, 1.0), -10.0),
        ("mccormick", (0.5 - math.pi / 3, -0.5 - math.pi / 3), -math.sqrt(3) / 2 - math.pi / 3),
        ("saddle_escape", (0.0, 1.0), -0.25),
        ("ravine", (-7.0, 2.0), 49.0 / 20.0 + 4.0),
    ],
)
def test_closed_form_values(key: str, xy, expected: float):
    value = float(CATALOG[key].fn(_point(xy)))
    assert value == pytest.approx(expected, rel=1e-5, abs=1e-5)


def test_closed_form_symmetries():
    camel = CATALOG["six_hump_camel"].fn
    p = _point((0.7, -0.3))
    assert float(camel(p)) == pytest.approx(float(camel(-p)), rel=1e-6)
    tang = CATALOG["styblinski_tang"].fn
    assert float(tang(_point((0.7, -0.3)))) == pytest.approx(float(tang(_point((-0.3, 0.7)))))


FD_STEP = 1e-5


def _value_grad_fd(fn):
    """Jitted p -> (f(p), grad f(p), central finite-difference gradient with step FD_STEP)."""

    def probe(p):
        offsets = FD_STEP * jnp.concatenate([jnp.eye(2), -jnp.eye(2)]).astype(p.dtype)
        shifted = jax.vmap(fn)(p + offsets)
        return fn(p), jax.grad(fn)(p), (shifted[:2] - shifted[2:]) / (2 * FD_STEP)

    return jax.jit(probe)


@pytest.mark.parametrize("land", LANDSCAPES, ids=IDS)
def test_gradient_matches_finite_difference(land: Landscape):
    (x0, x1), (y0, y1) = land.domain
    probe = _value_grad_fd(land.fn)

    @settings(max_examples=50, deadline=None)
    @given(u=st.floats(0.0, 1.0), v=st.floats(0.0, 1.0))
    def check(u: float, v: float):
        x, y = x0 + u * (x1 - x0), y0 + v * (y1 - y0)
        if land.key == "ackley":
            assume(math.hypot(x, y) > 1e-3)  # the cone tip at the origin is not differentiable
        with jax.enable_x64(True):
            value, grad, fd = probe(jnp.asarray([x, y], dtype=jnp.float64))
            value, grad, fd = float(value), np.asarray(grad), np.asarray(fd)
        assert grad.dtype == np.float64
        assert math.isfinite(value) and np.all(np.isfinite(grad))
        scale = 1.0 + abs(value) + float(np.linalg.norm(grad))
        np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-6 * scale)

    check()


def _hessian(key: str, xy) -> np.ndarray:
    return np.asarray(jax.hessian(CATALOG[key].fn)(_point(xy)))


def test_sharp_flat_minima_have_equal_depth_and_curvatures_1_and_50():
    land = CATALOG["sharp_flat"]
    assert [f for _, f in land.minima] == [0.0, 0.0]
    np.testing.assert_allclose(_hessian("sharp_flat", (-1.0, 0.0)), np.eye(2), rtol=1e-6)
    np.testing.assert_allclose(_hessian("sharp_flat", (1.0, 0.0)), 50.0 * np.eye(2), rtol=1e-5)


def test_warmup_trap_is_sharp_at_the_neck_flat_at_the_minimum_and_a_plateau_outside():
    minimum = _hessian("warmup_trap", (0.0, 0.0))
    np.testing.assert_allclose(minimum, np.diag([1 / 9, 1.0]), rtol=1e-6)
    neck = _hessian("warmup_trap", (-2.5, 0.0))[1, 1]
    assert neck == pytest.approx(math.exp(3.75 - 6.25 / 18), rel=1e-5)
    assert 29 < neck < 31
    land = CATALOG["warmup_trap"]
    for xy in [(-2.0, 3.0), (-3.0, -1.0), (-1.0, -3.5)]:
        assert float(land.fn(_point(xy))) == pytest.approx(1.0, abs=1e-6)
        assert float(jnp.linalg.norm(jax.grad(land.fn)(_point(xy)))) < 1e-6


def test_cliff_face_is_250_times_steeper_than_the_valley():
    grad = jax.grad(CATALOG["cliff"].fn)
    np.testing.assert_allclose(np.asarray(grad(_point((0.0, 0.0)))), [-0.5 - 250.0, 0.0], rtol=1e-6)
    np.testing.assert_allclose(np.asarray(grad(_point((4.0, 1.0)))), [0.5, 1.0], rtol=1e-6)
    ((x, y), f), *_ = CATALOG["cliff"].minima
    assert y == 0.0
    assert x - 2.0 == pytest.approx(4 * 100 * 10 * math.exp(-20.0), rel=1e-3)
    assert f == pytest.approx(100 * math.exp(-20.0), rel=1e-3)
