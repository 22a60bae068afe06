"""A slider's next value worked out before it is asked for.

A lecturer moves a slider step by step, mostly in one direction; while the class looks at one
picture, the next one is computed on a background worker. `Ahead` is a small store of such
results shared by every session (least recently used out first), each a `Future`:

- `get(key, work)`: the stored result (waiting for it if the worker is still on it), else
  `work()` in the calling thread, stored (a failed background job is done again here, so its
  error reaches the caller as if it had never been prepared).
- `prepare(key, work, settle)`: `work()` on the worker, unless stored or the worker is busy: one
  background job at a time in the whole server, so a class of sessions cannot pile them up.
  The job first waits `settle` seconds, unless `get(key)` asks for it sooner: the picture just
  sent is being drawn, and on a machine that serves and shows the app (a lecturer's laptop,
  this benchmark's) a job started at once takes the cores from the browser (issue 13: the loss
  landscape's span step 462 → 301 ms with 0.35 s).

`work` must be pure (no Streamlit calls: the worker has no script-run context, unless `work`
attaches one itself with `in_this_run`, as the search page and the lab do to fill their caches)
and its result read-only.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import NamedTuple

from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx


class _Job(NamedTuple):
    result: Future
    start: threading.Event  # set: the work has begun (or may begin now)


SETTLE = 0.35  # s: how long a page's next picture waits for the browser to draw this one
_BEGUN = threading.Event()
_BEGUN.set()


class Ahead:
    def __init__(self, size: int, name: str):
        self._size = size
        self._stored: OrderedDict[Hashable, _Job] = OrderedDict()
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._busy: Future | None = None

    def _store(self, key: Hashable, job: _Job) -> None:
        self._stored[key] = job
        self._stored.move_to_end(key)
        while len(self._stored) > self._size:
            self._stored.popitem(last=False)

    def get(self, key: Hashable, work: Callable[[], object]):
        with self._lock:
            job = self._stored.get(key)
            if job is not None:
                self._stored.move_to_end(key)
                job.start.set()
        future = job and job.result
        if future is None or (future.done() and future.exception() is not None):
            future = Future()
            try:
                future.set_result(work())
            except Exception as error:
                future.set_exception(error)
            else:
                with self._lock:
                    self._store(key, _Job(future, _BEGUN))
        return future.result()

    def prepare(self, key: Hashable, work: Callable[[], object], settle: float = 0.0) -> bool:
        """Whether `work` was handed to the worker (to start after `settle` seconds, or as soon
        as `get(key)` asks for it)."""
        with self._lock:
            if key in self._stored or (self._busy is not None and not self._busy.done()):
                return False
            start = threading.Event()

            def after_settling():
                start.wait(settle)
                return work()

            self._busy = self._worker.submit(after_settling)
            self._store(key, _Job(self._busy, start))
            return True

    def busy(self) -> bool:
        """Whether the worker is on a job (settling or working)."""
        with self._lock:
            return self._busy is not None and not self._busy.done()

    def ready(self, key: Hashable) -> bool:
        """Whether `get(key, …)` would answer without working or waiting."""
        with self._lock:
            job = self._stored.get(key)
        return job is not None and job.result.done() and job.result.exception() is None


def in_this_run(work: Callable) -> Callable:
    """`work` to be run on another thread with this script run's context (Streamlit's caches
    ask for one)."""
    ctx = get_script_run_ctx()

    def run(*args):
        add_script_run_ctx(threading.current_thread(), ctx)
        return work(*args)

    return run
