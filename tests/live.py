"""What an AppTest run drew: the figures the live-figures component received, the headings."""

import json

from streamlit.testing.v1 import AppTest


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
