"""A slider's next value worked out before it is asked for.

A lecturer moves a slider step by step, mostly in one direction; while the class looks at one
picture, the next one is computed on a background worker. `Ahead` is a small store of such
results shared by every session (least recently used out first), each a `Future`:

- `get(key, work)`: the stored result (waiting for it if the worker is still on it), else
  `work()` in the calling thread, stored (a failed background job is done again here, so its
  error reaches the caller as if it had never been prepared).
- `prepare(key, work)`: `work()` on the worker, unless stored or the worker is busy: one
  background job at a time in the whole server, so a class of sessions cannot pile them up.

`work` must be pure (no Streamlit calls: the worker has no script-run context, unless `work`
attaches one itself, as the search page's does to fill its caches) and its result read-only.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor


class Ahead:
    def __init__(self, size: int, name: str):
        self._size = size
        self._stored: OrderedDict[Hashable, Future] = OrderedDict()
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._busy: Future | None = None

    def _store(self, key: Hashable, future: Future) -> None:
        self._stored[key] = future
        self._stored.move_to_end(key)
        while len(self._stored) > self._size:
            self._stored.popitem(last=False)

    def get(self, key: Hashable, work: Callable[[], object]):
        with self._lock:
            future = self._stored.get(key)
            if future is not None:
                self._stored.move_to_end(key)
        if future is None or (future.done() and future.exception() is not None):
            future = Future()
            try:
                future.set_result(work())
            except Exception as error:
                future.set_exception(error)
            else:
                with self._lock:
                    self._store(key, future)
        return future.result()

    def prepare(self, key: Hashable, work: Callable[[], object]) -> bool:
        """Whether `work` was handed to the worker."""
        with self._lock:
            if key in self._stored or (self._busy is not None and not self._busy.done()):
                return False
            self._busy = self._worker.submit(work)
            self._store(key, self._busy)
            return True

    def ready(self, key: Hashable) -> bool:
        """Whether `get(key, …)` would answer without working or waiting."""
        with self._lock:
            future = self._stored.get(key)
        return future is not None and future.done() and future.exception() is None
