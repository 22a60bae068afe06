"""`RunConfig`: everything that defines a run, validated, and its round trip through a URL.

Query format (one string per key, readable in a lecture link)::

    land=ravine
    opt=sgd(learning_rate=0.95),adam(learning_rate=0.3,b1=0.9,b2=0.999,eps=1e-08)
    start=-7.0,2.0;1.0,1.0
    steps=30  sched=cosine(decay_steps=100.0,alpha=0.0)  clip=5.0  noise=0.5  batch=8  seed=0
    noisy=1,0   (which optimizers get the gradient noise; absent: all)

Absent ``sched`` / ``clip`` mean off; absent ``noise``, ``batch``, ``seed``, ``steps`` and
``start`` take the defaults below. Keys this module does not own (a page's view options) are
left alone.
"""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

import landscapes
from optimizers.catalog import CATALOG as OPTIMIZERS
from optimizers.params import Params
from optimizers.schedules import CATALOG as SCHEDULES
from optimizers.spec import Hyperparam

MAX_STEPS = 5000
MAX_STARTS = 4096
MAX_OPTIMIZERS = 8
MAX_BATCH_SIZE = 4096
MAX_NOISE_STD = 1e3
MAX_COORDINATE = 1e6
MAX_QUERY_VALUE_LENGTH = 20_000

Settings = tuple[str, Params]

QUERY_KEYS = frozenset(
    {"land", "opt", "start", "steps", "sched", "clip", "noise", "batch", "seed", "noisy"}
)
"""The link keys a RunConfig owns."""

_CALL = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(([^()]*)\))?\s*$")


def finite_float(text: object, what: str) -> float:
    """`float(text)`, or a ValueError naming `what` when it is not a finite number."""
    try:
        value = float(text)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{what} must be a number, not {str(text)[:40]!r}.") from None
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, not {str(text)[:40]!r}.")
    return value


def checked_hyperparams(
    owner: str, specs: tuple[Hyperparam, ...], given: Mapping[str, object]
) -> Params:
    """Every hyperparameter of `specs`, defaults filled in, each finite and in range; a
    ValueError naming `owner` and the hyperparameter otherwise."""
    known = {h.name: h for h in specs}
    unknown = sorted(set(given) - set(known))
    if unknown:
        allowed = ", ".join(known) or "none"
        raise ValueError(f"{owner} has no hyperparameter {unknown[0]!r} (it has: {allowed}).")
    values = {}
    for h in specs:
        value = finite_float(given.get(h.name, h.default), f"{owner}'s {h.name}")
        if not h.min <= value <= h.max:
            raise ValueError(
                f"{owner}'s {h.name} = {value:g} is outside its range [{h.min:g}, {h.max:g}]."
            )
        values[h.name] = value
    return Params(values)


def whole_number(value: object, what: str, lo: int, hi: int) -> int:
    number = finite_float(value, what)
    if number != int(number) or not lo <= number <= hi:
        raise ValueError(f"{what} must be a whole number from {lo} to {hi}, not {value!r}.")
    return int(number)


@dataclass(frozen=True)
class RunConfig:
    """One picture's worth of runs: optimizers × starts on one landscape.

    `optimizers` is a tuple of (key, {hyperparameter: value}); a hyperparameter left out takes its
    spec's default. `schedule` is (key, {…}) or None. `clip_norm` clips the gradient's global norm
    (None = off). The gradient gets Gaussian noise of standard deviation noise_std/√batch_size,
    the minibatch model, for each optimizer whose `noisy` flag is set (empty: all of them), so
    that one race can put SGD with and without noise side by side. `starts` defaults to the
    landscape's own start.
    """

    landscape: str
    optimizers: tuple[Settings, ...]
    starts: tuple[tuple[float, float], ...] = ()
    steps: int = 100
    schedule: Settings | None = None
    clip_norm: float | None = None
    noise_std: float = 0.0
    batch_size: int = 1
    seed: int = 0
    noisy: tuple[bool, ...] = ()

    def __post_init__(self):
        land = landscapes.lookup(self.landscape)
        if not 1 <= len(self.optimizers) <= MAX_OPTIMIZERS:
            raise ValueError(f"Pick between 1 and {MAX_OPTIMIZERS} optimizers.")
        optimizers = tuple(_checked_optimizer(key, hp) for key, hp in self.optimizers)
        starts = tuple(
            (
                _coordinate(x, "the start's x"),
                _coordinate(y, "the start's y"),
            )
            for x, y in (self.starts or (land.default_start,))
        )
        if len(starts) > MAX_STARTS:
            raise ValueError(f"At most {MAX_STARTS} starts at once, not {len(starts)}.")
        schedule = None
        if self.schedule is not None:
            key, hp = self.schedule
            if key not in SCHEDULES:
                names = ", ".join(SCHEDULES)
                raise ValueError(f"Unknown schedule {key!r}. Choose one of: {names}.")
            schedule = (
                key,
                checked_hyperparams(SCHEDULES[key].name, SCHEDULES[key].hyperparams, hp),
            )
        clip = None
        if self.clip_norm is not None:
            clip = finite_float(self.clip_norm, "The clipping norm")
            if clip <= 0:
                raise ValueError(f"The clipping norm must be positive, not {clip:g}.")
        noise = finite_float(self.noise_std, "The gradient noise")
        if not 0 <= noise <= MAX_NOISE_STD:
            raise ValueError(
                f"The gradient noise must be in [0, {MAX_NOISE_STD:g}], not {noise:g}."
            )
        noisy = tuple(bool(flag) for flag in self.noisy) or (True,) * len(optimizers)
        if len(noisy) != len(optimizers):
            raise ValueError("Give one noise flag per optimizer.")
        set_ = object.__setattr__
        set_(self, "noisy", noisy)
        set_(self, "optimizers", optimizers)
        set_(self, "starts", starts)
        set_(self, "steps", whole_number(self.steps, "The number of steps", 1, MAX_STEPS))
        set_(self, "schedule", schedule)
        set_(self, "clip_norm", clip)
        set_(self, "noise_std", noise)
        set_(self, "batch_size", whole_number(self.batch_size, "The batch size", 1, MAX_BATCH_SIZE))
        set_(self, "seed", whole_number(self.seed, "The seed", 0, 2**31 - 1))

    @property
    def gradient_noise(self) -> float:
        """The noise's standard deviation per coordinate: σ/√B."""
        return self.noise_std / math.sqrt(self.batch_size)

    def replace(self, **changes) -> "RunConfig":
        return replace(self, **changes)

    def to_query(self) -> dict[str, str]:
        query = {
            "land": self.landscape,
            "opt": ",".join(format_call(key, hp) for key, hp in self.optimizers),
            "start": ";".join(f"{x!r},{y!r}" for x, y in self.starts),
            "steps": str(self.steps),
            "noise": repr(self.noise_std),
            "batch": str(self.batch_size),
            "seed": str(self.seed),
        }
        if self.schedule is not None:
            query["sched"] = format_call(*self.schedule)
        if self.clip_norm is not None:
            query["clip"] = repr(self.clip_norm)
        if not all(self.noisy):
            query["noisy"] = ",".join(str(int(flag)) for flag in self.noisy)
        return query

    @classmethod
    def from_query(cls, query: Mapping[str, object]) -> "RunConfig":
        """The config a link describes, or a ValueError whose message a user can read."""
        text = {key: last_value(value) for key, value in query.items()}
        for key, value in text.items():
            if len(value) > MAX_QUERY_VALUE_LENGTH:
                raise ValueError(f"The link's {key!r} is too long.")
        if "land" not in text or "opt" not in text:
            raise ValueError("The link names no landscape or no optimizer (land=…, opt=…).")
        starts = ()
        if text.get("start"):
            starts = tuple(_pair(item) for item in text["start"].split(";"))
        schedule = parse_call(text["sched"]) if text.get("sched") else None
        clip = text.get("clip") or None
        return cls(
            landscape=text["land"],
            optimizers=tuple(parse_call(item) for item in split_calls(text["opt"])),
            starts=starts,
            steps=text.get("steps", "100"),
            schedule=schedule,
            clip_norm=None if clip is None else finite_float(clip, "The clipping norm"),
            noise_std=text.get("noise", "0"),
            batch_size=text.get("batch", "1"),
            seed=text.get("seed", "0"),
            noisy=_flags(text["noisy"]) if text.get("noisy") else (),
        )


def reject_unknown(query: Mapping[str, object], known: frozenset[str]) -> None:
    """A ValueError naming the first key of a link that its page does not know."""
    unknown = sorted(set(query) - known)
    if unknown:
        raise ValueError(
            f"The link has a setting this page does not know: {unknown[0][:40]!r} "
            f"(it knows: {', '.join(sorted(known))})."
        )


def _checked_optimizer(key: object, hp: Mapping[str, object]) -> Settings:
    if key not in OPTIMIZERS:
        names = ", ".join(OPTIMIZERS)
        raise ValueError(f"Unknown optimizer {key!r}. Choose one of: {names}.")
    spec = OPTIMIZERS[key]
    return key, checked_hyperparams(spec.name, spec.hyperparams, hp)


def _coordinate(value: object, what: str) -> float:
    number = finite_float(value, what)
    if abs(number) > MAX_COORDINATE:
        raise ValueError(f"{what} = {number:g} is too far out (|x| ≤ {MAX_COORDINATE:g}).")
    return number


def format_call(key: str, hp: Mapping[str, float]) -> str:
    return f"{key}({','.join(f'{name}={value!r}' for name, value in hp.items())})"


def last_value(value: object) -> str:
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return str(value)


def split_calls(text: str) -> list[str]:
    """Split 'a(x=1,y=2),b()' at the commas outside parentheses."""
    parts, depth, current = [], 0, []
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def parse_call(text: str) -> Settings:
    match = _CALL.match(text)
    if not match:
        raise ValueError(f"Cannot read {text[:60]!r}: expected name(param=value,…).")
    name, body = match.group(1), match.group(2) or ""
    values = {}
    for item in filter(None, (part.strip() for part in body.split(","))):
        param, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"Cannot read {item[:40]!r} in {name}: expected param=value.")
        values[param.strip()] = finite_float(value.strip(), f"{name}'s {param.strip()}")
    return name, values


def _flags(text: str) -> tuple[bool, ...]:
    flags = text.split(",")
    if any(flag not in ("0", "1") for flag in flags):
        raise ValueError(f"noisy= lists 0 or 1 per optimizer, not {text[:40]!r}.")
    return tuple(flag == "1" for flag in flags)


def _pair(text: str) -> tuple[float, float]:
    parts = text.split(",")
    if len(parts) != 2:
        raise ValueError(f"A start is two numbers x,y, not {text[:40]!r}.")
    return _coordinate(parts[0], "the start's x"), _coordinate(parts[1], "the start's y")
