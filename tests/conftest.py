"""Generic test settings shared by every test package."""

import functools

from hypothesis import settings
from streamlit.components.v2 import manifest_scanner

# JIT compilation makes the first example of a property test slow: no per-example deadline.
settings.register_profile("ci", deadline=None)
settings.load_profile("ci")

# Every AppTest run scans all installed distributions for Streamlit component manifests
# (≈ 0.5 s a run here, more than most pages take); what is installed does not change while the
# tests run, so one scan serves them all.
manifest_scanner.scan_component_manifests = functools.cache(
    manifest_scanner.scan_component_manifests
)
