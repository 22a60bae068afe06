"""ui.ahead: results prepared on a worker, taken by the caller; ui.landscape_pictures' span."""

import threading
import time

import pytest

from ui.ahead import Ahead
from ui.landscape_pictures import SPAN_STEP, next_span
from ui.loss_landscape_view import SPAN_RANGE


def test_a_prepared_result_is_taken_not_worked_again():
    ahead, calls = Ahead(4, "test"), []
    assert ahead.prepare("a", lambda: calls.append("worker") or 1)
    assert ahead.get("a", lambda: calls.append("caller") or 2) == 1
    assert calls == ["worker"]
    assert ahead.ready("a")


def test_the_caller_waits_for_the_worker_on_the_same_key():
    ahead, release = Ahead(4, "test"), threading.Event()
    ahead.prepare("a", lambda: release.wait(5) and "from the worker")
    assert not ahead.ready("a")
    threading.Timer(0.05, release.set).start()
    assert ahead.get("a", lambda: "from the caller") == "from the worker"


def test_one_background_job_at_a_time():
    ahead, release = Ahead(4, "test"), threading.Event()
    assert ahead.prepare("a", lambda: release.wait(5))
    assert not ahead.prepare("b", lambda: "b"), "the worker is busy: b is not queued"
    release.set()
    ahead.get("a", lambda: None)
    assert ahead.prepare("b", lambda: "b")
    assert not ahead.prepare("b", lambda: "again"), "stored already"
    assert ahead.get("b", lambda: "caller") == "b"


def test_least_recently_used_out_first():
    ahead, calls = Ahead(2, "test"), []
    for key in "abc":
        ahead.get(key, lambda key=key: calls.append(key) or key)
    ahead.get("a", lambda: calls.append("a again") or "a")
    assert calls == ["a", "b", "c", "a again"], "a was the oldest of three in a store of two"
    ahead.get("c", lambda: calls.append("c again"))
    assert calls[-1] == "a again", "c is still stored"


def test_a_failed_background_job_fails_again_for_the_caller_and_is_not_kept():
    ahead = Ahead(4, "test")

    def fails():
        raise ValueError("no")

    ahead.prepare("a", fails)
    with pytest.raises(ValueError, match="no"):
        ahead.get("a", fails)
    assert ahead.get("a", lambda: "fixed") == "fixed"


@pytest.mark.parametrize(
    ("span", "previous", "expected"),
    [
        (1.0, None, 1.05),
        (1.0, 0.95, 1.05),
        (1.0, 1.05, 0.95),
        (1.0, 1.0, 1.05),
        (0.1, 0.15, 0.05),
        (SPAN_RANGE[0], 0.1, None),
        (SPAN_RANGE[1], 4.95, None),
        (4.95, 4.9, 5.0),
    ],
)
def test_the_next_span_is_one_step_on_in_the_direction_of_the_last_move(span, previous, expected):
    assert next_span(span, previous) == expected
    assert SPAN_STEP == 0.05


def test_a_prepared_job_waits_to_settle_unless_it_is_asked_for():
    ahead, began = Ahead(4, "test"), threading.Event()
    assert ahead.prepare("a", lambda: began.set() or "a", settle=0.3)
    assert not began.wait(0.1), "still settling"
    assert began.wait(2), "then it runs on its own"
    assert ahead.get("a", lambda: "caller") == "a"
    assert ahead.prepare("b", lambda: "b", settle=60)
    started = time.perf_counter()
    assert ahead.get("b", lambda: "caller") == "b", "asked for: it starts at once"
    assert time.perf_counter() - started < 5
