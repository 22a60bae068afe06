"""Generic test settings shared by every test package."""

from hypothesis import settings

# JIT compilation makes the first example of a property test slow: no per-example deadline.
settings.register_profile("ci", deadline=None)
settings.load_profile("ci")
