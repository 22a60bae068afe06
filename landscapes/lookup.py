"""One way to get a landscape from its key: a catalogue record or a typed formula."""

from landscapes.catalog import CATALOG
from landscapes.landscape import Landscape


def lookup(key: str) -> Landscape:
    """The catalogue record `key`, or the landscape a formula key describes.

    Raises ValueError (a FormulaError for a formula) with a message a user can read.
    """
    from landscapes.expression import is_formula_key, parse_key

    if key in CATALOG:
        return CATALOG[key]
    if isinstance(key, str) and is_formula_key(key):
        return parse_key(key)
    names = ", ".join(CATALOG)
    raise ValueError(f"Unknown landscape {key!r}. Choose one of: {names}, or type a formula.")
