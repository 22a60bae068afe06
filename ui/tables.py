"""Small tables of numbers, drawn as static HTML tables.

`st.dataframe` draws an interactive grid on a canvas: for the few rows of a run table it costs
the browser ≈ 20 ms more per slider move than `st.table` (measured on the learning-rate lab), and
its sorting and scrolling buy nothing at four rows. Numbers are shown as they are held (the
tables round them to three significant digits), not padded to `st.table`'s four decimals, which
would turn 0.000123 into 0.0001; a missing value is an empty cell.
"""

import numbers

import pandas as pd
import streamlit as st


def shown(value) -> str:
    """A cell's text: a number in its shortest form (`g`), None or NaN empty."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return f"{value:.6g}"
    return str(value)


def static_table(rows: list[dict], box=st) -> None:
    """`rows` (one dict per row, the same keys) as a table without an index in `box`."""
    frame = pd.DataFrame(rows)
    numeric = frame.select_dtypes("number").columns
    styled = frame.style.format(shown).set_properties(subset=numeric, **{"text-align": "right"})
    box.table(styled, hide_index=True)
