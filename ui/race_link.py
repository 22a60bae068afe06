"""`RaceLink`: the race page's state — its RunConfig and how it is viewed — and its link.

Link format: `RunConfig.to_query()` plus the view: ``view`` (race or surface), ``basins=1``,
``inspect=<step>`` (the inspector open at that step), and the start pattern behind the starts:
``smode`` (one, ring, grid, listed), ``sx``, ``sy`` (the start or the ring's centre), ``sr`` (the
ring's radius), ``sn`` (starts on the ring or per grid side)::

    land=ravine&opt=sgd(learning_rate=0.95)&start=-7.0,2.0&steps=30&…&view=race&smode=one&sx=-7
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass

from optimizers.run_config import QUERY_KEYS, RunConfig, finite_float, reject_unknown

VIEWS = ("race", "surface")
START_MODES = ("one", "ring", "grid", "listed")
PATTERN_KEYS = ("sx", "sy", "sr", "sn")
VIEW_KEYS = frozenset({"view", "basins", "inspect", "smode", *PATTERN_KEYS})
MAX_ON_RING = 12


@dataclass(frozen=True)
class RaceLink:
    """The race page's config, view (`view`, `basins`, `inspect`: a step or None) and start
    pattern (`mode`, centre (`sx`, `sy`), radius `sr`, count `sn`; None: from the config)."""

    config: RunConfig
    view: str = "race"
    basins: bool = False
    inspect: int | None = None
    mode: str = "one"
    sx: float | None = None
    sy: float | None = None
    sr: float | None = None
    sn: int = 8

    def __post_init__(self):
        if self.view not in VIEWS:
            raise ValueError(f"The view must be one of: {', '.join(VIEWS)}.")
        if self.mode not in START_MODES:
            raise ValueError(f"The starts must be one of: {', '.join(START_MODES)}.")
        if not 2 <= self.sn <= MAX_ON_RING:
            raise ValueError(f"sn (starts on the ring) must be 2 to {MAX_ON_RING}.")
        if self.inspect is not None:
            object.__setattr__(self, "inspect", min(max(self.inspect, 0), self.config.steps - 1))

    @property
    def pattern(self) -> dict:
        """The start widgets' values; the centre defaults to the config's first start."""
        first = self.config.starts[0]
        pattern = {
            "mode": self.mode,
            "sn": self.sn,
            "sx": first[0] if self.sx is None else self.sx,
            "sy": first[1] if self.sy is None else self.sy,
        }
        return pattern | ({} if self.sr is None else {"sr": self.sr})

    def to_query(self) -> dict[str, str]:
        query = self.config.to_query() | {"view": self.view, "smode": self.mode}
        for name in PATTERN_KEYS:
            value = getattr(self, name)
            if value is not None:
                query[name] = repr(value)
        if self.basins:
            query["basins"] = "1"
        if self.inspect is not None:
            query["inspect"] = str(self.inspect)
        return query

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> "RaceLink":
        reject_unknown(query, QUERY_KEYS | VIEW_KEYS)
        config = RunConfig.from_query({k: v for k, v in query.items() if k in QUERY_KEYS})
        numbers = {
            name: finite_float(query[name], f"The link's {name}")
            for name in (*PATTERN_KEYS, "inspect")
            if name in query
        }
        for name in ("sn", "inspect"):
            if name in numbers and numbers[name] != math.floor(numbers[name]):
                raise ValueError(f"The link's {name} must be a whole number.")
        if query.get("basins", "0") not in ("0", "1"):
            raise ValueError("basins= is 0 or 1.")
        return cls(
            config,
            view=query.get("view", "race"),
            basins=query.get("basins") == "1",
            inspect=int(numbers["inspect"]) if "inspect" in numbers else None,
            mode=query.get("smode", "one"),
            sx=numbers.get("sx"),
            sy=numbers.get("sy"),
            sr=numbers.get("sr"),
            sn=int(numbers.get("sn", 8)),
        )
