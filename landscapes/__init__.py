"""2-D loss landscapes as data."""

from landscapes.catalog import CATALOG
from landscapes.landscape import Landscape
from landscapes.lookup import lookup

__all__ = ["CATALOG", "Landscape", "lookup"]
