"""The `Landscape` record: a 2-D function as data."""

from collections.abc import Callable
from dataclasses import dataclass

import jax

Point = tuple[float, float]
Domain = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Landscape:
    """A 2-D test function with everything a page needs to draw and teach it.

    `fn` maps an array of shape (2,) to a scalar with jax.numpy, so `jax.grad`, `jax.hessian`
    and `jax.vmap` over a grid all work. `minima` lists ((x, y), f(x, y)) pairs, `saddles`
    the stationary points that are neither minima nor maxima.
    """

    key: str
    name: str
    fn: Callable[[jax.Array], jax.Array]
    latex: str
    domain: Domain
    minima: tuple[tuple[Point, float], ...]
    default_start: Point
    saddles: tuple[Point, ...] = ()
    log_levels: bool = False
    lesson: str = ""
