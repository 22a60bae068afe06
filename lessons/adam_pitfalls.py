"""Lessons of the "Adam's weaknesses" page: each a `PitfallConfig` and what to look for."""

from dataclasses import dataclass

from lessons.record import Lesson, catalog
from optimizers.pitfalls import PitfallConfig


@dataclass(frozen=True)
class PitfallLesson(Lesson):
    config: PitfallConfig


LESSONS = (
    PitfallLesson(
        key="reddi",
        title="Adam heads the wrong way (Reddi et al. §3)",
        look_for="Every third step the loss pushes hard towards −1 (gradient C = 3), the other "
        "two gently towards +1 (gradient −1): the best fixed point is x* = −1. With β₂ = 0.1 "
        "Adam forgets the rare large gradient before it comes again and settles near +1, with "
        "an average regret that stays large; both AMSGrads keep the largest second moment, "
        "reach −1 and their average regret falls towards 0.",
        config=PitfallConfig("reddi", big=3.0, b1=0.0, b2=0.1, learning_rate=0.1, steps=2000),
    ),
    PitfallLesson(
        key="reddi_b1",
        title="Momentum β₁ ≥ √β₂ hides the flaw",
        look_for="The same losses with β₁ = 0.5 > √β₂ ≈ 0.32: the running mean of the gradient "
        "remembers the big step long enough, and Adam too ends at x* = −1.",
        config=PitfallConfig("reddi", big=3.0, b1=0.5, b2=0.1, learning_rate=0.1, steps=2000),
    ),
    PitfallLesson(
        key="reddi_online",
        title="A million steps of the online problem (§5)",
        look_for="Gradient 1010 once every 101 steps, −10 otherwise, rate 0.5/√t, β₁ = 0.9, "
        "β₂ = 0.99. Adam passes x = 0.9 after about ten thousand steps and stays near +1, its "
        "average regret levelling off near 0.23; AMSGrad goes to −1 and its average regret "
        "keeps falling (0.007 for optax's variant, 0.035 for Reddi's, at 10⁶ steps).",
        config=PitfallConfig(
            "reddi_online", b1=0.9, b2=0.99, learning_rate=0.5, inverse_sqrt=True, steps=10**6
        ),
    ),
    PitfallLesson(
        key="reddi_stochastic",
        title="The stochastic version (§5)",
        look_for="Now the gradient 1010 comes at random, with probability 0.01: the same "
        "expected loss. Adam still drifts to +1 while AMSGrad finds −1.",
        config=PitfallConfig(
            "reddi_stochastic", b1=0.9, b2=0.99, learning_rate=0.5, inverse_sqrt=True, steps=10**6
        ),
    ),
    PitfallLesson(
        key="wilson",
        title="Adam fits, but generalises worse (Wilson et al.)",
        look_for="Three samples, 18 features: many weight vectors fit exactly. Gradient descent "
        "finds the smallest one, which leans on the first feature (the label itself) and gets "
        "every fresh point right; Adam and RMSProp end at w₁ = w₂ = w₃ = ¼, call every fresh "
        "point +1 and get all the negative ones wrong.",
        config=PitfallConfig("wilson", b1=0.9, b2=0.999, learning_rate=0.05, steps=2000, seed=2),
    ),
    PitfallLesson(
        key="swats",
        title="Switching from Adam to SGD (SWATS)",
        look_for="Adam takes the first steps, until the SGD rate its steps imply has settled "
        "(the average λ/(1 − β₂ᵏ) within ε of the latest γ); then momentum SGD at that rate, "
        "Λ ≈ 0.2, takes the last third of the way to the minimum. The ✕ on the map and the "
        "dashed line on the curves mark the switch.",
        config=PitfallConfig(
            "swats",
            landscape="bowl",
            learning_rate=0.3,
            b1=0.9,
            b2=0.999,
            switch_eps=3e-3,
            steps=200,
        ),
    ),
    PitfallLesson(
        key="adagrad_stall",
        title="AdaGrad stalls in a long ravine",
        look_for="AdaGrad adds up every squared gradient, so its rate along the valley only "
        "falls, from 0.13 to under 0.01, and it stalls far from the minimum; RMSProp forgets old "
        "gradients, its rate grows back as the slope flattens, and it reaches the minimum.",
        config=PitfallConfig("adagrad_stall", landscape="ravine", learning_rate=0.1, steps=1000),
    ),
    PitfallLesson(
        key="adam_cycle",
        title="Adam hovers around the minimum",
        look_for="On f(x) = x² with η = 0.1 and β₂ = 0.99 Adam first seems to settle, |x| "
        "falling to 10⁻¹⁰ and below; but its step m̂/√v̂ does not shrink with the gradient, and "
        "once v̂ has forgotten the early large gradients the steps grow again: after about "
        "1000 steps x jumps from side to side with |x| of the order of 10⁻³ and never settles.",
        config=PitfallConfig("adam_cycle", learning_rate=0.1, b1=0.9, b2=0.99, steps=3000),
    ),
)

CATALOG: dict[str, PitfallLesson] = catalog(LESSONS)
