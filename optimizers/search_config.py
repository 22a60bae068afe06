"""`SearchConfig`: what the hyperparameter-search page searches, and its round trip via a link.

Link format: the run's `RunConfig.to_query()` plus ``hx``, ``hy`` (the two searched
hyperparameters), ``n`` (the budget), ``obj`` (final or best loss) and ``zoom`` (the boxes of
the coarse-to-fine rounds after the first, ';'-separated, each ``u0,u1,v0,v1`` in unit
coordinates of the searched square or ``auto`` for a box chosen around the best trials)::

    land=bowl&opt=adam(…)&…&hx=learning_rate&hy=eps&n=9&obj=final&zoom=auto;0.1,0.4,0.2,0.6
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass

from optimizers.catalog import CATALOG as OPTIMIZERS
from optimizers.run_config import QUERY_KEYS, RunConfig, reject_unknown
from optimizers.search import KINDS, SEARCHABLE, Axis, Box, default_axis

BUDGETS = (4, 9, 16, 25)
MAX_ROUNDS = 3
SEARCH_KEYS = frozenset({"hx", "hy", "n", "obj", "zoom"})


@dataclass(frozen=True)
class SearchConfig:
    """One optimizer's run (`run`), its hyperparameters `x` and `y` searched with `budget`
    trials per round, scored by the `kind` of loss; `zoom` holds the later rounds' boxes."""

    run: RunConfig
    x: str
    y: str
    budget: int = 9
    kind: str = "final"
    zoom: tuple[Box | None, ...] = ()

    def __post_init__(self):
        if len(self.run.optimizers) != 1 or len(self.run.starts) != 1:
            raise ValueError("The search page tunes one optimizer from one start.")
        key = self.run.optimizers[0][0]
        spec = OPTIMIZERS[key]
        names = [h.name for h in spec.hyperparams]
        if key not in SEARCHABLE or self.x not in names or self.y not in names or self.x == self.y:
            raise ValueError(f"Pick two different hyperparameters of {spec.name}.")
        if self.budget not in BUDGETS:
            raise ValueError(f"The budget must be one of {', '.join(map(str, BUDGETS))}.")
        if self.kind not in KINDS:
            raise ValueError(f"The objective must be one of: {', '.join(KINDS)}.")
        if len(self.zoom) > MAX_ROUNDS - 1:
            raise ValueError(f"At most {MAX_ROUNDS} rounds of coarse to fine.")
        object.__setattr__(self, "zoom", tuple(_checked(box) for box in self.zoom))

    @property
    def axes(self) -> tuple[Axis, Axis]:
        key = self.run.optimizers[0][0]
        return default_axis(key, self.x), default_axis(key, self.y)

    def to_query(self) -> dict[str, str]:
        query = self.run.to_query() | {
            "hx": self.x,
            "hy": self.y,
            "n": str(self.budget),
            "obj": self.kind,
        }
        if self.zoom:
            query["zoom"] = ";".join(_box_text(box) for box in self.zoom)
        return query

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> "SearchConfig":
        reject_unknown(query, QUERY_KEYS | SEARCH_KEYS)
        run = RunConfig.from_query({k: v for k, v in query.items() if k in QUERY_KEYS})
        budget = query.get("n", "9")
        if not budget.isdigit():
            raise ValueError(f"The budget must be a whole number, not {budget[:20]!r}.")
        zoom = tuple(_box(text) for text in query.get("zoom", "").split(";") if text)
        return cls(
            run,
            query.get("hx", ""),
            query.get("hy", ""),
            int(budget),
            query.get("obj", "final"),
            zoom,
        )


def _checked(box: Box | None) -> Box | None:
    if box is None:
        return None
    (u0, u1), (v0, v1) = box
    if not all(math.isfinite(v) for v in (u0, u1, v0, v1)):
        raise ValueError("A zoom box is not finite.")
    if not (0 <= u0 < u1 <= 1 and 0 <= v0 < v1 <= 1):
        raise ValueError("A zoom box must lie inside the searched square.")
    return (float(u0), float(u1)), (float(v0), float(v1))


def _box(text: str) -> Box | None:
    if text == "auto":
        return None
    parts = text.split(",")
    if len(parts) != 4:
        raise ValueError(f"A zoom box is four numbers u0,u1,v0,v1 or 'auto', not {text[:40]!r}.")
    try:
        u0, u1, v0, v1 = (float(part) for part in parts)
    except ValueError:
        raise ValueError(f"A zoom box is four numbers, not {text[:40]!r}.") from None
    return (u0, u1), (v0, v1)


def _box_text(box: Box | None) -> str:
    return "auto" if box is None else ",".join(repr(v) for pair in box for v in pair)
