"""A page's sections below its first screen, drawn once its first chart is (issue 13).

A new visitor's browser renders every element a run sends before the first chart appears:
the frames of charts nobody sees yet, formulas, notes. Below init/norm's first screen that is
≈ 0.5 s of a 2.7 s load, below the lab's ≈ 0.35 s (measured: the same page without them).

`below_first_screen(page)` is False on a session's first run of `page`: it then mounts a
trigger, an inline component without a frame of its own, which waits until a chart frame of the
page announces its first drawing (`announceDrawn` in components/near_screen.js) and the browser
is idle, or LATEST_MS at most, and reruns the page; from that run on it is True, and the page
draws those sections as before. Until then the trigger's box, class `st-key-<WAITING>…`, is on
the page (tests and benchmarks wait for it to go).
"""

from contextlib import nullcontext

import streamlit as st

ss = st.session_state

WAITING = "below-first-screen"
IDLE_MS = 500  # after a chart is drawn, wait at most this long for the browser to be idle
LATEST_MS = 4000  # draw the sections after this long even if no chart announced itself
CHART_DRAWN = "optiscape:chart-drawn"  # the event components/near_screen.js dispatches

TRIGGER_JS = f"""
export default function ({{ setTriggerValue }}) {{
  let done = false;
  const fire = () => {{
    if (!done) {{ done = true; setTriggerValue("drawn", true); }}
  }};
  const soon = () => requestIdleCallback(fire, {{timeout: {IDLE_MS}}});
  window.addEventListener("{CHART_DRAWN}", soon, {{once: true}});
  const latest = setTimeout(fire, {LATEST_MS});
  return () => {{
    done = true;
    clearTimeout(latest);
    window.removeEventListener("{CHART_DRAWN}", soon);
  }};
}}
"""


def drawn_key(page: str) -> str:
    """The session-state key that says `page`'s first screen was drawn in this session."""
    return f"{page}.first_screen_drawn"


def below_first_screen(page: str, box=None) -> bool:
    """Whether this run draws `page`'s sections below its first screen; if not, the trigger
    that reruns the page once its first chart is drawn is mounted in `box` (default: here)."""
    key = drawn_key(page)
    if ss.get(key):
        return True
    trigger = st.components.v2.component("optiscape_first_screen", js=TRIGGER_JS)
    with box if box is not None else nullcontext():
        trigger(key=f"{WAITING}-{page}", on_drawn_change=lambda: ss.update({key: True}), height=0)
    return False
