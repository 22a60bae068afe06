"""Every dataset record against its own claims: shape, balance, split, seed, noise."""

import numpy as np
import pytest

from networks import datasets

KEYS = list(datasets.CATALOG)


def test_catalog_has_the_five_pictures():
    assert {"moons", "circles", "spirals", "xor", "blobs"} <= set(KEYS)
    assert all(spec.classes in (2, 3) for spec in datasets.CATALOG.values())


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("n", [50, 203])
def test_shapes_dtypes_balance_and_split(key, n):
    data = datasets.make(key, n, seed=4)
    classes = datasets.CATALOG[key].classes
    assert data.classes == classes
    assert data.x.shape == (n, 2) and data.x.dtype == np.float32
    assert data.y.shape == (n,) and data.y.dtype == np.int32
    for labels in (data.y, data.y_train, data.y_val):
        counts = np.bincount(labels, minlength=classes)
        assert counts.max() - counts.min() <= 1
    assert 0.2 <= len(data.y_val) / n <= 0.3
    assert (len(data.y_train), len(data.y_val)) == datasets.split_sizes(n, classes)
    np.testing.assert_array_equal(data.x_train, data.x[~data.val_mask])
    np.testing.assert_array_equal(data.y_val, data.y[data.val_mask])
    with pytest.raises(ValueError):
        data.x[0, 0] = 1.0


@pytest.mark.parametrize("key", KEYS)
def test_same_seed_same_data_other_seed_other_data(key):
    first = datasets.make(key, 120, 0.1, seed=7)
    datasets._make.cache_clear()
    again = datasets.make(key, 120, 0.1, seed=7)
    other = datasets.make(key, 120, 0.1, seed=8)
    assert again is not first
    for name in ("x", "y", "val_mask"):
        np.testing.assert_array_equal(getattr(again, name), getattr(first, name))
    assert not np.allclose(other.x, first.x)


@pytest.mark.parametrize("key", KEYS)
def test_noise_moves_each_point_by_a_gaussian_of_its_size(key):
    spec = datasets.CATALOG[key]
    clean = datasets.make(key, 2000, 0.0, seed=1)
    noisy = datasets.make(key, 2000, 0.2, seed=1)
    np.testing.assert_array_equal(noisy.y, clean.y)
    np.testing.assert_array_equal(noisy.val_mask, clean.val_mask)
    shift = (noisy.x - clean.x) / spec.scale
    assert abs(shift.mean()) < 0.02
    assert shift.std() == pytest.approx(0.2, rel=0.05)


@pytest.mark.parametrize("key", KEYS)
def test_inputs_are_a_few_units_around_the_origin(key):
    x = datasets.make(key, 1000).x
    assert np.abs(x.mean(axis=0)).max() < 0.5
    assert np.all((x.std(axis=0) > 0.4) & (x.std(axis=0) < 1.6))
    (x0, x1), (y0, y1) = datasets.CATALOG[key].extent
    assert x0 < x[:, 0].min() and x[:, 0].max() < x1
    assert y0 < x[:, 1].min() and x[:, 1].max() < y1


def test_classes_are_where_their_shape_says():
    """Circles: the inner class is closer to the origin; XOR: the sign of x·y; blobs: nearest
    centre."""
    circles = datasets.make("circles", 400, 0.0)
    radius = np.linalg.norm(circles.x, axis=1)
    assert radius[circles.y == 1].max() < radius[circles.y == 0].min()
    xor = datasets.make("xor", 400, 0.0)
    np.testing.assert_array_equal(xor.y, (xor.x[:, 0] * xor.x[:, 1] < 0).astype(int))
    blobs = datasets.make("blobs", 600, 0.0)
    means = np.stack([blobs.x[blobs.y == c].mean(axis=0) for c in range(3)])
    nearest = np.argmin(np.linalg.norm(blobs.x[:, None] - means[None], axis=2), axis=1)
    assert np.mean(nearest == blobs.y) > 0.97


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nowhere", 100, 0.1, 0), "Unknown dataset"),
        (("moons", 10, 0.1, 0), "number of points"),
        (("moons", 100.5, 0.1, 0), "number of points"),
        (("moons", 100, -0.1, 0), "noise"),
        (("moons", 100, float("nan"), 0), "noise"),
        (("moons", 100, 0.1, -1), "seed"),
    ],
)
def test_bad_arguments_say_what_is_wrong(args, message):
    with pytest.raises(ValueError, match=message):
        datasets.make(*args)
