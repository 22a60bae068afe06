"""Small tables of numbers, drawn as static HTML tables.

`st.dataframe` draws an interactive grid on a canvas: for the few rows of a run table it costs
the browser ≈ 20 ms more per slider move than `st.table` (measured on the learning-rate lab), and
its sorting and scrolling buy nothing at four rows. Every cell goes as text: a number as it is
held (the tables round them to three significant digits), not padded to `st.table`'s four
decimals, which would turn 0.000123 into 0.0001, and a missing value empty. (A pandas Styler
would format them and keep numbers right-aligned, but costs ≈ 10 ms of the script per table.)
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
    cells = [{key: shown(value) for key, value in row.items()} for row in rows]
    box.table(pd.DataFrame(cells), hide_index=True)
