r"""Learning-rate lessons as data: each a race of runs that differ in one setting, and a sentence.

Every run is one optimizer on one `RunConfig`, because the schedule, the clipping norm and the
batch size belong to a config. The runs of a lesson share landscape, start, steps and seed, so
they see the same noise ξ_t and race fairly. The facts each lesson shows:

- decay under noise: SGD with gradient noise of std s at a constant rate η hovers in a noise ball,
  on a quadratic with curvatures λ_i a stationary Gaussian with Var x_i = η s² / (λ_i (2 − ηλ_i));
  a decaying rate (step, exponential, 1/t) shrinks the ball as it goes (Robbins & Monro 1951).
- warmup: a rate that is stable at the minimum can be unstable where the run starts, ηλ > 2;
  a linear warmup from 0 (Goyal et al. 2017) lets the run reach flatter ground first.
- sharp vs flat: gradient descent settles only in minima with ηλ_max < 2, so a large or cyclic
  rate (Smith 2017) or warm restarts (SGDR, Loshchilov & Hutter 2017) leave a sharp minimum for a
  flat one (Keskar et al. 2017), while a small constant rate stays.
- clipping: on a cliff the gradient is huge and one step η‖g‖ throws the point far away; clipping
  the global norm, g · min(1, c/‖g‖), bounds the step by ηc (Pascanu et al. 2013).
- batch size: a minibatch of B samples has gradient noise σ/√B, so at a fixed η the noise ball
  shrinks like 1/√B; scaling η with B (the linear scaling rule, Goyal et al. 2017) keeps η/B and
  with it the ball ≈ √(ησ² / 2λB) about the same, as long as ηλ stays well below 2.
"""

from dataclasses import dataclass, replace

from lessons.record import Lesson, catalog
from optimizers.run_config import RunConfig


@dataclass(frozen=True)
class LessonRun:
    """One lane of the race: a legend label and a one-optimizer config."""

    label: str
    config: RunConfig


@dataclass(frozen=True)
class LabLesson(Lesson):
    """A one-click lesson: its runs race from the same start on the same noise seed."""

    runs: tuple[LessonRun, ...]

    def with_seed(self, seed: int) -> "LabLesson":
        """The same lesson with every run drawing its noise from `seed`, so the race stays fair."""
        runs = tuple(replace(run, config=run.config.replace(seed=seed)) for run in self.runs)
        return replace(self, runs=runs)


def replicas(config: RunConfig, count: int) -> RunConfig:
    """`config` with its start repeated `count` times: the engine gives start i its own noise
    stream, so one call runs `count` independent noise draws (a cloud of endpoints, or a test)."""
    return config.replace(starts=config.starts * count)


def _sgd(landscape: str, learning_rate: float, steps: int, noise_std: float, **settings):
    """One SGD run; `settings` are RunConfig's other fields (schedule, clip_norm, batch_size)."""
    sgd = (("sgd", {"learning_rate": learning_rate}),)
    return RunConfig(landscape, sgd, steps=steps, noise_std=noise_std, **settings)


def _decay_under_noise() -> LabLesson:
    def run(label, schedule=None):
        return LessonRun(label, _sgd("ravine", 0.5, 300, 1.0, schedule=schedule))

    return LabLesson(
        key="decay_under_noise",
        title="Constant rate vs decay under noise",
        look_for="With noisy gradients the constant rate keeps hovering in a wide cloud around "
        "the minimum, while step, exponential and 1/t decay shrink their steps and settle "
        "close to it.",
        runs=(
            run("Constant η = 0.5"),
            run("Step decay: halved every 50 steps", ("step", {"factor": 0.5, "every": 50.0})),
            run(
                "Exponential decay to 1% at step 300",
                ("exponential", {"rate": 0.01, "decay_steps": 300.0}),
            ),
            run("1/t decay: η / (1 + 0.05 t)", ("inverse_time", {"k": 0.05})),
        ),
    )


def _warmup() -> LabLesson:
    warmup = ("linear_warmup", {"start_factor": 0.0, "warmup_steps": 20.0})
    return LabLesson(
        key="warmup",
        title="Warmup",
        look_for="At full rate from the first step SGD is thrown out of the funnel's sharp neck "
        "onto the plateau and stays there; warmed up over 20 steps the same rate reaches the "
        "minimum, and a rate ten times smaller is safe but still crawling at the end.",
        runs=(
            LessonRun("η = 1 from the first step", _sgd("warmup_trap", 1.0, 200, 0.02)),
            LessonRun(
                "η = 1 after a 20-step linear warmup",
                _sgd("warmup_trap", 1.0, 200, 0.02, schedule=warmup),
            ),
            LessonRun("η = 0.1 throughout", _sgd("warmup_trap", 0.1, 200, 0.02)),
        ),
    )


def _sharp_flat() -> LabLesson:
    def run(label, learning_rate, schedule=None):
        return LessonRun(label, _sgd("sharp_flat", learning_rate, 200, 0.3, schedule=schedule))

    return LabLesson(
        key="sharp_flat",
        title="Sharp vs flat minima, cyclic rates and restarts",
        look_for="All runs start in the sharp pit: the small constant rate settles there, while "
        "the large rate, the cyclic rate once it has climbed and SGDR's restarted rate throw "
        "the run out to settle in the flat bowl.",
        runs=(
            run("Small constant η = 0.02", 0.02),
            run("Large constant η = 0.2", 0.2),
            run(
                "Cyclic η between 0.02 and 0.2",
                0.02,
                ("cyclic", {"max_factor": 10.0, "half_period": 25.0}),
            ),
            run(
                "SGDR: η = 0.2 restarted every 50 steps",
                0.2,
                ("cosine_restarts", {"period": 50.0, "period_mult": 1.0, "alpha": 0.0}),
            ),
        ),
    )


def _clipping() -> LabLesson:
    return LabLesson(
        key="clipping",
        title="Exploding gradients and clipping",
        look_for="On the cliff's face the raw gradient norm is in the hundreds: the unclipped "
        "step flies off the map, while the clipped run applies a gradient of norm at most 1 "
        "and walks down into the valley.",
        runs=(
            LessonRun("No clipping", _sgd("cliff", 0.5, 100, 0.1)),
            LessonRun("Global norm clipped to 1", _sgd("cliff", 0.5, 100, 0.1, clip_norm=1.0)),
        ),
    )


def _batch_size() -> LabLesson:
    def run(batch_size, learning_rate):
        label = f"B = {batch_size}, η = {learning_rate:g}"
        return LessonRun(label, _sgd("bowl", learning_rate, 1000, 5.0, batch_size=batch_size))

    return LabLesson(
        key="batch_size",
        title="Batch size and the linear scaling rule",
        look_for="At a fixed rate a batch 8 times larger shrinks the cloud around the minimum "
        "by √8 (the bars under the map), while scaling the rate with the batch keeps the cloud "
        "about as wide as B = 1's and arrives in far fewer steps, though each step costs B "
        "samples, so counted in samples the scaled runs arrive about when B = 1 does.",
        runs=(run(1, 0.01), run(8, 0.01), run(64, 0.01), run(8, 0.08), run(64, 0.64)),
    )


LESSONS = (_decay_under_noise(), _warmup(), _sharp_flat(), _clipping(), _batch_size())

CATALOG: dict[str, LabLesson] = catalog(LESSONS)
