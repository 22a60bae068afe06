"""Keep every session inside navigation.py's st.navigation."""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def run_through_app() -> None:
    """Rerun through navigation.py when Streamlit ran this page on its own.

    Until navigation.py has called `st.navigation` once in a server's life, Streamlit treats
    `pages/` as an old-style pages folder: the first visitor of a link such as /learning_rate gets
    the page without navigation.py (narrow layout, folder-named navigation). Leaving that mode and
    rerunning runs navigation.py, which opens the same page (both modes name it by its file).
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
