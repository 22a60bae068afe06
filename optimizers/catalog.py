r"""The optimizers as data: one `OptimizerSpec` per method, built with optax where it has it.

Hyperparameters carry optax's own keyword names, so ``optax.adam(**spec.defaults())`` works for
every spec backed by optax. The update rules follow optax's conventions (e.g. momentum
accumulates raw gradients and the learning rate multiplies the result, as in ``optax.trace``).
Notation: g_t = ∇f(x_t), η the learning rate, products and powers elementwise.

Papers: Polyak 1964 (momentum); Nesterov 1983, Sutskever et al. 2013 (Nesterov momentum);
Duchi et al. 2011 (AdaGrad); Tieleman & Hinton 2012 (RMSProp); Zeiler 2012 (Adadelta);
Kingma & Ba 2015 (Adam); Dozat 2016 (Nadam); Reddi et al. 2018 (AMSGrad);
Loshchilov & Hutter 2019 (AdamW); Chen et al. 2023 (Lion); Dauphin et al. 2014 (saddle-free Newton).
"""

import numpy as np
import optax

from optimizers import extra
from optimizers.spec import Hyperparam, OptimizerSpec


def _lr(default: float, lo: float = 1e-5, hi: float = 10.0, why: str = "") -> Hyperparam:
    return Hyperparam(
        "learning_rate",
        default,
        lo,
        hi,
        symbol="η",
        scale="log",
        words="learning rate",
        help=f"Step size η.{why}",
        search=(max(lo, 1e-4), hi),
    )


def _decay(name: str, symbol: str, default: float, lo: float, hi: float, help_: str):
    """A decay rate β near 1, searched through 1 − β on a log scale over β ∈ [0.5, 0.999]."""
    return Hyperparam(
        name,
        default,
        lo,
        hi,
        symbol=symbol,
        scale="log1m",
        help=help_,
        search=(max(lo, 0.5), min(hi, 0.999)),
    )


def _eps(default: float, help_: str) -> Hyperparam:
    return Hyperparam("eps", default, 1e-10, 1.0, symbol="ε", scale="log", help=help_)


def _weight_decay(default: float) -> Hyperparam:
    return Hyperparam(
        "weight_decay",
        default,
        0.0,
        1.0,
        symbol="λ",
        words="weight decay",
        help="Decoupled pull towards 0.",
    )


ADAM_RATE_NOTE = (
    " Tuned for these 2-D landscapes: Kingma & Ba suggest 0.001, a rate made for networks"
    " with many weights."
)
MOMENTUM = _decay("momentum", "μ", 0.9, 0.0, 0.999, "How much velocity is kept.")
B1 = _decay("b1", "β₁", 0.9, 0.0, 0.999, "Decay of the gradient's running mean.")
B2 = _decay("b2", "β₂", 0.999, 0.5, 0.9999, "Decay of the squared gradient's mean.")
EPS = _eps(1e-8, "Keeps the denominator away from 0.")
DAMPING = Hyperparam(
    "damping", 0.0, 0.0, 10.0, symbol="λ", words="damping", help="Adds λI to the curvature matrix."
)


def lines(*rows: str) -> str:
    """A rule of several lines, aligned at their first `&`: long rules wrap instead of running
    off the right edge of a projector's screen."""
    return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"


_ADAM_M = r"m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t"
_ADAM_V = r"v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2"
_ADAM_HATS = r"\hat m_t &= \frac{m_t}{1-\beta_1^t},\quad \hat v_t = \frac{v_t}{1-\beta_2^t}"

OPTIMIZERS = (
    OptimizerSpec(
        key="sgd",
        name="SGD",
        latex=r"x_{t+1} = x_t - \eta\, g_t",
        hyperparams=(_lr(0.95),),
        build=optax.sgd,
    ),
    OptimizerSpec(
        key="momentum",
        name="Momentum",
        latex=r"v_{t+1} = \mu v_t + g_t,\quad x_{t+1} = x_t - \eta\, v_{t+1}",
        hyperparams=(_lr(0.1), MOMENTUM),
        build=optax.sgd,
    ),
    OptimizerSpec(
        key="nesterov",
        name="Nesterov",
        latex=lines(
            r"\text{look-ahead: } v_{t+1} &= \mu v_t - \eta\, \nabla f(x_t + \mu v_t),"
            r"\quad x_{t+1} = x_t + v_{t+1}",
            r"\text{optax's form: } u_{t+1} &= \mu u_t + g_t,"
            r"\quad x_{t+1} = x_t - \eta\,(g_t + \mu u_{t+1})",
        ),
        hyperparams=(_lr(0.1), MOMENTUM),
        build=lambda **hp: optax.sgd(**hp, nesterov=True),
    ),
    OptimizerSpec(
        key="adagrad",
        name="AdaGrad",
        latex=lines(
            r"G_t &= G_{t-1} + g_t^2,\quad G_0 = a",
            r"x_{t+1} &= x_t - \eta\,\frac{g_t}{\sqrt{G_t + \epsilon}}",
        ),
        hyperparams=(
            _lr(1.5),
            Hyperparam(
                "initial_accumulator_value",
                0.1,
                0.0,
                1.0,
                symbol="a",
                words="initial accumulator",
                help="Starting value of G.",
            ),
            _eps(1e-7, "Keeps the root away from 0."),
        ),
        build=optax.adagrad,
    ),
    OptimizerSpec(
        key="rmsprop",
        name="RMSProp",
        latex=lines(
            r"v_t &= \rho v_{t-1} + (1-\rho)\, g_t^2",
            r"x_{t+1} &= x_t - \eta\,\frac{g_t}{\sqrt{v_t + \epsilon}}",
        ),
        hyperparams=(
            _lr(0.1),
            _decay("decay", "ρ", 0.9, 0.5, 0.9999, "Decay of the squared gradient's mean."),
            EPS,
        ),
        build=optax.rmsprop,
    ),
    OptimizerSpec(
        key="adadelta",
        name="Adadelta",
        latex=lines(
            r"E_t &= \rho E_{t-1} + (1-\rho)\, g_t^2,\quad "
            r"u_t = \frac{\sqrt{D_{t-1}+\epsilon}}{\sqrt{E_t+\epsilon}}\, g_t",
            r"D_t &= \rho D_{t-1} + (1-\rho)\, u_t^2,\quad x_{t+1} = x_t - \eta\, u_t",
        ),
        hyperparams=(
            _lr(1.0),
            _decay("rho", "ρ", 0.9, 0.5, 0.9999, "Decay of both running means."),
            Hyperparam(
                "eps",
                1e-2,
                1e-8,
                1.0,
                symbol="ε",
                scale="log",
                help="Sets the size of the first steps. Tuned for these 2-D landscapes: Zeiler "
                "and optax use 10⁻⁶, which makes the first steps 10⁴ times shorter here.",
            ),
        ),
        build=optax.adadelta,
    ),
    OptimizerSpec(
        key="adam",
        name="Adam",
        latex=lines(
            _ADAM_M,
            _ADAM_V,
            _ADAM_HATS,
            r"x_{t+1} &= x_t - \eta\,\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
        ),
        hyperparams=(_lr(0.3, why=ADAM_RATE_NOTE), B1, B2, EPS),
        build=optax.adam,
    ),
    OptimizerSpec(
        key="adam_no_bias",
        name="Adam without bias correction",
        latex=lines(_ADAM_M, _ADAM_V, r"x_{t+1} &= x_t - \eta\,\frac{m_t}{\sqrt{v_t} + \epsilon}"),
        hyperparams=(_lr(0.3, why=ADAM_RATE_NOTE), B1, B2, EPS),
        build=extra.adam_no_bias,
    ),
    OptimizerSpec(
        key="nadam",
        name="Nadam",
        latex=lines(
            _ADAM_M,
            _ADAM_V,
            r"\bar m_t &= \frac{\beta_1 m_t}{1-\beta_1^{t+1}}"
            r" + \frac{(1-\beta_1)\, g_t}{1-\beta_1^t}",
            r"x_{t+1} &= x_t - \eta\,\frac{\bar m_t}{\sqrt{\hat v_t} + \epsilon}",
        ),
        hyperparams=(_lr(0.3, why=ADAM_RATE_NOTE), B1, B2, EPS),
        build=optax.nadam,
    ),
    OptimizerSpec(
        key="amsgrad",
        name="AMSGrad (optax: max of v̂)",
        latex=lines(
            _ADAM_M,
            _ADAM_V,
            _ADAM_HATS,
            r"\tilde v_t &= \max(\tilde v_{t-1}, \hat v_t),\quad "
            r"x_{t+1} = x_t - \eta\,\frac{\hat m_t}{\sqrt{\tilde v_t} + \epsilon}",
        ),
        hyperparams=(_lr(0.3, why=ADAM_RATE_NOTE), B1, B2, EPS),
        build=optax.amsgrad,
    ),
    OptimizerSpec(
        key="amsgrad_reddi",
        name="AMSGrad (Reddi: max of v)",
        latex=lines(
            _ADAM_M,
            _ADAM_V,
            r"\tilde v_t &= \max(\tilde v_{t-1}, v_t),\quad "
            r"x_{t+1} = x_t - \eta\,\frac{m_t}{\sqrt{\tilde v_t} + \epsilon}",
        ),
        hyperparams=(_lr(0.3, why=ADAM_RATE_NOTE), B1, B2, EPS),
        build=lambda **hp: optax.amsgrad(**hp, bias_correction_mu=False, bias_correction_nu=False),
    ),
    OptimizerSpec(
        key="adamw",
        name="AdamW",
        latex=lines(
            _ADAM_M,
            _ADAM_V,
            _ADAM_HATS,
            r"x_{t+1} &= x_t - \eta\left(\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}"
            r" + \lambda x_t\right)",
        ),
        hyperparams=(
            _lr(0.3, why=ADAM_RATE_NOTE),
            B1,
            B2,
            EPS,
            _weight_decay(0.01),
        ),
        build=optax.adamw,
    ),
    OptimizerSpec(
        key="lion",
        name="Lion",
        latex=lines(
            r"c_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t",
            r"x_{t+1} &= x_t - \eta\,(\operatorname{sign} c_t + \lambda x_t)",
            r"m_t &= \beta_2 m_{t-1} + (1-\beta_2)\, g_t",
        ),
        hyperparams=(
            _lr(0.1),
            B1,
            _decay("b2", "β₂", 0.99, 0.5, 0.9999, "Decay of the momentum that is kept."),
            _weight_decay(0.0),
        ),
        build=optax.lion,
    ),
    OptimizerSpec(
        key="newton",
        name="Newton",
        latex=r"x_{t+1} = x_t - \eta\,(H_t + \lambda I)^{-1} g_t,\quad H_t = \nabla^2 f(x_t)",
        hyperparams=(_lr(1.0, 1e-3, 2.0), DAMPING),
        build=extra.newton,
        uses_hessian=True,
    ),
    OptimizerSpec(
        key="saddle_free_newton",
        name="Saddle-free Newton",
        latex=lines(
            r"x_{t+1} &= x_t - \eta\,(|H_t| + \lambda I)^{-1} g_t",
            r"|H| &= Q\,|\Lambda|\,Q^\top \text{ for } H = Q \Lambda Q^\top",
        ),
        hyperparams=(_lr(1.0, 1e-3, 2.0), DAMPING),
        build=extra.saddle_free_newton,
        uses_hessian=True,
    ),
)

CATALOG: dict[str, OptimizerSpec] = {spec.key: spec for spec in OPTIMIZERS}


def filled_hyperparams(key: str, given) -> dict:
    """Every hyperparameter of optimizer `key` as float32, defaults filled in, each finite.

    Unlike `run_config.checked_hyperparams` this keeps no slider range: the exact constructions
    of the papers use values outside them (Reddi et al.'s β₂ = 0.1).
    """
    if key not in CATALOG:
        raise ValueError(f"Unknown optimizer {key!r}. Choose one of: {', '.join(CATALOG)}.")
    spec = CATALOG[key]
    unknown = sorted(set(given) - set(spec.defaults()))
    if unknown:
        raise ValueError(f"{spec.name} has no hyperparameter {unknown[0]!r}.")
    values = {**spec.defaults(), **given}
    if not all(np.isfinite(v) for v in values.values()):
        raise ValueError(f"Every hyperparameter of {spec.name} must be finite.")
    return {name: np.float32(value) for name, value in values.items()}
