"""Section headings written as Markdown.

`st.subheader` and `st.header` draw the same `<h3>` and `<h2>` as a Markdown `###` and `##`, but
each costs the browser about 1 ms more on every script run of the page, a fragment's included
(issue 13: twenty subheaders added ≈ 20 ms to a bare page's slider press, twenty Markdown
headings ≈ 5 ms). A page with seven headings pays that on every press of its sliders.
"""

import streamlit as st


def subheader(text: str, container=None) -> None:
    """A section heading (`<h3>`) in `container` (by default where the page writes now)."""
    (container or st).markdown(f"### {text}")


def header(text: str, container=None) -> None:
    """A part's heading (`<h2>`) in `container` (by default where the page writes now)."""
    (container or st).markdown(f"## {text}")
