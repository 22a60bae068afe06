"""Count the XLA compilations an action causes: proof that a slider change recompiles nothing."""

from collections.abc import Callable

import jax

COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"


def count_compilations(action: Callable[[], object]) -> int:
    """How many backend compilations JAX reports while `action()` runs."""
    events = []

    def listener(name, *_, **__):
        if name == COMPILE_EVENT:
            events.append(name)

    jax.monitoring.register_event_duration_secs_listener(listener)
    try:
        action()
    finally:
        jax.monitoring.unregister_event_duration_listener(listener)
    return len(events)
