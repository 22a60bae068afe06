"""Loss-landscape engine: filter normalization against NumPy, slices against direct evaluations,
PCA and shared planes against their definitions, roughness against closed forms, compile counts,
and Li et al.'s skip-connection ordering."""

import functools

import jax
import numpy as np
import pytest

from networks import datasets, mlp
from networks.landscape import (
    basin_width,
    pca_directions,
    plane_losses,
    random_direction,
    roughness,
    shared_plane,
    slice_1d,
    slice_2d,
)
from networks.mlp import NetConfig
from networks.train import Run, TrainConfig, train
from optimizers.compilations import count_compilations

DATA = datasets.make("moons", 120, seed=3)
NETS = {
    "plain": NetConfig(depth=3, width=8, activation="tanh"),
    "residual": NetConfig(depth=3, width=8, activation="relu", residual=True, init="he"),
    "batch": NetConfig(depth=3, width=8, activation="tanh", norm="batch"),
    "layer": NetConfig(depth=2, width=8, activation="elu", norm="layer"),
}


def random_params(net, seed):
    """Parameters shaped as `mlp.init`'s, every leaf random (biases and β not 0, γ not 1), drawn
    with NumPy: W ~ N(0, 1/fan_in), the others around their initial value."""
    shapes = jax.eval_shape(lambda key: mlp.init(net, key), jax.random.key(0))
    rng = np.random.default_rng(seed)

    def draw(path, shape):
        noise = rng.standard_normal(shape.shape)
        if path[-1].key == "w":
            return noise / np.sqrt(shape.shape[-2])
        return (path[-1].key == "gamma") + 0.3 * noise

    leaves = jax.tree.map_with_path(draw, shapes)
    return jax.tree.map(lambda a: a.astype(np.float32), leaves)


def running_stats(net, seed):
    """Batch-norm running statistics far from (0, 1), or None."""
    stats = mlp.init_stats(net)
    if stats is None:
        return None
    rng = np.random.default_rng(seed)
    return jax.tree.map(
        lambda a: (a + rng.uniform(0.2, 0.8, a.shape)).astype(np.float32) * 1.5, stats
    )


def setup(key, seed=0):
    net = NETS[key]
    params = random_params(net, seed)
    return net, params, running_stats(net, seed)


@functools.partial(jax.jit, static_argnames="net")
def evaluated(net, params, stats, x, y):
    logits = mlp.apply(net, params, x, stats=stats).logits
    return mlp.cross_entropy(logits, y), mlp.accuracy(logits, y)


def direct(net, params, stats, data=DATA):
    """(train loss, val loss, train accuracy, val accuracy) by `mlp` itself, one point."""
    (train_loss, train_accuracy), (val_loss, val_accuracy) = (
        evaluated(net, params, stats, x, y)
        for x, y in ((data.x_train, data.y_train), (data.x_val, data.y_val))
    )
    return train_loss, val_loss, train_accuracy, val_accuracy


def along(params, d1, d2, a, b):
    return jax.tree.map(lambda t, u, v: t + np.float32(a) * u + np.float32(b) * v, params, d1, d2)


@pytest.mark.parametrize("key", NETS)
def test_filter_normalization_matches_numpy(key):
    params = setup(key)[1]
    d = random_direction(params, seed=7)
    named = jax.tree_util.tree_flatten_with_path(params)[0]
    directions = jax.tree.leaves(d)
    assert len(named) == len(directions)
    for (path, theta), leaf in zip(named, directions, strict=True):
        theta, leaf = np.asarray(theta, np.float64), np.asarray(leaf, np.float64)
        assert leaf.shape == theta.shape
        if path[-1].key == "w":
            # One filter per output unit: the column W[..., :, j].
            np.testing.assert_allclose(
                np.linalg.norm(leaf, axis=-2), np.linalg.norm(theta, axis=-2), rtol=1e-5
            )
            cosine = np.sum(leaf * theta, axis=-2) / np.linalg.norm(theta, axis=-2) ** 2
            assert np.all(np.abs(cosine) < 0.999)  # random, not θ itself
        else:
            assert path[-1].key in ("b", "gamma", "beta")
            np.testing.assert_array_equal(leaf, 0.0)
    same = jax.tree.leaves(random_direction(params, seed=7))
    other = jax.tree.leaves(random_direction(params, seed=8))
    assert all(np.array_equal(p, q) for p, q in zip(directions, same, strict=True))
    assert not np.allclose(directions[-1], other[-1])


def test_a_zero_filter_gets_a_zero_direction():
    params = setup("plain")[1]
    params["input"]["w"][:, 3] = 0.0
    kernel = np.asarray(random_direction(params, 1)["input"]["w"])
    np.testing.assert_array_equal(kernel[:, 3], 0.0)
    assert np.all(np.linalg.norm(np.delete(kernel, 3, axis=1), axis=0) > 0)


@pytest.mark.parametrize("key", NETS)
def test_slice_centre_and_random_points_equal_direct_evaluations(key):
    net, params, stats = setup(key, seed=1)
    d1, d2 = random_direction(params, 1), random_direction(params, 2)
    # A chunk that does not divide the 9² points, and an anisotropic span.
    grid = slice_2d(net, params, d1, d2, DATA, span=(0.8, 0.5), n=9, stats=stats, chunk=20)
    assert grid.losses.train_loss.shape == (9, 9)
    centred = slice_2d(net, params, d1, d2, DATA, span=0.5, n=9, stats=stats)
    np.testing.assert_allclose(
        [field[4, 4] for field in centred.losses], direct(net, params, stats), rtol=2e-5
    )
    rng = np.random.default_rng(0)
    for i, j in rng.integers(0, 9, (6, 2)):
        expected = direct(net, along(params, d1, d2, grid.a[j], grid.b[i]), stats)
        np.testing.assert_allclose([field[i, j] for field in grid.losses], expected, rtol=2e-5)
    shifted = slice_2d(net, params, d1, d2, DATA, 0.3, 5, stats=stats, centre=(0.2, -0.1))
    np.testing.assert_allclose(shifted.a, np.linspace(-0.1, 0.5, 5), atol=1e-6)
    np.testing.assert_allclose(shifted.b, np.linspace(-0.4, 0.2, 5), atol=1e-6)
    expected = direct(net, along(params, d1, d2, shifted.a[1], shifted.b[3]), stats)
    np.testing.assert_allclose([f[3, 1] for f in shifted.losses], expected, rtol=2e-5)


def test_batch_norm_needs_its_running_statistics():
    net, params, _ = setup("batch")
    d = random_direction(params, 1)
    with pytest.raises(ValueError, match="running statistics"):
        slice_2d(net, params, d, d, DATA, n=3)


@pytest.mark.parametrize("key", ["plain", "batch"])
def test_segment_points_equal_direct_evaluations_beyond_the_ends(key):
    net, theta_a, stats_a = setup(key, seed=2)
    _, theta_b, stats_b = setup(key, seed=3)
    line = slice_1d(net, theta_a, theta_b, DATA, (-0.5, 1.5), 9, stats_a, stats_b, chunk=5)
    np.testing.assert_allclose(line.alpha, np.linspace(-0.5, 1.5, 9), atol=1e-6)
    ends = {0.0: (theta_a, stats_a), 1.0: (theta_b, stats_b)}
    for alpha, (theta, stats) in ends.items():
        index = int(np.argmin(np.abs(line.alpha - alpha)))
        at = [field[index] for field in line.losses]
        np.testing.assert_allclose(at, direct(net, theta, stats), rtol=2e-5)
    for index in (0, 3, 8):
        alpha = np.float32(line.alpha[index])
        theta = jax.tree.map(lambda p, q, t=alpha: (1 - t) * p + t * q, theta_a, theta_b)
        stats = None
        if stats_a is not None:  # means linearly, variances geometrically
            stats = {
                part: {
                    "mean": (1 - alpha) * stats_a[part]["mean"] + alpha * stats_b[part]["mean"],
                    "var": stats_a[part]["var"] ** (1 - alpha) * stats_b[part]["var"] ** alpha,
                }
                for part in stats_a
            }
        at = [field[index] for field in line.losses]
        np.testing.assert_allclose(at, direct(net, theta, stats), rtol=5e-5)


def test_span_centre_range_and_seed_changes_do_not_recompile():
    net, params, _ = setup("residual", seed=4)
    d1, d2 = random_direction(params, 1), random_direction(params, 2)
    slice_2d(net, params, d1, d2, DATA, 1.0, 11)
    slice_1d(net, params, d1, DATA, (-0.5, 1.5), 21)
    plane_losses(net, params, d1, d2, np.zeros((5, 2)), DATA)
    gained = net.replace(init_scale=2.0)

    def moves():
        for i in range(5):
            random_direction(params, 10 + i)
            slice_2d(gained, params, d2, d1, DATA, (0.5 + i, 2.0), 11, centre=(i, -i))
            slice_1d(net, d1, params, DATA, (-i, 1.0 + i), 21)
            plane_losses(net, params, d1, d2, np.full((5, 2), i), DATA)

    assert count_compilations(moves) == 0


def plane_reference(offsets):
    """The top two principal directions from the eigenvectors of the k × k Gram matrix M Mᵀ."""
    eigenvalues, vectors = np.linalg.eigh(offsets @ offsets.T)
    order = np.argsort(eigenvalues)[::-1][:2]
    directions = (offsets.T @ vectors[:, order]) / np.sqrt(eigenvalues[order])
    return directions.T, eigenvalues[order] / eigenvalues.sum()


def test_pca_coordinates_reconstruct_snapshots_in_a_plane():
    rng = np.random.default_rng(0)
    size, k = 60, 12
    final = rng.standard_normal(size)
    u, v = rng.standard_normal(size), rng.standard_normal(size)  # not orthogonal
    t = np.linspace(0, 1, k)[::-1]
    snapshots = final + np.outer(3 * t**2, u) + np.outer(np.sin(4 * t), v)
    pca = pca_directions(snapshots.astype(np.float32), final.astype(np.float32))
    plane = pca.plane
    np.testing.assert_allclose(plane.directions @ plane.directions.T, np.eye(2), atol=1e-10)
    rebuilt = plane.origin + pca.projection.coords @ plane.directions
    np.testing.assert_allclose(rebuilt, snapshots, atol=1e-5)
    np.testing.assert_allclose(pca.projection.off_plane, 0.0, atol=1e-5)
    np.testing.assert_allclose(pca.explained.sum(), 1.0, rtol=1e-6)
    assert np.all(pca.projection.coords[0] >= 0)
    np.testing.assert_allclose(pca.projection.coords[-1], 0.0, atol=1e-12)

    # Off the plane: shares and explained variance against an independent eigen-decomposition.
    noisy = snapshots + 0.3 * rng.standard_normal(snapshots.shape)
    pca = pca_directions(noisy, final)
    directions, explained = plane_reference(noisy - final)
    np.testing.assert_allclose(np.abs(directions @ pca.plane.directions.T), np.eye(2), atol=1e-8)
    np.testing.assert_allclose(pca.explained, explained, rtol=1e-8)
    offsets = noisy - final
    inside = offsets @ directions.T @ directions
    share = np.linalg.norm(offsets - inside, axis=1) / np.linalg.norm(offsets, axis=1)
    np.testing.assert_allclose(pca.projection.off_plane, share, rtol=1e-8)

    as_trees = [{"w": s[:40].reshape(8, 5), "b": s[40:]} for s in noisy]
    from_trees = pca_directions(as_trees, {"w": final[:40].reshape(8, 5), "b": final[40:]})
    np.testing.assert_allclose(from_trees.projection.coords, pca.projection.coords, atol=1e-5)


def test_shared_plane_contains_the_start_and_both_end_points():
    rng = np.random.default_rng(1)
    theta0, end_a, end_b = rng.standard_normal((3, 50))
    plane = shared_plane(theta0, end_a, end_b)
    np.testing.assert_allclose(plane.directions @ plane.directions.T, np.eye(2), atol=1e-12)
    seen = plane.project(np.stack([theta0, end_a, end_b]))
    np.testing.assert_allclose(seen.residual, 0.0, atol=1e-12)
    np.testing.assert_allclose(seen.off_plane, 0.0, atol=1e-12)
    np.testing.assert_allclose(seen.coords[0], 0.0, atol=1e-12)
    np.testing.assert_allclose(seen.coords[1], [np.linalg.norm(end_a - theta0), 0.0], atol=1e-12)
    rebuilt = plane.origin + seen.coords @ plane.directions
    np.testing.assert_allclose(rebuilt, np.stack([theta0, end_a, end_b]), atol=1e-12)
    # A point off the plane: its residual is the part orthogonal to both directions.
    normal = rng.standard_normal(50)
    normal -= plane.directions.T @ (plane.directions @ normal)
    off = plane.project((end_b + normal)[None])
    np.testing.assert_allclose(off.residual, np.linalg.norm(normal), rtol=1e-10)
    with pytest.raises(ValueError, match="one line"):
        shared_plane(theta0, end_a, theta0 + 2.5 * (end_a - theta0))


def test_roughness_against_closed_forms():
    a = np.linspace(-1, 1, 21)
    bowl = np.exp(np.add.outer(a**2, 2 * a**2))
    # log L = a² + 2b²: every line of constant b varies by 2 · 1 (down and up), of constant a 2 · 2.
    assert roughness(bowl) == (1, pytest.approx((21 * 2 + 21 * 4) / 42, rel=1e-12))
    # An egg crate cos(πx) + cos(πy) on [−3, 3]²: minima at odd x and odd y, interior (±1, ±1).
    x = np.linspace(-3, 3, 25)
    crate = 3 + np.add.outer(np.cos(np.pi * x), np.cos(np.pi * x))
    assert roughness(crate).local_minima == 4
    plateau = np.ones((5, 5))
    assert roughness(plateau) == (0, 0.0)  # strict: a flat grid has no strict minimum


def test_basin_width_of_a_parabola():
    alpha = np.linspace(-1, 1, 2001)
    for curvature in (4.0, 25.0):
        loss = 0.5 + curvature * alpha**2
        # L < 2 · 0.5 ⇔ |α| < 1/√(2c).
        expected = 2 / np.sqrt(2 * curvature)
        assert basin_width(alpha, loss) == pytest.approx(expected, rel=1e-5)
    flat = 0.5 + 0.1 * alpha**2
    assert basin_width(alpha, flat) == pytest.approx(2.0)  # cut at the grid's ends
    shifted = 0.5 + 4.0 * (alpha - 0.5) ** 2
    assert basin_width(alpha, shifted, at=0.5) == pytest.approx(2 / np.sqrt(8), rel=1e-5)


SKIP_SEEDS = (0, 1, 2)


def skip_roughness(residual: bool, seed: int):
    net = NetConfig(depth=20, width=16, activation="relu", init="he", residual=residual)
    config = TrainConfig(
        "spirals",
        n=300,
        noise=0.03,
        net=net,
        runs=(Run("adam", {"learning_rate": 0.003}, None, 64),),
        steps=300,
        seed=seed,
    )
    params, _ = train(config).params_at(0, -1)
    d1, d2 = random_direction(params, 2 * seed), random_direction(params, 2 * seed + 1)
    grid = slice_2d(net, params, d1, d2, config.data(), span=1.0, n=21)
    return roughness(grid.losses.train_loss)


def test_skip_connections_smooth_a_deep_landscape():
    """Li et al. 2018, Fig. 5: at depth 20 the landscape without skip connections is chaotic,
    with them (branches scaled 1/√blocks) nearly convex. Trained 20 × 16 ReLU nets on spirals,
    21² filter-normalized slices at span 1, three seeds."""
    for seed in SKIP_SEEDS:
        plain, residual = skip_roughness(False, seed), skip_roughness(True, seed)
        assert plain.local_minima > residual.local_minima, seed
        assert plain.total_variation > 2 * residual.total_variation, seed
