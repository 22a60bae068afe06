"""Lessons of the initialization and normalization page: each an `InitNormConfig` and what to
look for. tests/test_init_norm_page.py checks every sentence on the lesson's own numbers."""

from dataclasses import dataclass

from lessons.record import Lesson, catalog
from ui.init_norm_view import InitNormConfig


@dataclass(frozen=True)
class InitNormLesson(Lesson):
    config: InitNormConfig


LESSONS = (
    InitNormLesson(
        key="zeros",
        title="All zeros",
        look_for="With every weight 0, all units of a layer compute the same number: each "
        "layer's activations sit at one value, sigmoid(0) = ½, with no spread, and no gradient "
        "reaches the hidden weights. Training does not break the tie: below, two units' incoming "
        "weights do move, but in lockstep at every step, while from a random start they part.",
        config=InitNormConfig(activation="sigmoid", init="zeros"),
    ),
    InitNormLesson(
        key="too_small",
        title="Too small: tanh with σ = 0.01",
        look_for="Each layer multiplies E[a²] by 256 · 0.01² ≈ 0.026 (tanh is nearly linear "
        "there): the activations shrink towards 0 layer by layer, from about 0.02 at layer 1 to "
        "below 10⁻⁷ by layer 5. The gradients vanish with them: every layer's ‖∂ℓ/∂W‖ is below "
        "10⁻¹⁰, where Xavier's (dashed) is about 0.1.",
        config=InitNormConfig(sigma=0.01, init="normal", compare="xavier"),
    ),
    InitNormLesson(
        key="too_large",
        title="Too large: tanh with σ = 1",
        look_for="Var z = 256 σ² is far beyond tanh's slope: in every layer most activations pile "
        "up at ±1 (over 85 % beyond |a| > 0.9, green). Their gradients do not vanish, though — "
        "they explode towards the input: the few unsaturated units pass gradients back through "
        "weights 16 times Xavier's, so ‖∂ℓ/∂W‖ grows about 3× per layer, from a few units at "
        "layer 20 to over 10⁸ at layer 1.",
        config=InitNormConfig(sigma=1.0, init="normal", compare="xavier"),
    ),
    InitNormLesson(
        key="xavier_tanh",
        title="Xavier for tanh",
        look_for="Var W = 2/(n_in + n_out) keeps tanh in its linear part: the spread shrinks only "
        "slowly with depth, the variance roughly like 1/layer (about 0.4 at layer 1, 0.05 at "
        "layer 10, 0.025 at layer 20). Only layer 1, where z ~ N(0, 1), saturates a little (one "
        "activation in seven), deeper layers hardly at all, and the gradient is about the same "
        "in every layer.",
        config=InitNormConfig(),
    ),
    InitNormLesson(
        key="he_relu",
        title="He for ReLU",
        look_for="ReLU zeroes half of z, and He's Var W = 2/n_in makes up for it: E[a²] stays "
        "about the same through all 20 layers. Xavier's (dashed) is half as large, and ReLU "
        "halves E[a²] again at every layer — about 10⁻⁶ by layer 20 — with gradients hundreds of "
        "times smaller.",
        config=InitNormConfig(activation="relu", init="he", compare="xavier"),
    ),
    InitNormLesson(
        key="bn_rescue",
        title="Batch normalization rescues a bad initialization",
        look_for="The tanh net with σ = 0.01 again, now with batch norm before every tanh: each "
        "layer's z is rescaled to mean 0 and variance 1, so the spread no longer collapses "
        "(E[a²] near 0.4 in every layer). Trained on the moons, the bare net stays at the loss "
        "ln 2 ≈ 0.69 of a coin toss all the way, while with batch norm it learns: by the last "
        "step its loss is below 0.1 and over 95 % of the held-out points are right (jagged "
        "curves: small batches, and batch statistics that change every step).",
        config=InitNormConfig(depth=10, sigma=0.01, init="normal", norm="batch", train=True),
    ),
)

CATALOG: dict[str, InitNormLesson] = catalog(LESSONS)
