"""Patterns of starting points: a ring around a centre, a grid over the domain."""

import math


def ring(centre: tuple[float, float], radius: float, count: int) -> tuple[tuple[float, float], ...]:
    """`count` starts evenly spaced on a circle."""
    cx, cy = centre
    angles = [2 * math.pi * (i + 0.5) / count for i in range(count)]
    return tuple((cx + radius * math.cos(a), cy + radius * math.sin(a)) for a in angles)


def grid(domain, count: int, margin: float = 0.1) -> tuple[tuple[float, float], ...]:
    """count × count starts evenly spread over the domain, `margin` of it left free at the edges."""
    (x0, x1), (y0, y1) = domain

    def axis(lo, hi):
        pad = margin * (hi - lo)
        if count == 1:
            return [(lo + hi) / 2]
        return [lo + pad + i * (hi - lo - 2 * pad) / (count - 1) for i in range(count)]

    return tuple((x, y) for y in axis(y0, y1) for x in axis(x0, x1))
