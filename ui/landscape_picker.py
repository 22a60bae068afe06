"""The landscape picker shared by the pages: a catalogue record, or a formula the user types.

The landscape in use lives in st.session_state[<prefix>land] as a key `landscapes.lookup`
understands. A typed formula replaces it only once it parses: a bad one leaves the last good
landscape (and its picture) in place and shows why under the input.
"""

from collections.abc import Callable

import streamlit as st

import landscapes
from landscapes.expression import FormulaError, is_formula_key, parse

FORMULA = "formula"
EXAMPLE = "sin(3*x)*cos(3*y) + 0.1*(x^2 + y^2)"
EXAMPLE_DOMAIN = ((-3.0, 3.0), (-3.0, 3.0))
BOUND_LIMIT = 1e4
ss = st.session_state


def _names(prefix: str) -> dict[str, str]:
    return {
        name: f"{prefix}{name}"
        for name in ("land", "land_pick", "formula", "fx0", "fx1", "fy0", "fy1", "formula_error")
    }


def formula_parts(key: str) -> tuple[str, tuple[tuple[float, float], tuple[float, float]]]:
    """The text and domain of a formula key."""
    domain = landscapes.lookup(key).domain
    text = key.removeprefix("formula:").rsplit("@", 1)[0]
    return text, domain


def set_landscape(prefix: str, key: str) -> None:
    """Point the picker's widgets at `key` (from a link or a preset)."""
    names = _names(prefix)
    ss[names["land"]] = key
    if is_formula_key(key):
        text, ((x0, x1), (y0, y1)) = formula_parts(key)
        ss[names["land_pick"]] = FORMULA
        ss[names["formula"]] = text
        ss[names["fx0"]], ss[names["fx1"]], ss[names["fy0"]], ss[names["fy1"]] = x0, x1, y0, y1
    else:
        ss[names["land_pick"]] = key


def _try_formula(prefix: str, on_new_landscape: Callable[[], None]) -> None:
    names = _names(prefix)
    domain = ((ss[names["fx0"]], ss[names["fx1"]]), (ss[names["fy0"]], ss[names["fy1"]]))
    try:
        land = parse(ss[names["formula"]], domain)
    except FormulaError as error:
        ss[names["formula_error"]] = str(error)
        return
    ss.pop(names["formula_error"], None)
    if land.key != ss[names["land"]]:
        ss[names["land"]] = land.key
        on_new_landscape()


def _picked(prefix: str, on_new_landscape: Callable[[], None]) -> None:
    names = _names(prefix)
    if ss[names["land_pick"]] == FORMULA:
        _try_formula(prefix, on_new_landscape)
    else:
        ss.pop(names["formula_error"], None)
        ss[names["land"]] = ss[names["land_pick"]]
        on_new_landscape()


def landscape_picker(container, prefix: str, on_new_landscape: Callable[[], None]):
    """Draw the picker in `container`; returns the landscape in use."""
    names = _names(prefix)
    ss.setdefault(names["formula"], EXAMPLE)
    (x0, x1), (y0, y1) = EXAMPLE_DOMAIN
    for name, value in (("fx0", x0), ("fx1", x1), ("fy0", y0), ("fy1", y1)):
        ss.setdefault(names[name], value)
    if names["land_pick"] not in ss:
        set_landscape(prefix, ss[names["land"]])
    container.selectbox(
        "Landscape",
        [*landscapes.CATALOG, FORMULA],
        key=names["land_pick"],
        format_func=lambda k: (
            "✎ Type your own f(x, y)" if k == FORMULA else landscapes.CATALOG[k].name
        ),
        on_change=_picked,
        args=(prefix, on_new_landscape),
        label_visibility="collapsed",
    )
    if ss[names["land_pick"]] == FORMULA:
        container.text_input(
            "f(x, y) =",
            key=names["formula"],
            on_change=_try_formula,
            args=(prefix, on_new_landscape),
            help="Use x, y, numbers, + − * / ^ (or **), parentheses, pi, e and sin cos tan exp "
            "log sqrt abs tanh sinh cosh arctan min max. Press Enter to draw.",
            max_chars=300,
        )
        left, right = container.columns(2)
        for column, name, label in (
            (left, "fx0", "x from"),
            (right, "fx1", "x to"),
            (left, "fy0", "y from"),
            (right, "fy1", "y to"),
        ):
            column.number_input(
                label,
                -BOUND_LIMIT,
                BOUND_LIMIT,
                key=names[name],
                step=0.5,
                format="%g",
                on_change=_try_formula,
                args=(prefix, on_new_landscape),
            )
        if names["formula_error"] in ss:
            message = ss[names["formula_error"]].replace("*", r"\*").replace("_", r"\_")
            container.error(message + " The last good landscape is still shown.")
    return landscapes.lookup(ss[names["land"]])
