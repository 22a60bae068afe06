"""Custom Streamlit components, for what `st.plotly_chart` cannot do.

Each component is a folder holding its `index.html`; it draws with the plotly.js that ships with
plotly.py, so no second copy lives in the repository and the two can never disagree.
"""

import hashlib
import shutil
import tempfile
from pathlib import Path

import plotly

PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
SVG_BUTTON_JS = Path(__file__).with_name("svg_button.js")


def serving_folder(index_html: Path) -> Path:
    """A private folder holding `index_html`, plotly.min.js and the SVG button's script, named
    by their contents: servers of two checkouts never serve each other's page."""
    name = index_html.parent.name.replace("_", "-")
    digest = hashlib.blake2b(digest_size=6)
    for source in (index_html, SVG_BUTTON_JS):
        digest.update(source.read_bytes())
    folder = Path(tempfile.gettempdir()) / (
        f"optiscape-{name}-{plotly.__version__}-{digest.hexdigest()}"
    )
    folder.mkdir(exist_ok=True)
    for source in (index_html, PLOTLY_JS, SVG_BUTTON_JS):
        target = folder / source.name
        if not target.exists() or target.read_bytes() != source.read_bytes():
            partial = folder / f".{source.name}.partial"
            shutil.copyfile(source, partial)
            partial.replace(target)
    return folder
