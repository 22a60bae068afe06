"""2-D loss landscapes as data."""

from landscapes.catalog import CATALOG
from landscapes.landscape import Landscape

__all__ = ["CATALOG", "Landscape"]
