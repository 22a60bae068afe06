r"""Toy classification data on the plane, as records: one `DatasetSpec` per picture.

Every dataset is drawn with NumPy from a seed, nothing is downloaded. Class c gets n_c points,
the counts differing by at most one (balanced classes). Each point is

    x = scale · (clean(u) + σ ξ) + offset,   ξ ~ N(0, I₂)

where `clean` draws the noiseless shape from uniform numbers u and σ is the noise. u and ξ are
drawn in the same order whatever σ is, so one seed gives the same points at every noise level
and moving σ moves each point continuously. `scale` and `offset` are fixed per dataset (not fitted
to the sample) so that the clean shape spans a few units around the origin.

A quarter of each class is held out for validation (a stratified split, also from the seed), so
the training and validation sets are balanced too.

The shapes follow scikit-learn's `make_moons` / `make_circles` / `make_blobs`, the twin spirals of
Lang & Witbrock 1988 ("Learning to tell two spirals apart") and the XOR of Minsky & Papert 1969.
"""

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

MIN_POINTS = 50
MAX_POINTS = 5000
MAX_NOISE = 1.0
VALIDATION_SHARE = 0.25
EXTENT = ((-3.0, 3.0), (-3.0, 3.0))

Generator = Callable[[np.random.Generator, int, int], np.ndarray]


@dataclass(frozen=True)
class DatasetSpec:
    """A dataset as data: `clean(rng, count, c)` draws `count` noiseless points of class c."""

    key: str
    name: str
    classes: int
    clean: Generator
    scale: float
    offset: tuple[float, float]
    default_noise: float
    lesson: str
    extent: tuple[tuple[float, float], tuple[float, float]] = EXTENT


@dataclass(frozen=True, eq=False)
class Dataset:
    """One sample: `x` float32 [n, 2], `y` int32 [n], and its train / validation split.

    `val_mask[i]` says whether point i is held out; `x_train`, `y_train`, `x_val`, `y_val` are
    the two parts (in a seeded random order, classes interleaved). Arrays are read-only.
    """

    key: str
    classes: int
    noise: float
    seed: int
    x: np.ndarray
    y: np.ndarray
    val_mask: np.ndarray
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray


def _moons(rng, count, c):
    t = rng.uniform(0.0, np.pi, count)
    if c == 0:
        return np.stack([np.cos(t), np.sin(t)], axis=1)
    return np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)


def _circles(rng, count, c):
    t = rng.uniform(0.0, 2 * np.pi, count)
    radius = 1.0 if c == 0 else 0.5
    return radius * np.stack([np.cos(t), np.sin(t)], axis=1)


SPIRAL_TURNS = 1.25


def _spirals(rng, count, c):
    r = rng.uniform(0.05, 1.0, count)
    angle = 2 * np.pi * SPIRAL_TURNS * r + np.pi * c
    return r[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)


def _xor(rng, count, c):
    magnitude = rng.uniform(0.1, 1.0, (count, 2))
    sign = rng.choice([-1.0, 1.0], count)
    return magnitude * np.stack([sign, sign * (1.0 if c == 0 else -1.0)], axis=1)


def _blobs(rng, count, c):
    angle = np.pi / 2 + 2 * np.pi * c / 3
    centre = np.array([np.cos(angle), np.sin(angle)])
    return centre + 0.25 * rng.standard_normal((count, 2))


DATASETS = (
    DatasetSpec(
        "moons",
        "Two moons",
        2,
        _moons,
        scale=1.2,
        offset=(-0.6, -0.3),
        default_noise=0.1,
        lesson="Two interleaved half circles: no straight line separates them.",
    ),
    DatasetSpec(
        "circles",
        "Circles",
        2,
        _circles,
        scale=2.0,
        offset=(0.0, 0.0),
        default_noise=0.05,
        lesson="A ring around a disc: the boundary must close on itself.",
    ),
    DatasetSpec(
        "spirals",
        "Two spirals",
        2,
        _spirals,
        scale=2.2,
        offset=(0.0, 0.0),
        default_noise=0.03,
        lesson="Two arms winding round each other: a hard boundary for a small network.",
    ),
    DatasetSpec(
        "xor",
        "XOR",
        2,
        _xor,
        scale=2.0,
        offset=(0.0, 0.0),
        default_noise=0.05,
        lesson="Opposite quadrants share a class: one hidden layer is needed.",
    ),
    DatasetSpec(
        "blobs",
        "Three blobs",
        3,
        _blobs,
        scale=1.6,
        offset=(0.0, 0.0),
        default_noise=0.1,
        lesson="Three Gaussian clusters: three classes, nearly linear boundaries.",
    ),
)

CATALOG: dict[str, DatasetSpec] = {spec.key: spec for spec in DATASETS}


def lookup(key: str) -> DatasetSpec:
    """The record for `key`, or a ValueError listing the choices."""
    if key not in CATALOG:
        raise ValueError(f"Unknown dataset {key!r}. Choose one of: {', '.join(CATALOG)}.")
    return CATALOG[key]


def class_counts(n: int, classes: int) -> list[int]:
    """n split into `classes` counts differing by at most one."""
    return [n // classes + (c < n % classes) for c in range(classes)]


def held_out(count: int) -> int:
    """How many of a class's `count` points go to validation."""
    return round(VALIDATION_SHARE * count)


def split_sizes(n: int, classes: int) -> tuple[int, int]:
    """(training size, validation size) of a dataset of n points in `classes` classes."""
    val = sum(held_out(count) for count in class_counts(n, classes))
    return n - val, val


def _checked(key: str, n: object, noise: object, seed: object) -> tuple[DatasetSpec, int, float]:
    spec = lookup(key)
    if not isinstance(n, int | np.integer) or not MIN_POINTS <= n <= MAX_POINTS:
        raise ValueError(f"The number of points must be from {MIN_POINTS} to {MAX_POINTS}.")
    noise = float(noise)
    if not (math.isfinite(noise) and 0.0 <= noise <= MAX_NOISE):
        raise ValueError(f"The noise must be in [0, {MAX_NOISE:g}], not {noise!r}.")
    if not isinstance(seed, int | np.integer) or not 0 <= seed < 2**31:
        raise ValueError(f"The data seed must be a whole number from 0 to 2³¹ − 1, not {seed!r}.")
    return spec, int(n), noise


def _read_only(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


@functools.lru_cache(maxsize=32)
def _make(key: str, n: int, noise: float, seed: int) -> Dataset:
    spec = CATALOG[key]
    rng = np.random.default_rng(seed)
    xs, ys, held = [], [], []
    for c, count in enumerate(class_counts(n, spec.classes)):
        clean = spec.clean(rng, count, c)
        jitter = rng.standard_normal((count, 2))
        xs.append(spec.scale * (clean + noise * jitter) + np.asarray(spec.offset))
        ys.append(np.full(count, c))
        held.append(rng.permutation(count) < held_out(count))
    order = rng.permutation(n)
    x = np.concatenate(xs)[order].astype(np.float32)
    y = np.concatenate(ys)[order].astype(np.int32)
    val_mask = np.concatenate(held)[order]
    arrays = {
        "x": x,
        "y": y,
        "val_mask": val_mask,
        "x_train": x[~val_mask],
        "y_train": y[~val_mask],
        "x_val": x[val_mask],
        "y_val": y[val_mask],
    }
    frozen = {name: _read_only(array) for name, array in arrays.items()}
    return Dataset(key=key, classes=spec.classes, noise=noise, seed=seed, **frozen)


def make(key: str, n: int = 200, noise: float | None = None, seed: int = 0) -> Dataset:
    """n points of dataset `key` with noise σ (the record's default when None), drawn from `seed`.

    The same arguments always give the same points; results are cached.
    """
    spec, n, noise = _checked(key, n, lookup(key).default_noise if noise is None else noise, seed)
    return _make(spec.key, n, noise, int(seed))
