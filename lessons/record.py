"""The shape every preset and lesson shares: a key for links, a title for its button, and the
sentence that says what to look for. Each page's records add their payload (a config, runs)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str
    look_for: str


def catalog(records) -> dict:
    """Records by key, in their order; a repeated key is a mistake in the data."""
    found = {record.key: record for record in records}
    if len(found) != len(records):
        raise ValueError("Two lessons share a key.")
    return found
