"""The initialization and normalization page: its config and link, controls, cached engine calls
and the sections below the main chart.

Link format (`InitNormConfig.to_query`), one string per key::

    depth=20  width=256  act=tanh  init=xavier  sigma=1.0  norm=none  cmp=none  seed=0
    train=0  mom=0.9  B=8  eta=0.9

Absent keys take the defaults; an unknown or malformed key is refused with a readable message.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np
import streamlit as st

from networks import normalization as bn
from networks.mlp import ACTIVATIONS, INITIALIZERS, MAX_DEPTH, MAX_WIDTH, NORMS, NetConfig
from networks.statistics import SYMMETRY_NET, statistics, symmetry
from networks.train import Run, TrainConfig, train
from optimizers.params import Params
from optimizers.run_config import finite_float
from ui import headings
from ui.cached import background
from ui.charts import drawn_once, live_chart, live_charts
from ui.sliders import log_options, number
from ui.tables import static_table
from viz import init_norm as figures

WIDTHS = (16, 32, 64, 128, 256)
BATCH = 1024
CLASSES = 10
TRAIN_WIDTH, TRAIN_STEPS, TRAIN_RATE, TRAIN_POINTS, TRAIN_BATCH = 32, 300, 0.2, 400, 32
TABLE_UNITS, SHIFT, SCALE, GAMMA, BETA, AVERAGE_STEPS = 4, 3.0, 2.0, 1.5, -0.5, 100
RACE_STEPS = 30
BLOCK, DENSE, CHOSEN = (4, 6, 2, 2), (6, 8), (1, 2, 0, 1)
MAX_SEED = 2**31 - 1
MAX_VALUE_LENGTH = 100
NAMES = {
    "zeros": "zeros",
    "normal": "normal(σ)",
    "xavier": "Xavier",
    "he": "He",
    "orthogonal": "orthogonal",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "ReLU",
    "leaky_relu": "leaky ReLU",
    "elu": "ELU",
    "none": "none",
    "batch": "batch norm",
    "layer": "layer norm",
}
QUERY = {  # link key → field
    "depth": "depth",
    "width": "width",
    "act": "activation",
    "init": "init",
    "sigma": "sigma",
    "norm": "norm",
    "cmp": "compare",
    "seed": "seed",
    "train": "train",
    "mom": "momentum",
    "B": "batch",
    "eta": "rate",
}
ss = st.session_state


def _whole(value, what: str, lo: int, hi: int) -> int:
    number_ = math.nan if isinstance(value, bool) else finite_float(value, what)
    if not (number_ == math.floor(number_) and lo <= number_ <= hi):
        raise ValueError(f"{what} must be a whole number from {lo} to {hi}, not {value!r}.")
    return int(number_)


@dataclass(frozen=True)
class InitNormConfig:
    """The page's state: the network whose statistics are shown (`depth`, `width`, `activation`,
    `init`, `sigma` = σ of normal(σ) or the gain of the others, `norm`), an initialization to
    `compare` with ("none" or a key), the draw's `seed`, whether to `train` the net with and
    without batch norm, batch norm's running-average `momentum` and batch size `batch`, and the
    SGD `rate` of the input-normalization race."""

    depth: int = 20
    width: int = 256
    activation: str = "tanh"
    init: str = "xavier"
    sigma: float = 1.0
    norm: str = "none"
    compare: str = "none"
    seed: int = 0
    train: bool = False
    momentum: float = 0.9
    batch: int = 8
    rate: float = 0.9

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "depth", _whole(self.depth, "The depth", 1, MAX_DEPTH))
        set_(self, "width", _whole(self.width, "The width", 2, MAX_WIDTH))
        set_(self, "seed", _whole(self.seed, "The seed", 0, MAX_SEED))
        set_(self, "batch", _whole(self.batch, "The batch size B", 2, 256))
        for name, what, lo, hi in (
            ("sigma", "σ", 0.0, 10.0),
            ("momentum", "The momentum", 0.0, 0.999),
            ("rate", "The rate η", 0.0, 1.5),
        ):
            value = finite_float(getattr(self, name), what)
            closed = name == "momentum"
            if not (lo <= value <= hi and (closed or value > lo)):
                raise ValueError(f"{what} must be in {'[' if closed else '('}{lo:g}, {hi:g}].")
            set_(self, name, value)
        if self.compare not in ("none", *INITIALIZERS):
            raise ValueError(
                f"Unknown initialization to compare {self.compare!r}. Choose one of: "
                f"none, {', '.join(INITIALIZERS)}."
            )
        set_(self, "train", bool(self.train))
        self.net  # noqa: B018  (NetConfig checks the activation, initialization and norm)

    @property
    def net(self) -> NetConfig:
        return NetConfig(
            depth=self.depth,
            width=self.width,
            activation=self.activation,
            init=self.init,
            norm=self.norm,
            init_scale=self.sigma,
        )

    def training(self, norm: str) -> TrainConfig:
        """The same depth, activation and initialization, TRAIN_WIDTH wide, on the moons."""
        net = self.net.replace(width=TRAIN_WIDTH, norm=norm)
        run = Run("sgd", Params({"learning_rate": TRAIN_RATE}), None, TRAIN_BATCH)
        return TrainConfig("moons", TRAIN_POINTS, net=net, runs=(run,), steps=TRAIN_STEPS)

    def to_query(self) -> dict[str, str]:
        out = {}
        for key, name in QUERY.items():
            value = getattr(self, name)
            out[key] = str(int(value)) if isinstance(value, bool) else str(value)
        return out

    @classmethod
    def from_query(cls, query: Mapping[str, object]) -> "InitNormConfig":
        """The config a link describes, or a ValueError a user can read."""
        text = {
            key: value[-1] if isinstance(value, list) else value for key, value in query.items()
        }
        unknown = sorted(set(text) - set(QUERY))
        if unknown:
            raise ValueError(
                f"The link has an unknown key {unknown[0]!r} (known: {', '.join(QUERY)})."
            )
        if "train" in text and text["train"] not in ("0", "1"):
            raise ValueError(f"train= is 0 or 1, not {str(text['train'])[:40]!r}.")
        for key, value in text.items():
            if len(str(value)) > MAX_VALUE_LENGTH:
                raise ValueError(f"The link's {key!r} is too long.")
        values = {QUERY[key]: str(value) for key, value in text.items()}
        if "train" in values:
            values["train"] = values["train"] == "1"
        return cls(**values)


FIELDS = [f.name for f in fields(InitNormConfig)]


def load(config: InitNormConfig) -> None:
    for name in FIELDS:
        ss[f"in.{name}"] = getattr(config, name)


def current() -> InitNormConfig:
    return InitNormConfig(**{name: ss[f"in.{name}"] for name in FIELDS})


def net_controls(container):
    """The network's controls in their order; returns the empty box where σ goes (the page's
    fragment draws it there, with what it changes)."""
    container.slider("hidden layers L", 1, MAX_DEPTH, key="in.depth")
    container.select_slider("units per layer", sorted({*WIDTHS, ss["in.width"]}), key="in.width")
    left, right = container.columns(2)
    left.selectbox("activation φ", list(ACTIVATIONS), key="in.activation", format_func=NAMES.get)
    right.selectbox("initialization", list(INITIALIZERS), key="in.init", format_func=NAMES.get)
    sigma_box = container.container()
    container.selectbox("normalization before φ", NORMS, key="in.norm", format_func=NAMES.get)
    container.selectbox(
        "compare with (dashed)",
        ["none", *INITIALIZERS],
        key="in.compare",
        format_func=lambda k: NAMES[k] if k != "none" else "nothing",
    )
    container.number_input("seed (weights and inputs)", 0, MAX_SEED, key="in.seed")
    container.toggle("train it, with and without batch norm", key="in.train")
    return sigma_box


def sigma_slider(container) -> None:
    label = "σ of normal(σ)" if ss["in.init"] == "normal" else "gain (× the initializer)"
    options = log_options(0.01, 10.0, ss["in.sigma"])
    container.select_slider(label, options, key="in.sigma", format_func=number)


def statistics_of(config: InitNormConfig):
    """The net's statistics; with zero initialization σ (a gain on zeros) changes nothing, so
    every σ shares one pass."""
    net = config.net.replace(init_scale=1.0) if config.init == "zeros" else config.net
    return layer_statistics(net, config.seed)


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs={InitNormConfig: repr})
def statistics_figure(config: InitNormConfig, net_text: str, name: str, other_name: str) -> dict:
    """The main figure's dict, once per picture (shared, never changed)."""
    return figures.layer_statistics_figure(
        statistics_of(config), name, compared(config), other_name, net_text
    )


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs={NetConfig: repr})
def layer_statistics(net: NetConfig, seed: int):
    """`statistics` of the net on BATCH inputs of dimension `net.width`, one jitted pass."""
    return statistics(net, net.width, BATCH, CLASSES, seed)


def compared(config: InitNormConfig):
    if config.compare == "none":
        return None
    return layer_statistics(config.net.replace(init=config.compare, init_scale=1.0), config.seed)


@st.cache_resource(max_entries=4, show_spinner=False)
def symmetry_pair():
    return symmetry(SYMMETRY_NET), symmetry(SYMMETRY_NET.replace(init="xavier"))


@st.cache_resource(max_entries=16, show_spinner=False, hash_funcs={TrainConfig: repr})
def trained(config: TrainConfig):
    return train(config)


@st.cache_resource(max_entries=32, show_spinner=False)
def mismatch(momentum: float):
    return bn.train_inference_mismatch(momentum=momentum)


@st.cache_resource(max_entries=32, show_spinner=False)
def batch_numbers(batch: int, momentum: float, seed: int):
    """One layer's pre-activations x ~ N(SHIFT, SCALE²) [batch, TABLE_UNITS], its batch-norm
    step, and the running mean of unit 1 over AVERAGE_STEPS batches like it."""
    rng = np.random.default_rng(seed)
    x = (SHIFT + SCALE * rng.standard_normal((batch, TABLE_UNITS))).astype(np.float32)
    step = bn.batch_norm(x, GAMMA, BETA)
    means = (SHIFT + SCALE * rng.standard_normal((AVERAGE_STEPS, batch))).mean(axis=1)
    running = np.asarray(bn.running_averages(0.0, means, momentum))
    return x, jax_free(step), means, running


def jax_free(step) -> dict:
    return {k: np.asarray(v) for k, v in step._asdict().items()}


@st.cache_resource(max_entries=32, show_spinner=False)
def races(rate: float):
    out = []
    for make in (bn.rescaled_ravine, bn.correlated_quadratic):
        r = make()
        before, after = bn.race(r, rate, steps=RACE_STEPS)
        out.append(
            (r, before.points[0, 0], after.points[0, 0], before.loss[0, 0], after.loss[0, 0])
        )
    return out


@st.cache_resource(max_entries=1, show_spinner=False)
def symmetry_chart() -> dict:
    """The symmetry figure's dict, built once (plotly.py takes ≈ 60 ms; shared, never changed)."""
    return drawn_once(figures.symmetry_figure(*symmetry_pair()))


def show_symmetry() -> None:
    headings.subheader("All zeros: two units of one layer over training")
    live_chart(symmetry_chart(), "in.symmetry", name="symmetry")
    st.caption(
        "A 2-8-8-2 sigmoid net trained by SGD on the moons; unit 1's two incoming weights solid, "
        "unit 2's dotted on top. From W = 0 both units get the same gradient at every step."
    )


def show_training(config: InitNormConfig) -> None:
    headings.subheader("Training the same net, with and without batch norm")
    with st.spinner("Training both nets…"):
        runs = [trained(config.training(norm)) for norm in ("none", "batch")]
    rescue = figures.rescue_figure(runs, ["no normalization", "batch norm"])
    live_chart(rescue, "in.rescue", name="rescue")
    st.caption(
        f"{config.depth} {NAMES[config.activation]} layers of {TRAIN_WIDTH} units (narrower than "
        f"above, to train live), {NAMES[config.init]} with σ = {config.sigma:g}; SGD η = "
        f"{TRAIN_RATE}, B = {TRAIN_BATCH}, {TRAIN_STEPS} steps on {TRAIN_POINTS} points of the "
        "moons, some held out for validation. Batch norm sits before every activation."
    )


@st.cache_resource(max_entries=32, show_spinner=False)
def batch_statistics_chart(batch: int, momentum: float, seed: int) -> dict:
    """The running averages' figure dict, once per setting (shared, never changed)."""
    _, _, means, running = batch_numbers(batch, momentum, seed)
    return drawn_once(
        figures.batch_statistics_figure(means, running, SHIFT, momentum, mismatch(momentum), batch)
    )


def show_batch_norm(config: InitNormConfig) -> None:
    headings.header("Batch normalization, in training and at inference")
    left, right = st.columns([2, 3])
    for formula in (
        r"\mu_B = \tfrac{1}{B}\textstyle\sum_{i=1}^{B} x_i\;",  # \; keeps x_i inside its box
        r"\sigma_B^2 = \tfrac{1}{B}\textstyle\sum_{i=1}^{B} (x_i - \mu_B)^2",
        r"\hat x_i = \dfrac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \varepsilon}}",
        r"y_i = \gamma\,\hat x_i + \beta",
    ):
        left.latex(formula)
    sizes = sorted({2, 4, 8, 16, 32, 64, 128, 256, ss["in.batch"]})
    right.select_slider("batch size B", sizes, key="in.batch")
    x, step, _, _ = batch_numbers(config.batch, config.momentum, config.seed)
    static_table(
        [
            {
                "unit": j + 1,
                "batch mean μ": f"{step['mean'][j]:.3f}",
                "batch variance σ²": f"{step['var'][j]:.3f}",
                "x₁": f"{x[0, j]:.3f}",
                "x̂₁": f"{step['x_hat'][0, j]:.3f}",
                "y₁": f"{step['y'][0, j]:.3f}",
                "mean of y": f"{step['y'][:, j].mean():.3f}",
                "std of y": f"{step['y'][:, j].std():.3f}",
            }
            for j in range(TABLE_UNITS)
        ],
        right,
    )
    right.caption(
        f"One layer, {TABLE_UNITS} units, a batch of B = {config.batch} pre-activations x drawn "
        f"around {SHIFT:g} with spread {SCALE:g}; ε = 10⁻⁵, and say training has set "
        f"γ = {GAMMA:g}, β = {BETA:g}: every unit's y has mean β and standard deviation γ."
    )
    st.markdown(
        "**Training** normalizes with the batch's own $\\mu_B$ and $\\sigma^2_B$, so an "
        "example's output depends on the others in its batch. **Inference** uses running "
        "averages kept during training, one fixed map per unit:"
    )
    st.latex(
        r"r_\mu \leftarrow m\,r_\mu + (1-m)\,\mu_B, \qquad "
        r"r_{\sigma^2} \leftarrow m\,r_{\sigma^2} + (1-m)\,\sigma_B^2\;"
    )
    st.latex(r"y = \gamma\,\frac{x - r_\mu}{\sqrt{r_{\sigma^2} + \varepsilon}} + \beta")
    st.slider("momentum m of the running averages", 0.0, 0.999, key="in.momentum", step=0.001)
    figure = batch_statistics_chart(config.batch, config.momentum, config.seed)
    live_chart(figure, "in.batch_statistics", name="batch_statistics")
    st.caption(
        "Left: a small m follows each noisy $\\mu_B$; m close to 1 smooths them but needs many "
        "steps to forget r₀ = 0. Right: $\\mu_B$ of B examples wanders by about σ/√B, so with "
        "small batches training-mode outputs differ from what the network computes at inference."
    )


@st.cache_resource(max_entries=1, show_spinner=False)
def axes_charts() -> tuple[dict, dict]:
    """The two drawings of which values share μ and σ² (a conv block, an MLP's), built once."""
    groups = 3
    panels = [
        (title, bn.shared_statistics(kind, BLOCK, CHOSEN, g), CHOSEN)
        for title, kind, g in (
            ("batch norm: N, H, W", "batch", 1),
            ("layer norm: C, H, W", "layer", 1),
            ("instance norm: H, W", "instance", 1),
            (f"group norm, G = {groups}: C/G, H, W", "group", groups),
        )
    ]
    dense = [
        (title, bn.shared_statistics(kind, DENSE, CHOSEN[:2]), CHOSEN[:2])
        for title, kind in (
            ("MLP [N, C], batch norm", "batch"),
            ("MLP [N, C], layer norm", "layer"),
        )
    ]
    return drawn_once(figures.axes_figure(panels, 2)), drawn_once(figures.axes_figure(dense, 2))


def show_axes() -> None:
    headings.header("Batch, layer, instance, group norm: which values share μ and σ²")
    n, c = BLOCK[:2]
    block, mlp = axes_charts()
    live_charts([(block, "norm_axes"), (mlp, "norm_axes_mlp")], "in.norm_axes")
    st.caption(
        f"A block of N = {n} examples × C = {c} channels × H·W = {BLOCK[2] * BLOCK[3]} positions; "
        "dark: one value, shaded: the values averaged with it. Batch norm needs the batch, the "
        "others normalize each example on its own (so they behave the same for a batch of 1)."
    )


@st.cache_resource(max_entries=32, show_spinner=False)
def race_charts(rate: float) -> list[dict]:
    """Each input-normalization race's figure dict, once per rate (shared, never changed)."""
    charts = []
    for r, before, after, _, _ in races(rate):
        grids = (background(r.before), background(r.after))
        domains = tuple(g_domain(g) for g in grids)
        titles = (f"before: κ = {r.condition_before:.0f}", f"after: κ = {r.condition_after:.0f}")
        label = f"SGD, η = {rate:g}, {RACE_STEPS} steps"
        charts.append(
            drawn_once(figures.reparam_figure(grids, domains, (before, after), titles, label))
        )
    return charts


def show_input_normalization(config: InitNormConfig) -> None:
    headings.header("Input normalization: round contours")
    st.slider("SGD rate η (both runs)", 0.05, 1.0, key="in.rate", step=0.05)
    for (r, _, _, loss_before, loss_after), figure in zip(
        races(config.rate), race_charts(config.rate), strict=True
    ):
        live_chart(figure, f"in.reparam.{r.name}")
        st.caption(
            f"{INPUT_TEXT[r.name]} After {RACE_STEPS} steps f = {loss_before[-1]:.2g} before, "
            f"{loss_after[-1]:.2g} after."
        )


def g_domain(grid) -> tuple:
    return (float(grid.xs[0]), float(grid.xs[-1])), (float(grid.ys[0]), float(grid.ys[-1]))


INPUT_TEXT = {
    "rescaled ravine": "The ravine x²/20 + y² has curvatures 1/10 and 2 (condition number 20): "
    "SGD's rate must suit the steep y, so it crawls along x. Standardizing the feature, "
    "x' = x/√20, gives x'² + y²: curvature 2 in both directions, and the same rate heads "
    "straight for the minimum.",
    "whitened quadratic": "½ wᵀΣw with correlated inputs, Σ = [[1, 0.9], [0.9, 1]]: the "
    "valley runs diagonally (eigenvalues 0.1 and 1.9, κ = 19). PCA whitening, w' = Λ^½ Uᵀ w, "
    "rotates it onto the axes and rescales both: ½|w'|², κ = 1.",
}
