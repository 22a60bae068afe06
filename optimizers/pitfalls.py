"""`PitfallConfig`: one picture of Adam's weaknesses, its link, and the one engine call behind it.

Seven parts, each a small exact construction run by the catalogue's optax transforms:

- ``reddi``: Reddi et al. 2018 §3, f_t(x) = C·x on every third step, −x otherwise, x ∈ [−1, 1];
- ``reddi_online`` / ``reddi_stochastic``: their §5 versions (1010x once in 101 steps, else
  −10x; or 1010x with probability 0.01), α/√t, up to 10⁶ steps on a log axis;
- ``wilson``: Wilson et al. 2017's least squares, where Adam and RMSProp generalise worse than GD;
- ``swats``: Keskar & Socher 2017, Adam that switches to SGD once its steps reveal a rate;
- ``adagrad_stall``: AdaGrad's effective rate η/√G_t keeps shrinking, RMSProp's settles;
- ``adam_cycle``: Adam hovers around the minimum of x² instead of settling (Bock & Weiß 2019).

Link format: ``part``, ``C`` (the §3 gradient), ``b1``, ``b2``, ``lr``, ``rate`` (``const`` or
``sqrt`` for α/√t), ``steps``, ``seed``, ``n`` (Wilson's training samples), ``switch``
(SWATS's ε) and ``land`` (the landscape of SWATS and the effective rates).
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

import landscapes
from optimizers.effective_rate import adam_hover, effective_rates
from optimizers.least_squares import draw_labels, run_least_squares
from optimizers.online import ONLINE, STOCHASTIC, OnlineProblem, run_online
from optimizers.run_config import finite_float, reject_unknown
from optimizers.spec import Hyperparam
from optimizers.swats import run_swats

PARTS = (
    "reddi",
    "reddi_online",
    "reddi_stochastic",
    "wilson",
    "swats",
    "adagrad_stall",
    "adam_cycle",
)
ONLINE_PARTS = ("reddi", "reddi_online", "reddi_stochastic")
MAX_ONLINE_STEPS = 1_000_000
MAX_STEPS = 20_000
TEST_POINTS = 200
LANDSCAPES = ("ravine", "rosenbrock", "bowl", "himmelblau")
ONLINE_RUNS = ("sgd", "adam", "amsgrad_reddi", "amsgrad")
ADAPTIVE_RUNS = ONLINE_RUNS[1:]  # §5's rate 1010·0.5/√t throws SGD from wall to wall
WILSON_RUNS = ("sgd", "adam", "rmsprop")
SETTINGS = {
    "big": Hyperparam(
        "big",
        3.0,
        1.0,
        20.0,
        symbol="C",
        words="rare gradient",
        help="The gradient of every third step; the others have −1.",
    ),
    "b1": Hyperparam("b1", 0.0, 0.0, 0.999, symbol="β₁", help="Decay of the gradient's mean."),
    "b2": Hyperparam(
        "b2",
        0.1,
        0.01,
        0.9999,
        symbol="β₂",
        scale="log1m",
        help="Decay of the squared gradient's mean (RMSProp's ρ).",
    ),
    "learning_rate": Hyperparam(
        "learning_rate",
        0.1,
        1e-4,
        10.0,
        symbol="η",
        scale="log",
        words="learning rate",
        help="The rate α (or α/√t).",
    ),
    "switch_eps": Hyperparam(
        "switch_eps",
        1e-3,
        1e-8,
        1.0,
        symbol="ε",
        scale="log",
        words="switch when within",
        help="SWATS switches when |λ/(1 − β₂ᵏ) − γ| < ε.",
    ),
}
"""The real-valued settings as hyperparameter records: their ranges, symbols and sliders."""
COUNTS = {"steps": (1, MAX_ONLINE_STEPS), "seed": (0, 2**31 - 1), "samples": (2, 50)}
LINK = {
    "part": "part",
    "C": "big",
    "b1": "b1",
    "b2": "b2",
    "lr": "learning_rate",
    "rate": "inverse_sqrt",
    "steps": "steps",
    "seed": "seed",
    "n": "samples",
    "switch": "switch_eps",
    "land": "landscape",
}
USES = {
    "reddi": ("big", "b1", "b2", "learning_rate", "inverse_sqrt", "steps"),
    "reddi_online": ("b1", "b2", "learning_rate", "inverse_sqrt", "steps"),
    "reddi_stochastic": ("b1", "b2", "learning_rate", "inverse_sqrt", "steps", "seed"),
    "wilson": ("b1", "b2", "learning_rate", "steps", "samples", "seed"),
    "swats": ("landscape", "b1", "b2", "learning_rate", "switch_eps", "steps"),
    "adagrad_stall": ("landscape", "learning_rate", "steps"),
    "adam_cycle": ("b1", "b2", "learning_rate", "steps"),
}
"""The settings each part reads (and the page shows)."""


@dataclass(frozen=True)
class PitfallConfig:
    """What one picture runs; each part reads the fields it needs (`part`'s docstring above)."""

    part: str = "reddi"
    big: float = 3.0
    b1: float = 0.0
    b2: float = 0.1
    learning_rate: float = 0.1
    inverse_sqrt: bool = False
    steps: int = 2000
    seed: int = 0
    samples: int = 3
    switch_eps: float = 1e-3
    landscape: str = "rosenbrock"

    def __post_init__(self):
        if self.part not in PARTS:
            raise ValueError(f"The part must be one of: {', '.join(PARTS)}.")
        if self.landscape not in LANDSCAPES:
            raise ValueError(f"The landscape must be one of: {', '.join(LANDSCAPES)}.")
        for name, h in SETTINGS.items():
            value = finite_float(getattr(self, name), h.label)
            if not h.min <= value <= h.max:
                raise ValueError(f"{h.label} must lie in [{h.min:g}, {h.max:g}], not {value:g}.")
            object.__setattr__(self, name, value)
        for name, (low, high) in COUNTS.items():
            value = finite_float(getattr(self, name), name)
            if value != math.floor(value) or not low <= value <= high:
                raise ValueError(f"{name} must be a whole number from {low} to {high:,}.")
            object.__setattr__(self, name, int(value))
        object.__setattr__(self, "inverse_sqrt", bool(self.inverse_sqrt))
        if self.part not in ONLINE_PARTS and self.steps > MAX_STEPS:
            raise ValueError(f"This part runs at most {MAX_STEPS:,} steps.")

    def replace(self, **changes) -> "PitfallConfig":
        return replace(self, **changes)

    def to_query(self) -> dict[str, str]:
        query = {key: str(getattr(self, name)) for key, name in LINK.items()}
        query |= {key: repr(getattr(self, name)) for key, name in LINK.items() if name in SETTINGS}
        return query | {"rate": "sqrt" if self.inverse_sqrt else "const"}

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> "PitfallConfig":
        reject_unknown(query, frozenset(LINK))
        if query.get("rate", "const") not in ("const", "sqrt"):
            raise ValueError("rate= is 'const' or 'sqrt'.")
        values = {LINK[key]: text for key, text in query.items()}
        values["inverse_sqrt"] = query.get("rate") == "sqrt"
        return cls(**values)


def online_runs(config: PitfallConfig) -> tuple[str, ...]:
    """SGD, Adam and both AMSGrads on §3's problem; the adaptive three on §5's."""
    return ONLINE_RUNS if config.part == "reddi" else ADAPTIVE_RUNS


def online_problem(config: PitfallConfig) -> OnlineProblem:
    if config.part == "reddi":
        return OnlineProblem(big=config.big, small=1.0, period=3)
    return ONLINE if config.part == "reddi_online" else STOCHASTIC


def _settings(config: PitfallConfig, key: str) -> tuple[str, dict]:
    """The config's rate for every optimizer, its β₁ and β₂ for Adam's family (β₂ is RMSProp's
    decay ρ)."""
    settings = {"learning_rate": config.learning_rate}
    if key == "rmsprop":
        settings["decay"] = config.b2
    elif key != "sgd":
        settings |= {"b1": config.b1, "b2": config.b2}
    return key, settings


def run_pitfall(config: PitfallConfig):
    """The engine call behind the picture: a run of the part's construction."""
    if config.part in ONLINE_PARTS:
        runs = tuple(_settings(config, key) for key in online_runs(config))
        return run_online(
            online_problem(config),
            runs,
            config.steps,
            inverse_sqrt=config.inverse_sqrt,
            seed=config.seed,
            spacing="linear" if config.part == "reddi" else "log",
        )
    if config.part == "wilson":
        labels = draw_labels(config.samples, config.seed)
        tests = draw_labels(TEST_POINTS, config.seed + 1)
        runs = tuple(_settings(config, key) for key in WILSON_RUNS)
        return run_least_squares(runs, labels, tests, config.steps)
    if config.part == "swats":
        return run_swats(
            config.landscape,
            _start(config.landscape),
            config.steps,
            learning_rate=config.learning_rate,
            b1=config.b1,
            b2=config.b2,
            switch_eps=config.switch_eps,
        )
    if config.part == "adagrad_stall":
        rate = {"learning_rate": config.learning_rate}
        return effective_rates(
            (("adagrad", rate), ("rmsprop", rate)), config.steps, landscape=config.landscape
        )
    return adam_hover(config.steps, learning_rate=config.learning_rate, b1=config.b1, b2=config.b2)


def _start(landscape: str) -> tuple[float, float]:
    return landscapes.lookup(landscape).default_start
