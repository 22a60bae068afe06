"""Custom Streamlit components, for what `st.plotly_chart` cannot do.

Each component is a folder holding its `index.html`; it draws with the plotly.js that ships with
plotly.py, or, when every trace of a frame's figures is cartesian, with plotly.js's cartesian
bundle of the same version (vendor/plotly-cartesian.min.js: npm plotly.js-cartesian-dist-min,
MIT, a third of the size and ≈ 0.7 s less to load a frame here; `plotly_loader.js` chooses, and a
test checks the two versions agree).
"""

import hashlib
import shutil
import tempfile
from pathlib import Path

import plotly

PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
HERE = Path(__file__).parent
PLOTLY_CARTESIAN_JS = HERE / "vendor" / "plotly-cartesian.min.js"
SVG_BUTTON_JS = HERE / "svg_button.js"
PLOTLY_LOADER_JS = HERE / "plotly_loader.js"
NEAR_SCREEN_JS = HERE / "near_screen.js"
MOVE_POINTS_JS = HERE / "move_points.js"
OWN_SCRIPTS = (PLOTLY_CARTESIAN_JS, SVG_BUTTON_JS, PLOTLY_LOADER_JS, NEAR_SCREEN_JS, MOVE_POINTS_JS)
SCRIPTS = (PLOTLY_JS, *OWN_SCRIPTS)


def serving_folder(index_html: Path) -> Path:
    """A private folder holding `index_html` and the scripts it loads (`SCRIPTS`), named by
    their contents: servers of two checkouts never serve each other's page."""
    name = index_html.parent.name.replace("_", "-")
    digest = hashlib.blake2b(digest_size=6)
    for source in (index_html, *OWN_SCRIPTS):
        digest.update(source.read_bytes())
    folder = Path(tempfile.gettempdir()) / (
        f"optiscape-{name}-{plotly.__version__}-{digest.hexdigest()}"
    )
    folder.mkdir(exist_ok=True)
    for source in (index_html, *SCRIPTS):
        target = folder / source.name
        if not target.exists() or target.read_bytes() != source.read_bytes():
            partial = folder / f".{source.name}.partial"
            shutil.copyfile(source, partial)
            partial.replace(target)
    return folder
