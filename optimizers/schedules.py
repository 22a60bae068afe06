r"""Learning-rate schedules as data: one `ScheduleSpec` per multiplier s(t).

The engine uses η_t = η · s(t) at step t = 0, 1, 2, …, where η is each optimizer's own learning
rate. Every schedule has s(0) = 1 except the two warmups, whose purpose is to start below the
base rate: their s(0) is the hyperparameter s₀ and they reach 1 at the end of the warmup.

    constant         s(t) = 1
    step             s(t) = γ^⌊t/k⌋
    exponential      s(t) = r^(t/T)
    inverse_time     s(t) = 1 / (1 + k t)
    cosine           s(t) = α + (1 − α) · ½(1 + cos(π min(t, T)/T))
    cyclic           s(t) = 1 + (M − 1) · (1 − |(t mod 2H)/H − 1|)
    linear_warmup    s(t) = s₀ + (1 − s₀) min(t, W)/W, then 1 (1 throughout if W = 0)
    warmup_cosine    s(t) = s₀ + (1 − s₀) t/W for t < W, then cosine from 1 to α over T − W steps
    cosine_restarts  cosine from 1 to α over T_i = T mᶦ steps, restarting at 1 after each cycle

Papers: Smith 2017, "Cyclical Learning Rates for Training Neural Networks" (triangular cyclic);
Loshchilov & Hutter 2017, "SGDR: Stochastic Gradient Descent with Warm Restarts" (cosine,
restarts); Goyal et al. 2017, "Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour"
(linear warmup).

Hyperparameters arrive as traced float32 scalars inside `jax.jit`, so that moving a slider never
recompiles. optax's schedules cannot take them: `exponential_decay`, `cosine_decay_schedule`,
`warmup_cosine_decay_schedule`, `linear_schedule` and `polynomial_schedule` validate their step
counts with Python comparisons (a traced value raises `TracerBoolConversionError`),
`piecewise_constant_schedule` needs hashable boundaries, and `sgdr_schedule` needs the list of
cycles up front. Each schedule is therefore written in closed form with `jax.numpy`; the tests
check every one against optax's version wherever optax has one.

Step-count hyperparameters (k, T, H, W) are rounded to whole steps with `jnp.round`; all but W
are at least 1.
"""

import jax.numpy as jnp

from optimizers.spec import Hyperparam, ScheduleSpec


def _f32(x):
    return jnp.asarray(x, jnp.float32)


def _steps(x, least: float = 1.0):
    return jnp.maximum(jnp.round(_f32(x)), least)


def _cosine_fall(alpha, fraction):
    """1 at fraction 0 down to α at fraction 1, as 1 − (1 − α) sin²(π·fraction/2) (exact at 0)."""
    return 1.0 - (1.0 - alpha) * jnp.sin(0.5 * jnp.pi * fraction) ** 2


def constant():
    return lambda t: jnp.ones_like(t, jnp.float32)


def step(factor, every):
    """γ^⌊t/k⌋, counting drops with `floor_divide`: XLA may compute t/k as t·(1/k), 55/55 < 1."""
    factor, every = _f32(factor), _steps(every)
    return lambda t: factor ** jnp.floor_divide(_f32(t), every)


def exponential(rate, decay_steps):
    rate, decay_steps = _f32(rate), _steps(decay_steps)
    return lambda t: rate ** (_f32(t) / decay_steps)


def inverse_time(k):
    k = _f32(k)
    return lambda t: 1.0 / (1.0 + k * _f32(t))


def cosine(decay_steps, alpha):
    decay_steps, alpha = _steps(decay_steps), _f32(alpha)
    return lambda t: _cosine_fall(alpha, jnp.minimum(_f32(t), decay_steps) / decay_steps)


def cyclic(max_factor, half_period):
    """Smith's triangle: 1 at t = 0, M at t = H, back to 1 at t = 2H, repeating."""
    max_factor, half_period = _f32(max_factor), _steps(half_period)

    def schedule(t):
        phase = jnp.mod(_f32(t), 2.0 * half_period) / half_period
        return 1.0 + (max_factor - 1.0) * (1.0 - jnp.abs(phase - 1.0))

    return schedule


def linear_warmup(start_factor, warmup_steps):
    """s(0) = s₀ rising linearly to s(W) = 1, then held: `optax.linear_schedule(s₀, 1, W)`."""
    start_factor, warmup = _f32(start_factor), _steps(warmup_steps, least=0.0)

    def schedule(t):
        t = _f32(t)
        return jnp.where(t < warmup, start_factor + (1.0 - start_factor) * t / warmup, 1.0)

    return schedule


def warmup_cosine(start_factor, warmup_steps, decay_steps, alpha):
    """s(0) = s₀ (the one schedule without s(0) = 1), s(W) = 1, s(T) = α, α after T.

    The form of `optax.warmup_cosine_decay_schedule(s₀, 1, W, T, α)`, where T counts the warmup.
    When T ≤ W the cosine phase lasts one step. W = 0 is plain cosine decay over T steps.
    """
    start_factor, alpha = _f32(start_factor), _f32(alpha)
    warmup = _steps(warmup_steps, least=0.0)
    decay = jnp.maximum(_steps(decay_steps) - warmup, 1.0)

    def schedule(t):
        t = _f32(t)
        rising = start_factor + (1.0 - start_factor) * t / jnp.maximum(warmup, 1.0)
        falling = _cosine_fall(alpha, jnp.clip(t - warmup, 0.0, decay) / decay)
        return jnp.where(t < warmup, rising, falling)

    return schedule


def cosine_restarts(period, period_mult, alpha):
    """SGDR: cycle i lasts T_i = T mᶦ steps and starts at S_i = T (mᶦ − 1)/(m − 1) (i T if m = 1).

    The cycle index is i = ⌊log(1 + t(m − 1)/T) / log m⌋ (⌊t/T⌋ if m = 1), written with
    log1p/expm1 so it stays accurate as m → 1, then nudged by one where float32 rounding puts t
    on the wrong side of a restart; restarts within float32 rounding of t count as reached.
    """
    period, alpha = _steps(period), _f32(alpha)
    growth = jnp.maximum(_f32(period_mult), 1.0) - 1.0
    grows = growth > 0.0
    safe_growth = jnp.where(grows, growth, 1.0)
    log_mult = jnp.log1p(growth)
    safe_log_mult = jnp.log1p(safe_growth)

    def start(i):
        geometric = period * jnp.expm1(i * safe_log_mult) / safe_growth
        return jnp.where(grows, geometric, period * i)

    def schedule(t):
        t = _f32(t)
        estimate = jnp.where(
            grows,
            jnp.floor(jnp.log1p(t * safe_growth / period) / safe_log_mult),
            jnp.floor(t / period),
        )

        def reached(restart):
            return t >= restart * (1.0 - 4e-6)

        i = estimate + jnp.where(reached(start(estimate + 1.0)), 1.0, 0.0)
        i = jnp.maximum(i - jnp.where(reached(start(estimate)), 0.0, 1.0), 0.0)
        length = period * jnp.exp(i * log_mult)
        return _cosine_fall(alpha, jnp.clip(t - start(i), 0.0, length) / length)

    return schedule


def _alpha(help_: str) -> Hyperparam:
    return Hyperparam("alpha", 0.0, 0.0, 1.0, words="floor", symbol="α", help=help_)


_COSINE = r"\tfrac{1}{2}\bigl(1 + \cos(\pi\, %s)\bigr)"

SCHEDULES = (
    ScheduleSpec(
        key="constant",
        name="Constant",
        latex=r"s(t) = 1",
        hyperparams=(),
        build=constant,
    ),
    ScheduleSpec(
        key="step",
        name="Step decay",
        latex=r"s(t) = \gamma^{\lfloor t / k \rfloor}",
        hyperparams=(
            Hyperparam(
                "factor",
                0.5,
                0.01,
                1.0,
                words="drop factor",
                symbol="γ",
                help="Multiplies the rate at every drop.",
            ),
            Hyperparam(
                "every",
                50.0,
                1.0,
                2500.0,
                words="steps between drops",
                symbol="k",
                help="Steps between drops.",
                scale="log",
            ),
        ),
        build=step,
    ),
    ScheduleSpec(
        key="exponential",
        name="Exponential decay",
        latex=r"s(t) = r^{t / T}",
        hyperparams=(
            Hyperparam(
                "rate",
                0.1,
                1e-3,
                1.0,
                words="final factor",
                symbol="r",
                help="The multiplier reached at T.",
                scale="log",
            ),
            Hyperparam(
                "decay_steps",
                200.0,
                1.0,
                5000.0,
                words="decay steps",
                symbol="T",
                help="Steps to reach r.",
                scale="log",
            ),
        ),
        build=exponential,
    ),
    ScheduleSpec(
        key="inverse_time",
        name="Inverse-time decay",
        latex=r"s(t) = \frac{1}{1 + k\, t}",
        hyperparams=(
            Hyperparam(
                "k",
                0.01,
                1e-4,
                1.0,
                words="decay",
                symbol="k",
                help="The rate halves at t = 1/k.",
                scale="log",
            ),
        ),
        build=inverse_time,
    ),
    ScheduleSpec(
        key="cosine",
        name="Cosine decay",
        latex=r"s(t) = \alpha + (1 - \alpha)\," + _COSINE % r"\min(t, T) / T",
        hyperparams=(
            Hyperparam(
                "decay_steps",
                200.0,
                1.0,
                5000.0,
                words="decay steps",
                symbol="T",
                help="Steps to reach α.",
                scale="log",
            ),
            _alpha("The final multiplier, held after T."),
        ),
        build=cosine,
    ),
    ScheduleSpec(
        key="cyclic",
        name="Cyclic (triangular)",
        latex=r"s(t) = 1 + (M - 1)\left(1 - \left|\frac{t \bmod 2H}{H} - 1\right|\right)",
        hyperparams=(
            Hyperparam(
                "max_factor",
                3.0,
                1.0,
                10.0,
                words="peak factor",
                symbol="M",
                help="The peak multiplier, at t = H.",
            ),
            Hyperparam(
                "half_period",
                25.0,
                1.0,
                2500.0,
                words="half period",
                symbol="H",
                help="Steps from 1 up to M.",
                scale="log",
            ),
        ),
        build=cyclic,
    ),
    ScheduleSpec(
        key="linear_warmup",
        name="Linear warmup",
        latex=r"s(t) = \begin{cases} s_0 + (1 - s_0)\, t / W & t < W \\ 1 & t \ge W \end{cases}"
        + r"\quad (s(0) = s_0)",
        hyperparams=(
            Hyperparam(
                "start_factor",
                0.0,
                0.0,
                1.0,
                symbol="s₀",
                help="The multiplier at t = 0 (not 1 here).",
            ),
            Hyperparam(
                "warmup_steps",
                20.0,
                0.0,
                1000.0,
                words="warmup steps",
                symbol="W",
                help="Steps to rise from s₀ to 1.",
            ),
        ),
        build=linear_warmup,
    ),
    ScheduleSpec(
        key="warmup_cosine",
        name="Linear warmup + cosine decay",
        latex=r"s(t) = \begin{cases} s_0 + (1 - s_0)\, t / W & t < W \\ "
        + r"\alpha + (1 - \alpha)\,"
        + _COSINE % r"\frac{\min(t - W,\, T - W)}{T - W}"
        + r" & t \ge W \end{cases}\quad (s(0) = s_0,\ s(W) = 1)",
        hyperparams=(
            Hyperparam(
                "start_factor",
                0.0,
                0.0,
                1.0,
                symbol="s₀",
                help="The multiplier at t = 0 (not 1 here).",
            ),
            Hyperparam(
                "warmup_steps",
                20.0,
                0.0,
                1000.0,
                words="warmup steps",
                symbol="W",
                help="Steps to rise from s₀ to 1.",
            ),
            Hyperparam(
                "decay_steps",
                200.0,
                1.0,
                5000.0,
                symbol="T",
                help="Total steps to reach α.",
                scale="log",
            ),
            _alpha("The final multiplier, held after T."),
        ),
        build=warmup_cosine,
    ),
    ScheduleSpec(
        key="cosine_restarts",
        name="Cosine with warm restarts (SGDR)",
        latex=r"s(t) = \alpha + (1 - \alpha)\,"
        + _COSINE % r"t_i / T_i"
        + r",\quad T_i = T m^i,\quad t_i = t - \sum_{j < i} T_j \in [0, T_i)",
        hyperparams=(
            Hyperparam(
                "period",
                25.0,
                1.0,
                2500.0,
                words="first period",
                symbol="T",
                help="Length of the first cycle.",
                scale="log",
            ),
            Hyperparam(
                "period_mult",
                2.0,
                1.0,
                4.0,
                symbol="m",
                help="Each cycle is m times the previous one.",
            ),
            _alpha("The multiplier at the end of every cycle."),
        ),
        build=cosine_restarts,
    ),
)

CATALOG: dict[str, ScheduleSpec] = {spec.key: spec for spec in SCHEDULES}
