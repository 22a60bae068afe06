"""Records shared by the optimizer and schedule catalogues."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SCALES = ("linear", "log", "log1m")


@dataclass(frozen=True)
class Hyperparam:
    """One hyperparameter: optax's own keyword `name`, its default and range, and how a person
    sees it: its `symbol` (η, β₁, ε), a few `words` before the symbol, the `help` sentence.

    `scale` is how it is moved and sampled: "linear"; "log" (a rate or ε spanning decades);
    "log1m" (a decay rate β near 1, whose memory 1/(1 − β) is what matters: 1 − β on a log
    scale). `search` narrows the range a hyperparameter search covers by default.
    """

    name: str
    default: float
    min: float
    max: float
    symbol: str
    scale: str = "linear"
    words: str = ""
    help: str = ""
    search: tuple[float, float] | None = None

    def __post_init__(self):
        if self.scale not in SCALES:
            raise ValueError(f"{self.name}: unknown scale {self.scale!r}.")

    @property
    def label(self) -> str:
        """What sliders, tables and axes call it, e.g. "learning rate η", "β₁"."""
        return f"{self.words} {self.symbol}".strip()

    @property
    def search_range(self) -> tuple[float, float]:
        return self.search or (self.min, self.max)


class _Tunable:
    """What optimizer and schedule records share: a name and their hyperparameters."""

    name: str
    hyperparams: tuple[Hyperparam, ...]

    def defaults(self) -> dict[str, float]:
        return {h.name: h.default for h in self.hyperparams}

    def hyperparam(self, name: str) -> Hyperparam:
        for h in self.hyperparams:
            if h.name == name:
                return h
        raise ValueError(f"{self.name} has no hyperparameter {name!r}.")


@dataclass(frozen=True)
class OptimizerSpec(_Tunable):
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


@dataclass(frozen=True)
class ScheduleSpec(_Tunable):
    """A learning-rate schedule as data: `build(**hp)` returns s(t) with s(0) = 1.

    s(t) multiplies each optimizer's own learning rate at step t (t = 0, 1, ...).
    """

    key: str
    name: str
    latex: str
    hyperparams: tuple[Hyperparam, ...]
    build: Callable[..., Callable[[Any], Any]]
