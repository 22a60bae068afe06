"""Records shared by the optimizer and schedule catalogues."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Hyperparam:
    """One slider: optax's own keyword `name`, its default and range; `log` for a log slider."""

    name: str
    default: float
    min: float
    max: float
    log: bool = False
    help: str = ""


@dataclass(frozen=True)
class OptimizerSpec:
    """An optimizer as data: `build(**hp)` returns an optax `GradientTransformation`.

    When `uses_hessian` is set, the engine passes the Hessian at the current point to
    `update(..., hessian=H)` (optax's extra-args protocol).
    """

    key: str
    name: str
    latex: str
    hyperparams: tuple[Hyperparam, ...]
    build: Callable[..., Any]
    uses_hessian: bool = False

    def defaults(self) -> dict[str, float]:
        return {h.name: h.default for h in self.hyperparams}


@dataclass(frozen=True)
class ScheduleSpec:
    """A learning-rate schedule as data: `build(**hp)` returns s(t) with s(0) = 1.

    s(t) multiplies each optimizer's own learning rate at step t (t = 0, 1, ...).
    """

    key: str
    name: str
    latex: str
    hyperparams: tuple[Hyperparam, ...]
    build: Callable[..., Callable[[Any], Any]]

    def defaults(self) -> dict[str, float]:
        return {h.name: h.default for h in self.hyperparams}
