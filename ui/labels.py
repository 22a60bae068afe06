"""Names for runs that a person can tell apart."""

from optimizers import CATALOG as OPTIMIZERS
from optimizers.schedules import CATALOG as SCHEDULES
from ui.sliders import number


def run_labels(configs) -> list[str]:
    """Name each single-optimizer run by what sets it apart from the others (numbered when two
    runs are the same)."""

    def parts(c) -> dict[str, str]:
        key, hp = c.optimizers[0]
        return {
            "opt": OPTIMIZERS[key].name,
            "lr": f"η={number(hp['learning_rate'])}",
            "sched": SCHEDULES[c.schedule[0]].name.lower() if c.schedule else "constant rate",
            "clip": f"clip {number(c.clip_norm)}" if c.clip_norm else "no clipping",
            "batch": f"B={c.batch_size}",
        }

    described = [parts(c) for c in configs]
    varying = [k for k in described[0] if len({d[k] for d in described}) > 1] or ["opt", "sched"]
    labels = [", ".join(d[k] for k in varying) for d in described]
    return [
        f"{label} ({i + 1})" if labels.count(label) > 1 else label for i, label in enumerate(labels)
    ]
