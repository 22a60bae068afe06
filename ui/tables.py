"""Small tables of numbers, drawn as Markdown tables.

`st.dataframe` draws an interactive grid on a canvas: for the few rows of a run table it costs
the browser ≈ 20 ms more per slider move than `st.table`, and its sorting and scrolling buy
nothing at four rows. `st.table` in turn builds a pandas frame and sends it as Arrow (≈ 6 ms of
the script per table), which the browser decodes: the same rows as a Markdown table took the
lab's rate step from 138 to 123 ms (issue 13). Every cell goes as text: a number as it is held
(the tables round them to three significant digits), a missing value empty; a column of numbers
is right-aligned.
"""

import numbers
import re

import streamlit as st

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|$<>~])")  # escaped, so a cell shows as typed


def shown(value) -> str:
    """A cell's text: a number in its shortest form (`g`), None or NaN empty."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return f"{value:.6g}"
    return str(value)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def markdown_table(rows: list[dict]) -> str:
    """`rows` (one dict per row, the same keys) as a Markdown table, numbers right-aligned."""
    columns = list(rows[0])
    cells = [[shown(row[key]) for key in columns] for row in rows]
    numeric = [
        any(row[i] for row in cells) and all(_is_number(row[i]) for row in cells if row[i])
        for i in range(len(columns))
    ]

    def line(texts) -> str:
        return "| " + " | ".join(_MARKDOWN.sub(r"\\\1", text) for text in texts) + " |"

    rule = "| " + " | ".join("---:" if right else "---" for right in numeric) + " |"
    return "\n".join([line(columns), rule, *(line(row) for row in cells)])


def static_table(rows: list[dict], box=st) -> None:
    """`rows` (one dict per row, the same keys) as a table without an index in `box`."""
    box.markdown(markdown_table(rows))
