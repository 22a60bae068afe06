"""`LabConfig`: the learning-rate lab's runs, and their round trip through a link.

The lab races up to `MAX_RUNS` single-optimizer runs that share landscape, start, steps, noise
and seed (so they see the same noise). Link format: run 1's `RunConfig.to_query()`, and for each
further run i a key ``r<i>`` holding, URL-encoded, the keys where run i differs from run 1
('' for a key run 1 has and run i does not)::

    land=ravine&opt=sgd(learning_rate=0.5)&…&r1=sched%3Dstep(factor%3D0.5,every%3D50.0)
"""

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from optimizers.run_config import QUERY_KEYS, RunConfig, reject_unknown

MAX_RUNS = 5
SHARED = ("land", "start", "steps", "noise", "seed")
RUN_KEYS = tuple(f"r{i}" for i in range(1, MAX_RUNS))


@dataclass(frozen=True)
class LabConfig:
    """The lab's runs: one optimizer and one start each, everything in `SHARED` in common."""

    runs: tuple[RunConfig, ...]

    def __post_init__(self):
        runs = tuple(self.runs)
        if not 1 <= len(runs) <= MAX_RUNS:
            raise ValueError(f"The lab races 1 to {MAX_RUNS} runs, not {len(runs)}.")
        if any(len(c.optimizers) != 1 or len(c.starts) != 1 for c in runs):
            raise ValueError("Each run of the lab has one optimizer and one start.")
        first = runs[0].to_query()
        for i, run in enumerate(runs[1:], start=2):
            query = run.to_query()
            if any(query.get(key) != first.get(key) for key in SHARED):
                raise ValueError(f"Run {i} changes a setting all runs share ({', '.join(SHARED)}).")
        object.__setattr__(self, "runs", runs)

    def to_query(self) -> dict[str, str]:
        base = self.runs[0].to_query()
        link = dict(base)
        for i, run in enumerate(self.runs[1:], start=1):
            query = run.to_query()
            diff = {k: v for k, v in query.items() if base.get(k) != v}
            diff |= {k: "" for k in base.keys() - query.keys()}
            link[f"r{i}"] = urlencode(sorted(diff.items()))
        return link

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> "LabConfig":
        """The runs a link describes, or a ValueError that says what is wrong."""
        reject_unknown(query, QUERY_KEYS | set(RUN_KEYS))
        base = {k: v for k, v in query.items() if k in QUERY_KEYS}
        runs = [RunConfig.from_query(base)]
        for i, key in enumerate(RUN_KEYS, start=2):
            if key not in query:
                break
            diff = dict(parse_qsl(query[key], keep_blank_values=True))
            reject_unknown(diff, QUERY_KEYS)
            if set(diff) & set(SHARED):
                raise ValueError(f"Run {i} of the link changes a setting all runs share.")
            merged = {k: v for k, v in (base | diff).items() if v != ""}
            runs.append(RunConfig.from_query(merged))
        extra = [key for key in RUN_KEYS[len(runs) - 1 :] if key in query]
        if extra:
            raise ValueError(f"The link's {extra[0]!r} follows a missing run.")
        return cls(tuple(runs))
