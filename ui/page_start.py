"""What every page does first: run through app.py, restore its state once, title, presets."""

from collections.abc import Callable, Iterable

import streamlit as st

from ui import headings
from ui.navigation import run_through_app


def page_start(title: str, prefix: str, first_load: Callable[[], None], fallback: str) -> None:
    """Restore the page's state from the link on a session's first run (`first_load` sets
    `<prefix>loaded`, and `<prefix>link_error` when the link cannot be read), then show the
    title and, once, why the link was not used."""
    run_through_app()
    if f"{prefix}loaded" not in st.session_state:
        first_load()
    st.title(title)
    if f"{prefix}link_error" in st.session_state:
        st.warning(
            f"This link could not be read: {st.session_state.pop(f'{prefix}link_error')} "
            f"Showing {fallback} instead.",
            icon=":material/link_off:",
        )


def preset_buttons(
    container,
    heading: str,
    presets: Iterable,
    key_prefix: str,
    on_click: Callable[[str], None],
) -> None:
    """One full-width button per preset record (with `key` and `title`)."""
    headings.subheader(heading, container)
    for preset in presets:
        container.button(
            preset.title,
            key=f"{key_prefix}{preset.key}",
            on_click=on_click,
            args=(preset.key,),
            width="stretch",
        )
