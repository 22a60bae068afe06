"""The loss-landscape page's one engine call: a `LandscapeConfig` → its slices and the figures
of them (`Pictures`), the next span worked out ahead.

Slicing two networks on a 31² grid and building their figures takes ≈ 0.6 s on this machine, so
a lecturer stepping the span slider would wait that long for each step. The trained networks
are cached (`trained`); the slices and figures of a config are kept in a server-wide `Ahead`
store, and after each picture the span one step further in the direction the slider last moved
is sliced on its worker: the next step is often ready when it is asked for. The lines through θ,
the paths on their plane and the 3-D surfaces (over Li et al.'s window, SURFACE_SPAN) do not
depend on the span: they are kept per config at any span (`_UNSPANNED`), and their charts, the
same at every span, are drawn by the page's full runs only.
"""

from collections.abc import Callable
from typing import Any, NamedTuple

from ui.ahead import Ahead
from ui.charts import drawn_once
from ui.loss_landscape_view import (
    SPAN_RANGE,
    SURFACE_SPAN,
    Landscape,
    LandscapeConfig,
    sliced,
    sliced_lines,
    trainings,
)
from viz import optimizer_styles
from viz.loss_landscape import line_figure, path_figure, slice_figure, surface_figure

SPAN_STEP = 0.05  # the span slider's step
# s: the next span waits this long for the browser to draw this one (ui.ahead.SETTLE is 0.35).
# A span step redraws one chart now, done ≈ 0.2 s after the script; slicing the next span takes
# ≈ 0.25 s, and with 0.35 s it was often not ready for a press 0.6 s after the last.
SETTLE = 0.2
STORED = 8

_AHEAD = Ahead(STORED, "landscape-ahead")
# A store only: per config at any span, what it shows the same at every span (`Unspanned`).
_UNSPANNED = Ahead(STORED, "landscape-unspanned")


class Pictures(NamedTuple):
    """A config's landscape and its figures, drawn once (`ui.charts.drawn_once`), by live-chart
    key: "land.slices", "land.surfaces", "land.lines", and "land.paths" in the plane views."""

    result: Landscape
    figures: dict[str, dict]


class Unspanned(NamedTuple):
    """What a config shows the same at every span: its lines, its landscape sliced at
    SURFACE_SPAN (`window`), and their figures drawn once: "land.lines", "land.surfaces", and
    "land.paths" in the plane views (a path's loss on its plane is worked out at each
    checkpoint, not read off the slice)."""

    lines: tuple
    window: Landscape
    figures: dict[str, dict]


def styles(result: Landscape) -> dict[str, dict]:
    """Each network's line style, by its name."""
    names = [line.name for line in result.lines]
    optimizers = [line.optimizer for line in result.lines]
    return dict(zip(names, optimizer_styles(optimizers), strict=True))


def _unspanned(config: LandscapeConfig, histories) -> Unspanned:
    lines = sliced_lines(config, histories)
    window = sliced(config.replace(span=SURFACE_SPAN), histories, lines)
    plane = config.view != "random"
    looks = styles(window)
    figures = {
        "land.lines": line_figure(lines, looks),
        "land.surfaces": surface_figure(window.pictures, ("e₁", "e₂") if plane else ("a", "b")),
    }
    if plane:
        paths = [path for picture in window.pictures for path in picture.paths]
        figures["land.paths"] = path_figure(paths, looks)
    return Unspanned(lines, window, {key: drawn_once(f) for key, f in figures.items()})


def _drawn(config: LandscapeConfig, histories) -> Pictures:
    unspanned = repr(config.replace(span=SPAN_RANGE[0]))
    same = _UNSPANNED.get(unspanned, lambda: _unspanned(config, histories))
    result = same.window if config.span == SURFACE_SPAN else sliced(config, histories, same.lines)
    slices = drawn_once(slice_figure(result.pictures, styles(result)))
    return Pictures(result, {"land.slices": slices} | same.figures)


def _normal(config: LandscapeConfig) -> LandscapeConfig:
    """The config with its span rounded to 9 digits: a slider's 1.1500000000000001 is 1.15."""
    return config.replace(span=round(config.span, 9))


def next_span(span: float, previous: float | None) -> float | None:
    """One slider step beyond `span` in the direction it last moved from `previous` (upwards
    when it has not moved yet), or None at the end of the range."""
    step = -SPAN_STEP if previous is not None and previous > span else SPAN_STEP
    ahead = round(span + step, 9)
    return ahead if SPAN_RANGE[0] <= ahead <= SPAN_RANGE[1] else None


def landscape_pictures(
    config: LandscapeConfig,
    previous_span: float | None = None,
    report: Callable[[str], Any] = lambda _: None,
) -> Pictures:
    """The config's `Pictures` (trained and sliced, or taken from the store), and the next span
    (`next_span`) prepared on the worker. `report(what)` before each long part."""
    config = _normal(config)
    histories = trainings(config, report)
    key = repr(config)
    if not _AHEAD.ready(key):
        networks = len(config.nets) * len(config.train.runs)
        report(f"Slicing {networks} network(s): {config.n}² points")
    shown = _AHEAD.get(key, lambda: _drawn(config, histories))
    span = next_span(config.span, previous_span)
    if span is not None:
        following = config.replace(span=span)
        _AHEAD.prepare(repr(following), lambda: _drawn(following, histories), SETTLE)
    return shown
