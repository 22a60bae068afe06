"""A class at once (issue 13): `python -m benchmarks.sessions` prints a Markdown table.

When a lecturer shares a link, the class opens it in the same minute, and every session's script
runs in the one server process. This script serves app.py (`streamlit run`, headless, a free
127.0.0.1 port, stopped at the end, also on errors and SIGTERM) and opens N sessions at once over
Streamlit's own websocket, without a browser: each connects to ws://127.0.0.1:<port>/_stcore/stream
(subprotocol "streamlit", a same-origin Origin header) and sends what the browser sends first, a
BackMsg `rerun_script` with the link's query string, no widget states and the browser's context
info; the session ends at the ForwardMsg `script_finished` (a run finished early for a rerun is
waited past). Its time runs from the connect to that message.

Each session opens the race link with 4 optimizers (the zigzag preset's) × 200 steps, every one
from a start no other session in the run uses (so every run is new), for N = 1, 10, 30, 60 at
once; then 60 sessions open one new link (the same start each: one run, then cache hits). Before
that, the first session after the server start (which may compile kernels), alone. Errors: a
session that failed to connect, timed out, or whose script showed an exception or did not finish
successfully. Server CPU per session start
is the server process's user + system time (/proc/<pid>/stat) over a round ÷ N; peak RSS is the
largest resident size sampled every 50 ms during a round (/proc/<pid>/status), and VmHWM the
server's peak over its life.

Bounded: at most 60 sessions at a time, SESSION_TIMEOUT_S each, ROUND_TIMEOUT_S per round;
127.0.0.1 only; it stops by itself.
"""

from __future__ import annotations

import asyncio
import math
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

import landscapes
from benchmarks.browser_timing import streamlit_server
from lessons.race import CATALOG as PRESETS
from ui.race_link import RaceLink

ROUNDS = (1, 10, 30, 60)
SAME_LINK = 60
STEPS = 200
SESSION_TIMEOUT_S = 120.0
ROUND_TIMEOUT_S = 180.0
MAX_MESSAGE_BYTES = 64 * 2**20
RACE = PRESETS["zigzag"].config.replace(steps=STEPS)  # 4 optimizers on the ravine
GOLDEN = (math.sqrt(5) - 1) / 2


def start(i: int) -> tuple[float, float]:
    """The i-th start: a low-discrepancy sequence over the middle 90 % of the domain, rounded
    as a link would carry it; distinct for every i in a run."""
    (x0, x1), (y0, y1) = landscapes.lookup(RACE.landscape).domain
    u, v = (0.05 + 0.9 * ((i * GOLDEN) % 1.0)), (0.05 + 0.9 * ((i * math.sqrt(2)) % 1.0))
    return round(x0 + u * (x1 - x0), 4), round(y0 + v * (y1 - y0), 4)


def race_query(i: int) -> str:
    return urlencode(RaceLink(RACE.replace(starts=(start(i),))).to_query())


def rerun_message(query: str, url: str) -> bytes:
    """What the browser sends first on a new session (as Chromium does for the app's URL)."""
    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.widget_states.SetInParent()
    info = msg.rerun_script.context_info
    info.timezone, info.timezone_offset, info.locale = "UTC", 0, "en-US"
    info.url, info.is_embedded, info.color_scheme = url + "/", False, "light"
    return msg.SerializeToString()


@dataclass
class Session:
    seconds: float | None  # None: failed
    error: str | None
    received: int  # bytes


async def session(url: str, query: str) -> Session:
    from websockets.asyncio.client import connect

    begin = time.perf_counter()
    received = 0
    problem = None
    try:
        async with asyncio.timeout(SESSION_TIMEOUT_S):
            async with connect(
                url.replace("http://", "ws://") + "/_stcore/stream",
                subprotocols=["streamlit"],
                origin=url,
                max_size=MAX_MESSAGE_BYTES,
                open_timeout=SESSION_TIMEOUT_S,
            ) as ws:
                await ws.send(rerun_message(query, url))
                async for frame in ws:
                    received += len(frame)
                    msg = ForwardMsg()
                    msg.ParseFromString(frame)
                    kind = msg.WhichOneof("type")
                    if kind == "delta" and msg.delta.new_element.WhichOneof("type") == "exception":
                        problem = problem or f"exception: {msg.delta.new_element.exception.message}"
                    if kind == "script_finished":
                        status = msg.script_finished
                        if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                            continue
                        if status != ForwardMsg.FINISHED_SUCCESSFULLY:
                            problem = problem or f"script finished with status {status}"
                        seconds = time.perf_counter() - begin
                        return Session(None if problem else seconds, problem, received)
                return Session(None, "the server closed the connection", received)
    except TimeoutError:
        return Session(None, f"no script_finished within {SESSION_TIMEOUT_S:.0f} s", received)
    except OSError as error:
        return Session(None, f"{type(error).__name__}: {error}", received)
    except Exception as error:  # a protocol error of one session must not end the run
        return Session(None, f"{type(error).__name__}: {error}", received)


# --- the server's CPU and memory ------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Round:
    label: str
    sessions: list[Session]
    wall_s: float
    cpu_s: float
    peak_rss_mb: float

    def times(self) -> list[float]:
        return [s.seconds for s in self.sessions if s.seconds is not None]

    def errors(self) -> list[str]:
        return [s.error for s in self.sessions if s.error is not None]


async def sample_rss(pid: int, peak: list[float]) -> None:
    while True:
        peak[0] = max(peak[0], memory_mb(pid, "VmRSS"))
        await asyncio.sleep(0.05)


async def one_round(label: str, url: str, pid: int, queries: list[str]) -> Round:
    peak = [memory_mb(pid, "VmRSS")]
    sampler = asyncio.create_task(sample_rss(pid, peak))
    cpu_before, begin = cpu_seconds(pid), time.perf_counter()
    try:
        async with asyncio.timeout(ROUND_TIMEOUT_S):
            sessions = await asyncio.gather(*(session(url, q) for q in queries))
    except TimeoutError:
        sessions = [Session(None, f"round over {ROUND_TIMEOUT_S:.0f} s", 0)] * len(queries)
    wall = time.perf_counter() - begin
    cpu = cpu_seconds(pid) - cpu_before
    sampler.cancel()
    await asyncio.sleep(1.0)  # let the server drop the closed sessions before the next round
    return Round(label, list(sessions), wall, cpu, peak[0])


async def rounds(url: str, pid: int) -> list[Round]:
    # The first session after the server start: untimed for the rounds, shown on its own row.
    results = [await one_round("first session after the server start", url, pid, [race_query(0)])]
    if results[0].errors():
        raise RuntimeError(f"The first session failed: {results[0].errors()}")
    used = 1
    for n in ROUNDS:
        queries = [race_query(used + i) for i in range(n)]
        used += n
        print(f"{n} sessions at once …", file=sys.stderr, flush=True)
        results.append(await one_round(f"{n} at once, each its own start", url, pid, queries))
    print(f"the same link {SAME_LINK} times …", file=sys.stderr, flush=True)
    same = [race_query(used)] * SAME_LINK
    results.append(await one_round(f"the same new link {SAME_LINK} times", url, pid, same))
    return results


def quantile(values: list[float], q: float) -> str:
    return f"{np.quantile(values, q):.2f} s" if values else "–"


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    load_start = os.getloadavg()
    with streamlit_server("app.py") as (url, pid):
        results = asyncio.run(rounds(url, pid))
        lifetime_peak = memory_mb(pid, "VmHWM")
    load_end = os.getloadavg()
    print(
        f"Machine: {os.cpu_count()} cores, load average (1 min) {load_start[0]:.1f} at the start,"
        f" {load_end[0]:.1f} at the end. Race link: {len(RACE.optimizers)} optimizers × {STEPS} "
        f"steps on {RACE.landscape}.\n"
    )
    print(
        "| sessions opening a race link at once | p50 | p95 | max | errors | server CPU per "
        "session start | peak RSS |\n| --- | --- | --- | --- | --- | --- | --- |"
    )
    for r in results:
        times, errors = r.times(), r.errors()
        why = f" ({'; '.join(sorted(set(errors))[:3])})" if errors else ""
        print(
            f"| {r.label} | {quantile(times, 0.5)} | {quantile(times, 0.95)} | "
            f"{max(times, default=math.nan):.2f} s | {len(errors)}{why} | "
            f"{r.cpu_s / len(r.sessions):.2f} s | {r.peak_rss_mb:.0f} MB |"
        )
    print(f"\nServer's peak resident memory over the run (VmHWM): {lifetime_peak:.0f} MB.")


if __name__ == "__main__":
    main()
