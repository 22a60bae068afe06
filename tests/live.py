"""AppTests of the pages, and what a run drew: the figures the live-figures component received,
the headings and the tables."""

import json
import re
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from ui.first_screen import drawn_key


def page_test(path: str | Path, timeout: float = 120) -> AppTest:
    """An AppTest of the page at `path` as a browser has it once the page's first chart is
    drawn: with its sections below the first screen, which a session's first run of the page
    leaves out until then (ui/first_screen.py)."""
    at = AppTest.from_file(str(path), default_timeout=timeout)
    at.session_state[drawn_key(Path(path).stem)] = True
    return at


def live_figures(at: AppTest) -> list[str]:
    """The JSON of each figure given to the page's live-figures component, in order."""
    element = next(
        e for e in at.get("component_instance") if e.proto.component_name.endswith("live_figures")
    )
    sent = {arg.key: arg.bytes.decode() for arg in element.proto.special_args}
    return [sent[f"figure{i}"] for i in range(len(sent))]


def _figures_in(node):
    kind = getattr(node, "type", None)
    if kind == "plotly_chart":
        yield json.loads(node.proto.spec)
    elif kind == "component_instance" and node.proto.component_name.endswith("live_figures"):
        sent = {arg.key: arg.bytes.decode() for arg in node.proto.special_args}
        yield from (json.loads(sent[f"figure{i}"]) for i in range(len(sent)))
    for child in getattr(node, "children", {}).values():
        yield from _figures_in(child)


def charts(at: AppTest) -> list[dict]:
    """Every figure of the page's main area, in page order, whether `st.plotly_chart` or a
    live-figures frame draws it (ui.charts.plotly_chart / live_chart)."""
    return list(_figures_in(at.main))


def headings(at: AppTest) -> list[str]:
    """The section headings the run drew (`ui.headings`: Markdown `##` and `###`), in order."""
    return [m.value.lstrip("#").strip() for m in at.markdown if m.value.startswith("#")]


def _cells(line: str) -> list[str]:
    inner = line.strip()[1:-1]
    return [re.sub(r"\\(.)", r"\1", c).strip() for c in re.split(r"(?<!\\)\|", inner)]


def tables_of(texts: list[str]) -> list[pd.DataFrame]:
    """The Markdown tables among `texts` (`ui.tables`), each as a frame of its cells' texts."""
    found = []
    for text in texts:
        lines = text.splitlines()
        if len(lines) >= 2 and lines[0].startswith("|") and set(lines[1]) <= set("|-: "):
            found.append(pd.DataFrame([_cells(row) for row in lines[2:]], columns=_cells(lines[0])))
    return found


def tables(at: AppTest) -> list[pd.DataFrame]:
    """The tables the run drew (`ui.tables`: Markdown tables), each as a frame of its texts."""
    return tables_of([element.value for element in at.markdown])
