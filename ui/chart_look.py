"""Every `st.plotly_chart` figure without a template: its look spelt out in the figure.

`st.plotly_chart` (theme "streamlit") merges Streamlit's theme into a figure's template and hands
the figure to Plotly.react twice, the second time as a deep copy. plotly.js compares a template
by identity, so the copy counts as a new template and the whole figure is drawn again (the
search page's response surface: ten thousand cells twice on every slider move; the layer
statistics of the initialization page: 2 × 100 ms). A figure without a template, drawn with
theme=None, is compared value by value and drawn once (ui.figure_dicts.show_dict).

`flattened` writes what the template and this app's light Streamlit theme would have given
(the figure's own values win, as they would over a template), so the charts look the same.
"""

from collections.abc import Mapping

# What Streamlit 1.67 merges into a chart's template.layout for this app's theme
# (.streamlit/config.toml: base "light"): read from the page, `gd.layout.template.layout`.
_SANS = '"Source Sans", sans-serif, "Source Sans", sans-serif'
_TEXT, _GRID = "#808495", "#e6eaf1"
_TITLE = dict(color=_TEXT, size=14)
_AXIS = dict(
    gridcolor=_GRID,
    zerolinecolor=_GRID,
    automargin=False,
    tickcolor=_GRID,
    tickfont=dict(color=_TEXT, size=12),
)  # and minor=dict(gridcolor=_GRID): in a figure (not a template) it would turn minor grids on
STREAMLIT_LIGHT = dict(
    font=dict(color=_TEXT, family=_SANS, size=12, weight=400),
    legend=dict(
        title=dict(font=dict(size=12, color=_TEXT), side="top"),
        valign="top",
        bordercolor="rgba(0, 0, 0, 0)",  # "transparent" in Streamlit
        borderwidth=0,
        font=dict(size=12, color="#262730"),
    ),
    paper_bgcolor="#FFFFFF",
    plot_bgcolor="#FFFFFF",
    xaxis=_AXIS
    | dict(
        title=dict(standoff=20, font=dict(color=_TEXT, size=14)), showgrid=False, zeroline=False
    ),
    yaxis=_AXIS
    | dict(title=dict(standoff=24, font=dict(color=_TEXT, size=14)), ticklabelposition="outside"),
    margin=dict(pad=8, r=0, l=0),
    hoverlabel=dict(
        bgcolor="#FFFFFF", bordercolor="#DCD8D4", font=dict(color=_TEXT, family=_SANS, size=12)
    ),
)
# Template parts that are not layout attributes, or that these figures do not use.
_NOT_LAYOUT = {"xaxis", "yaxis", "shapedefaults", "annotationdefaults", "title", "ternary"}
_NOT_LAYOUT |= {"coloraxis", "colorscale", "polar", "scene", "geo"}


def merged(base: Mapping, top: Mapping) -> dict:
    """`top` over `base`, dict by dict (as a template's values sit under a figure's own)."""
    out = dict(base)
    for key, value in top.items():
        below = out.get(key)
        both = isinstance(value, Mapping) and isinstance(below, Mapping)
        out[key] = merged(below, value) if both else value
    return out


def flattened(spec: Mapping) -> dict:
    """The figure without `layout.template`: the template, with Streamlit's light theme over it,
    written into the layout, each axis, each shape and annotation and each trace."""
    layout = dict(spec["layout"])
    template = layout.pop("template", {})
    look = merged(template.get("layout", {}), STREAMLIT_LIGHT)
    out = merged({k: v for k, v in look.items() if k not in _NOT_LAYOUT}, layout)
    for key, value in layout.items():
        if key.startswith(("xaxis", "yaxis")):
            out[key] = merged(look.get(key[:5], {}), value)
    for key, defaults in (("shapes", "shapedefaults"), ("annotations", "annotationdefaults")):
        if key in layout:
            out[key] = [merged(look.get(defaults, {}), item) for item in layout[key]]
    kinds = template.get("data", {})
    data = []
    for trace in spec["data"]:
        default = (kinds.get(trace.get("type", "scatter")) or [{}])[0]
        data.append(merged({k: v for k, v in default.items() if k != "type"}, trace))
    return {**spec, "data": data, "layout": out}
