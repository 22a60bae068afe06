"""Controls in a closed expander, not drawn: a closed expander's widgets still cost the browser a
render on every script run (≈ 1.6 ms each inside a fragment, issue 13), though nobody sees them.

`lazy_expander(container, label, key)` is an expander that reruns the script when opened or
closed; it returns itself while open, else `UNSEEN`: a stand-in container on which every widget
call draws nothing and returns the value its key holds, so a control function gives the same
value either way. The value is written back to its key (`ss[key] = ss[key]`): Streamlit forgets
the state of a widget a run does not draw, unless the script sets it itself.
"""

import streamlit as st

ss = st.session_state


class _Unseen:
    """The container of a closed expander: its widgets return their kept values."""

    def _kept(self, *_, key: str, **__):
        ss[key] = ss[key]
        return ss[key]

    selectbox = slider = select_slider = toggle = checkbox = number_input = _kept

    def container(self, *_, **__) -> "_Unseen":
        return self


UNSEEN = _Unseen()


def lazy_expander(container, label: str, key: str, expanded: bool = False):
    """An expander in `container` whose contents are drawn only while it is open: the expander,
    or UNSEEN while closed. Its state is kept under `key`, also when its label changes."""
    box = container.expander(label, expanded=ss.get(key, expanded), key=key, on_change="rerun")
    return box if box.open else UNSEEN
