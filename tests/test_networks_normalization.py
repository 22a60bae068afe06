"""Batch, layer, instance and group norm against float64 NumPy loops; running averages against
their closed form; the train / inference mismatch against the spread of a sample mean; input
normalization on the 2-D engine against the Hessians written by hand."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import landscapes
from networks import mlp
from networks.normalization import (
    EPS,
    batch_norm,
    batch_norm_inference,
    correlated_quadratic,
    normalize,
    race,
    rescaled_ravine,
    running_averages,
    shared_statistics,
    train_inference_mismatch,
    whiten,
)
from optimizers.compilations import count_compilations

RNG = np.random.default_rng(0)
# features with very different scales, one of them tiny so that ε matters: σ² = 10⁻⁴ vs ε = 10⁻⁵
SCALES = np.array([3.0, 0.5, 1e-2, 20.0])
DENSE = (5.0 + SCALES * RNG.normal(size=(64, 4))).astype(np.float32)
BLOCK = (RNG.normal(size=(6, 4, 3, 5)) * np.array([1, 2, 0.1, 7])[:, None, None]).astype(np.float32)


def test_batch_norm_training_mode_gives_mean_zero_variance_one_per_feature():
    step = batch_norm(DENSE)
    x = DENSE.astype(np.float64)
    np.testing.assert_allclose(step.mean, x.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(step.var, x.var(axis=0), rtol=1e-3)
    y = np.asarray(step.y, np.float64)
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-3)
    # Var x̂ = σ²_B / (σ²_B + ε): 1 to 10⁻³ where σ²_B ≫ ε, 0.91 for the feature of σ² ≈ 10⁻⁴
    np.testing.assert_allclose(y.var(axis=0), x.var(0) / (x.var(0) + EPS), rtol=1e-3)
    assert y.var(axis=0)[2] < 0.95
    np.testing.assert_allclose(y.var(axis=0)[[0, 1, 3]], 1.0, atol=1e-3)
    gamma, beta = np.array([2.0, 0.5, 1.0, 3.0]), np.array([1.0, -1.0, 0.0, 4.0])
    shifted = batch_norm(DENSE, gamma, beta)
    np.testing.assert_allclose(shifted.y, gamma * step.x_hat + beta, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(np.mean(shifted.y, axis=0), beta, atol=1e-3)


def test_batch_norm_on_a_block_averages_over_n_h_w():
    step = batch_norm(BLOCK)
    x = BLOCK.astype(np.float64)
    for c in range(x.shape[1]):
        values = x[:, c]
        assert float(step.mean[c]) == pytest.approx(values.mean(), rel=1e-5, abs=1e-6)
        assert float(step.var[c]) == pytest.approx(values.var(), rel=1e-4)
        expected = (values - values.mean()) / np.sqrt(values.var() + EPS)
        np.testing.assert_allclose(step.y[:, c], expected, rtol=1e-4, atol=1e-4)


def test_running_averages_match_their_closed_form_and_drive_inference():
    m, k = 0.9, 25
    stats = RNG.normal(size=(k, 4))
    r0 = RNG.normal(size=4)
    averages = np.asarray(running_averages(r0, stats, m))
    assert averages.shape == (k + 1, 4)
    for j in (0, 1, 7, k):
        closed = m**j * r0 + (1 - m) * sum(m ** (j - 1 - i) * stats[i] for i in range(j))
        np.testing.assert_allclose(averages[j], closed, rtol=1e-5, atol=1e-6)
    mean, var = averages[-1], np.abs(averages[-1]) + 0.5
    gamma, beta = 1.5, -0.25
    expected = gamma * (DENSE - mean) / np.sqrt(var + EPS) + beta
    got = batch_norm_inference(DENSE, mean, var, gamma, beta)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    # inference does not depend on the rest of the batch; training mode does
    alone = batch_norm_inference(DENSE[:1], mean, var, gamma, beta)
    np.testing.assert_allclose(alone, got[:1], rtol=1e-6)


def test_the_network_engine_updates_running_statistics_the_same_way():
    net = mlp.NetConfig(depth=1, width=4, norm="batch")
    params = mlp.init(net, jax.random.key(0), in_dim=4, out_dim=2)
    params["input"]["w"] = jnp.eye(4)
    out = mlp.apply(net, params, DENSE, train=True)
    step = batch_norm(DENSE)
    expected = running_averages(jnp.zeros(4), step.mean[None], mlp.BATCH_NORM_MOMENTUM)[-1]
    np.testing.assert_allclose(out.stats["input"]["mean"], expected, rtol=1e-5)


def reference_norm(x, kind, groups=1):
    """Each element normalized by the mean and variance of its set, found by explicit loops."""
    x = np.asarray(x, np.float64)
    n, c = x.shape[:2]
    out = np.empty_like(x)
    size = c // groups
    for i in range(n):
        for j in range(c):
            if kind == "batch":
                members = x[:, j]
            elif kind == "layer":
                members = x[i]
            elif kind == "instance":
                members = x[i, j]
            else:
                members = x[i, (j // size) * size : (j // size + 1) * size]
            out[i, j] = (x[i, j] - members.mean()) / np.sqrt(members.var() + EPS)
    return out


@pytest.mark.parametrize(
    ("kind", "groups", "members"),
    [
        ("batch", 1, 6 * 3 * 5),
        ("layer", 1, 4 * 3 * 5),
        ("instance", 1, 3 * 5),
        ("group", 2, 2 * 3 * 5),
        ("group", 4, 3 * 5),
    ],
)
def test_each_normalization_averages_over_its_own_axes(kind, groups, members):
    got = np.asarray(normalize(BLOCK, kind, groups=groups), np.float64)
    np.testing.assert_allclose(got, reference_norm(BLOCK, kind, groups), rtol=1e-4, atol=1e-4)
    index = (2, 3, 1, 4)
    shared = shared_statistics(kind, BLOCK.shape, index, groups)
    assert shared[index] and shared.sum() == members
    assert abs(got[shared].mean()) < 1e-4
    assert got[shared].var() == pytest.approx(1.0, rel=1e-3)


def test_group_norm_spans_layer_and_instance_norm_and_dense_layers():
    gamma = np.array([1.0, 2.0, 0.5, 3.0])
    layer = normalize(BLOCK, "layer", gamma)
    np.testing.assert_allclose(normalize(BLOCK, "group", gamma, groups=1), layer, atol=1e-5)
    instance = normalize(BLOCK, "instance")
    np.testing.assert_allclose(normalize(BLOCK, "group", groups=4), instance, atol=1e-5)
    np.testing.assert_allclose(normalize(BLOCK, "batch", gamma), batch_norm(BLOCK, gamma).y)
    dense = np.asarray(normalize(DENSE, "layer"), np.float64)
    np.testing.assert_allclose(dense.mean(axis=1), 0.0, atol=1e-4)
    np.testing.assert_allclose(dense, reference_norm(DENSE, "layer"), rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError, match="groups"):
        normalize(BLOCK, "group", groups=3)
    with pytest.raises(ValueError, match="Instance norm"):
        normalize(DENSE, "instance")
    with pytest.raises(ValueError, match="Unknown normalization"):
        shared_statistics("weight", BLOCK.shape, (0, 0, 0, 0))


def test_small_batches_train_far_from_inference():
    scale = 2.0
    result = train_inference_mismatch(scale=scale, shift=3.0, momentum=0.9, seed=1)
    sizes = result.batch_sizes
    # the spread of μ_B is that of a mean of B draws
    np.testing.assert_allclose(result.mean_spread, scale / np.sqrt(sizes), rtol=0.15)
    # σ²_B (biased) has standard deviation σ² √(2(B − 1)) / B
    expected_var_spread = scale**2 * np.sqrt(2 * (sizes - 1)) / sizes
    np.testing.assert_allclose(result.var_spread, expected_var_spread, rtol=0.15)
    assert np.all(np.diff(result.mismatch) < 0)
    assert result.mismatch[0] > 10 * result.mismatch[-1]
    np.testing.assert_allclose(result.running_mean, 3.0, atol=0.15)
    # the running variance averages the biased σ²_B: (B − 1)/B of the true σ², give or take
    # three standard deviations of an exponential average of 16 features' σ²_B
    m, features = 0.9, 16
    noise = expected_var_spread * np.sqrt((1 - m) / (1 + m)) / np.sqrt(features)
    assert np.all(np.abs(result.running_var - scale**2 * (sizes - 1) / sizes) < 3 * noise)

    def slide():
        for m in (0.5, 0.99):
            train_inference_mismatch(scale=scale, shift=1.0, momentum=m, seed=2)

    assert count_compilations(slide) == 0


@pytest.mark.parametrize(
    ("make", "before", "after", "condition"),
    [
        (rescaled_ravine, np.diag([0.1, 2.0]), 2.0 * np.eye(2), 20.0),
        (correlated_quadratic, np.array([[1.0, 0.9], [0.9, 1.0]]), np.eye(2), 19.0),
    ],
)
def test_input_normalization_makes_the_contours_round(make, before, after, condition):
    r = make()
    np.testing.assert_allclose(r.hessian_before, before, rtol=1e-5)
    np.testing.assert_allclose(r.hessian_after, after, rtol=1e-5, atol=1e-6)
    assert r.condition_before == pytest.approx(condition, rel=1e-5)
    assert r.condition_after == pytest.approx(1.0, rel=1e-6)
    f, g = landscapes.lookup(r.before).fn, landscapes.lookup(r.after).fn
    for point in RNG.uniform(-2, 2, size=(5, 2)):
        moved = jnp.asarray(r.matrix @ point, jnp.float32)
        assert float(g(moved)) == pytest.approx(float(f(jnp.asarray(point))), rel=1e-5)
    np.testing.assert_allclose(r.matrix @ np.asarray(r.start_before), r.start_after)
    (x0, x1), (y0, y1) = landscapes.lookup(r.after).domain
    assert x0 <= r.start_after[0] <= x1 and y0 <= r.start_after[1] <= y1


def test_the_rescaled_ravine_is_x_over_root_twenty():
    r = rescaled_ravine()
    np.testing.assert_allclose(r.matrix, np.diag([1 / math.sqrt(20), 1.0]))
    assert r.before == "ravine"


def test_sgd_reaches_the_minimum_of_the_round_bowl_at_once():
    ravine, bowl = race(rescaled_ravine(), learning_rate=0.45, steps=100)
    # across: 1 − 0.45·2 = 0.1 per step in both; along the ravine: 1 − 0.45·0.1 = 0.955
    assert bowl.loss[0, 0, 10] < 1e-12
    assert ravine.loss[0, 0, 100] > 1e-4
    x_along = ravine.points[0, 0, :, 0]
    np.testing.assert_allclose(x_along[1:] / x_along[:-1], 0.955, rtol=1e-4)


def test_pca_whitening_gives_identity_covariance():
    rho = 0.9
    cloud = RNG.multivariate_normal([1.0, -2.0], [[1.0, rho], [rho, 1.0]], size=2000)
    white = whiten(cloud)
    np.testing.assert_allclose(np.cov(white, rowvar=False), np.eye(2), atol=1e-10)
    np.testing.assert_allclose(white.mean(axis=0), 0.0, atol=1e-12)
