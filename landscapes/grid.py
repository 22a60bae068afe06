"""A landscape evaluated on a regular grid over its domain, for backgrounds and surfaces."""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from landscapes.landscape import Landscape

GRID_CACHE_SIZE = 64


@functools.lru_cache(maxsize=GRID_CACHE_SIZE)
def evaluate_grid(landscape: Landscape, n: int = 160) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """xs (n,), ys (n,) spanning the domain and values (n, n) with values[i, j] = f(xs[j], ys[i]).

    Non-finite values (a user's formula may have them) are replaced by the largest finite one.
    """
    (x0, x1), (y0, y1) = landscape.domain
    xs = np.linspace(x0, x1, n, dtype=np.float32)
    ys = np.linspace(y0, y1, n, dtype=np.float32)
    gx, gy = np.meshgrid(xs, ys)
    grid = jnp.stack([gx.ravel(), gy.ravel()], axis=1)
    values = np.asarray(jax.jit(jax.vmap(landscape.fn))(grid)).reshape(n, n).astype(np.float64)
    finite = np.isfinite(values)
    if finite.any() and not finite.all():
        values[~finite] = values[finite].max()
    return xs, ys, values
