"""The page's link in the browser's address bar, written there by the browser itself.

A fragment's rerun that changes the link through `st.query_params` costs the browser a render
of the whole app (Streamlit's page-info message): ≈ 30 ms of a 140 ms span press on the loss
landscape (A/B, 110 ms without it). `show_link(query)` mounts an inline component (no frame)
that puts the query into the address bar with `history.replaceState` instead, and a page's
full runs still write `st.query_params` (ui/binder.py): Streamlit's own copy of the link, which
it sends back with each rerun, is behind only between two full runs, and nothing reads it there.
"""

from urllib.parse import urlencode

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

KEY = "address-bar"  # its box is hidden (ui/binder.py's COMPACT style): the component draws nothing

WRITER_JS = """
export default function ({ data }) {
  const search = data ? `?${data}` : "";
  if (window.location.search !== search) {
    window.history.replaceState(window.history.state, "", window.location.pathname + search);
  }
}
"""


def fragment_rerun() -> bool:
    """Whether this run reruns fragments only (a fragment's control moved)."""
    ctx = get_script_run_ctx()
    return bool(ctx and ctx.fragment_ids_this_run)


def show_link(query: dict[str, str]) -> None:
    """Put `query` into the address bar, as Streamlit encodes it."""
    writer = st.components.v2.component("optiscape_address_bar", js=WRITER_JS)
    writer(key=KEY, data=urlencode(query, doseq=True), height=0)
