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

import optax

from optimizers import extra
from optimizers.spec import Hyperparam, OptimizerSpec


def _lr(default: float, lo: float = 1e-5, hi: float = 10.0) -> Hyperparam:
    return Hyperparam("learning_rate", default, lo, hi, log=True, help="Step size η.")


MOMENTUM = Hyperparam("momentum", 0.9, 0.0, 0.999, help="Momentum μ: how much velocity is kept.")
B1 = Hyperparam("b1", 0.9, 0.0, 0.999, help="β₁: decay of the gradient's running mean.")
B2 = Hyperparam("b2", 0.999, 0.5, 0.9999, help="β₂: decay of the squared gradient's mean.")
EPS = Hyperparam("eps", 1e-8, 1e-10, 1.0, log=True, help="ε: keeps the denominator away from 0.")
DAMPING = Hyperparam("damping", 0.0, 0.0, 10.0, help="λ: adds λI to the curvature matrix.")

_ADAM_MOMENTS = (
    r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2"
)
_ADAM_HATS = r"\hat m_t = \frac{m_t}{1-\beta_1^t},\quad \hat v_t = \frac{v_t}{1-\beta_2^t}"

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
        latex=r"v_{t+1} = \mu v_t + g_t,\quad x_{t+1} = x_t - \eta\,(g_t + \mu v_{t+1})",
        hyperparams=(_lr(0.1), MOMENTUM),
        build=lambda **hp: optax.sgd(**hp, nesterov=True),
    ),
    OptimizerSpec(
        key="adagrad",
        name="AdaGrad",
        latex=r"G_{t} = G_{t-1} + g_t^2,\ G_0 = a,\quad "
        + r"x_{t+1} = x_t - \eta\,\frac{g_t}{\sqrt{G_t + \epsilon}}",
        hyperparams=(
            _lr(1.5),
            Hyperparam("initial_accumulator_value", 0.1, 0.0, 1.0, help="a: starting value of G."),
            Hyperparam("eps", 1e-7, 1e-10, 1.0, log=True, help="ε: keeps the root away from 0."),
        ),
        build=optax.adagrad,
    ),
    OptimizerSpec(
        key="rmsprop",
        name="RMSProp",
        latex=r"v_t = \rho v_{t-1} + (1-\rho)\, g_t^2,\quad "
        + r"x_{t+1} = x_t - \eta\,\frac{g_t}{\sqrt{v_t + \epsilon}}",
        hyperparams=(
            _lr(0.1),
            Hyperparam("decay", 0.9, 0.5, 0.9999, help="ρ: decay of the squared gradient's mean."),
            EPS,
        ),
        build=optax.rmsprop,
    ),
    OptimizerSpec(
        key="adadelta",
        name="Adadelta",
        latex=(
            r"E_t = \rho E_{t-1} + (1-\rho)\, g_t^2,\quad "
            r"u_t = \frac{\sqrt{D_{t-1}+\epsilon}}{\sqrt{E_t+\epsilon}}\, g_t,\quad "
            r"D_t = \rho D_{t-1} + (1-\rho)\, u_t^2,\quad x_{t+1} = x_t - \eta\, u_t"
        ),
        hyperparams=(
            _lr(1.0),
            Hyperparam("rho", 0.9, 0.5, 0.9999, help="ρ: decay of both running means."),
            Hyperparam(
                "eps", 1e-2, 1e-8, 1.0, log=True, help="ε: sets the size of the first steps."
            ),
        ),
        build=optax.adadelta,
    ),
    OptimizerSpec(
        key="adam",
        name="Adam",
        latex=_ADAM_MOMENTS
        + r",\quad "
        + _ADAM_HATS
        + r",\quad x_{t+1} = x_t - \eta\,\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
        hyperparams=(_lr(0.3), B1, B2, EPS),
        build=optax.adam,
    ),
    OptimizerSpec(
        key="adam_no_bias",
        name="Adam without bias correction",
        latex=_ADAM_MOMENTS + r",\quad x_{t+1} = x_t - \eta\,\frac{m_t}{\sqrt{v_t} + \epsilon}",
        hyperparams=(_lr(0.3), B1, B2, EPS),
        build=extra.adam_no_bias,
    ),
    OptimizerSpec(
        key="nadam",
        name="Nadam",
        latex=_ADAM_MOMENTS
        + r",\quad \bar m_t = \frac{\beta_1 m_t}{1-\beta_1^{t+1}}"
        + r" + \frac{(1-\beta_1)\, g_t}{1-\beta_1^t},\quad "
        + r"x_{t+1} = x_t - \eta\,\frac{\bar m_t}{\sqrt{\hat v_t} + \epsilon}",
        hyperparams=(_lr(0.3), B1, B2, EPS),
        build=optax.nadam,
    ),
    OptimizerSpec(
        key="amsgrad",
        name="AMSGrad",
        latex=_ADAM_MOMENTS
        + r",\quad "
        + _ADAM_HATS
        + r",\quad \tilde v_t = \max(\tilde v_{t-1}, \hat v_t),\quad "
        + r"x_{t+1} = x_t - \eta\,\frac{\hat m_t}{\sqrt{\tilde v_t} + \epsilon}",
        hyperparams=(_lr(0.3), B1, B2, EPS),
        build=optax.amsgrad,
    ),
    OptimizerSpec(
        key="adamw",
        name="AdamW",
        latex=_ADAM_MOMENTS
        + r",\quad "
        + _ADAM_HATS
        + r",\quad x_{t+1} = x_t - \eta\left(\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}"
        + r" + \lambda x_t\right)",
        hyperparams=(
            _lr(0.3),
            B1,
            B2,
            EPS,
            Hyperparam("weight_decay", 0.01, 0.0, 1.0, help="λ: decoupled pull towards 0."),
        ),
        build=optax.adamw,
    ),
    OptimizerSpec(
        key="lion",
        name="Lion",
        latex=r"c_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t,\quad "
        + r"x_{t+1} = x_t - \eta\,(\operatorname{sign} c_t + \lambda x_t),\quad "
        + r"m_t = \beta_2 m_{t-1} + (1-\beta_2)\, g_t",
        hyperparams=(
            _lr(0.1),
            B1,
            Hyperparam("b2", 0.99, 0.5, 0.9999, help="β₂: decay of the momentum that is kept."),
            Hyperparam("weight_decay", 0.0, 0.0, 1.0, help="λ: decoupled pull towards 0."),
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
        latex=r"x_{t+1} = x_t - \eta\,(|H_t| + \lambda I)^{-1} g_t,\quad "
        + r"|H| = Q\,|\Lambda|\,Q^\top \text{ for } H = Q \Lambda Q^\top",
        hyperparams=(_lr(1.0, 1e-3, 2.0), DAMPING),
        build=extra.saddle_free_newton,
        uses_hessian=True,
    ),
)

CATALOG: dict[str, OptimizerSpec] = {spec.key: spec for spec in OPTIMIZERS}
