"""`Params`: hyperparameter values as a frozen, hashable mapping.

Configs are cache keys and must be hashable all the way down, yet code reads hyperparameters as
a mapping (``hp["learning_rate"]``, ``optax.adam(**hp)``). `Params` is both: a read-only mapping
stored as a tuple of (name, value) pairs in the record's order, equal to any mapping with the
same items.
"""

from collections.abc import Iterator, Mapping


class Params(Mapping):
    """An immutable name → float mapping; hashable, equal to a dict with the same items."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, float] | tuple = ()):
        pairs = tuple(items.items()) if isinstance(items, Mapping) else tuple(items)
        object.__setattr__(self, "_items", tuple((str(k), float(v)) for k, v in pairs))

    def __getitem__(self, name: str) -> float:
        for key, value in self._items:
            if key == name:
                return value
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return (key for key, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __or__(self, other: Mapping) -> "Params":
        """These values with `other`'s replacing or adding to them, like `dict | dict`."""
        return Params({**self, **other})

    def __ror__(self, other: Mapping) -> "Params":
        return Params({**other, **self})

    def __hash__(self) -> int:
        return hash(frozenset(self._items))

    def __setattr__(self, name, value):
        raise AttributeError("Params are read-only; build a new one.")

    def __repr__(self) -> str:
        return f"Params({dict(self._items)!r})"

    def __reduce__(self):
        return (Params, (self._items,))
