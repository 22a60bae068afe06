"""Lecture mode: a projector view, controls hidden by name, and lectures as playlists of links.

Four link keys work on every page, beside the page's own:

- ``present=1``: no sidebar and no Streamlit chrome, text and charts 1.5× larger;
- ``hide=key1,key2``: the named controls (their widget keys) are hidden, so a lecturer can hand
  out a link where only the learning-rate slider moves;
- ``lecture=<name>&slide=<k>``: slide k (from 1) of `lectures/<name>.json`, with "previous /
  next" and "k of n" above the page.

A lecture file is JSON: {"title": …, "slides": [{"title": …, "link": "<page>?<query>",
"say": …}, …]}, `<page>` one of `PAGES`' keys ("" or "race" for the race).
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import streamlit as st

from ui.unseen import UNSEEN, lazy_expander

LECTURES = Path(__file__).resolve().parents[1] / "lectures"
VIEW_KEYS = ("present", "hide", "lecture", "slide")
PRESENT_FACTOR = 1.5
PAGES = {
    "": "pages/race.py",
    "race": "pages/race.py",
    "learning_rate": "pages/learning_rate.py",
    "search": "pages/search.py",
    "adam_pitfalls": "pages/adam_pitfalls.py",
    "network": "pages/network.py",
    "loss_landscape": "pages/loss_landscape.py",
    "init_norm": "pages/init_norm.py",
}
MINE = "mine"
MINE_KEY = "lecture.mine"
BUILDER_OPEN = "lecture.open"
MAX_SLIDES = 100
MAX_TEXT = 2000
PRESENT_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"] {display: none !important;}
[data-testid="stMainBlockContainer"] {max-width: 100% !important; padding: 1rem 2rem !important;}
[data-testid="stMainBlockContainer"] {font-size: 150%;}
[data-testid="stMarkdownContainer"] p, [data-testid="stCaptionContainer"] {font-size: 1.5rem;}
.katex {font-size: 1.8em !important;}
[data-testid="stTable"] table {font-size: 1.25rem !important;}
[class*="st-key-"][class*="notes"], div:has(> [class*="st-key-"][class*="notes"]) {order: 100;}
</style>"""


@dataclass(frozen=True)
class Slide:
    title: str
    link: str
    say: str = ""

    @property
    def page(self) -> str:
        return PAGES[urlsplit(self.link).path.strip("/")]

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.link).query, keep_blank_values=True))


@dataclass(frozen=True)
class Lecture:
    title: str
    slides: tuple[Slide, ...]


def parse_lecture(text: str) -> Lecture:
    """A lecture from its JSON text, or a ValueError that says what is wrong with it."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"This is not a lecture file: it is not JSON ({error}).") from None
    if not isinstance(data, dict) or not isinstance(data.get("slides"), list):
        raise ValueError('A lecture file holds {"title": …, "slides": [ … ]}.')
    slides = data["slides"]
    if not 1 <= len(slides) <= MAX_SLIDES:
        raise ValueError(f"A lecture has 1 to {MAX_SLIDES} slides, not {len(slides)}.")
    parsed = []
    for i, slide in enumerate(slides, start=1):
        if not isinstance(slide, dict) or not isinstance(slide.get("link"), str):
            raise ValueError(f"Slide {i} has no link.")
        texts = [slide.get("title", f"Slide {i}"), slide["link"], slide.get("say", "")]
        if not all(isinstance(t, str) and len(t) <= MAX_TEXT for t in texts):
            raise ValueError(f"Slide {i}: title, link and say are texts of at most {MAX_TEXT}.")
        page = urlsplit(texts[1]).path.strip("/")
        if page not in PAGES:
            raise ValueError(f"Slide {i} links to an unknown page {page!r}.")
        parsed.append(Slide(*texts))
    return Lecture(str(data.get("title", "Lecture")), tuple(parsed))


def shipped() -> dict[str, Lecture]:
    """The lectures in `lectures/`, by file name."""
    return {path.stem: parse_lecture(path.read_text()) for path in sorted(LECTURES.glob("*.json"))}


def present(view: dict[str, str]) -> bool:
    return view.get("present") == "1"


def hidden_classes(view: dict[str, str]) -> list[str]:
    """The CSS classes of the controls `hide=` names: Streamlit gives a keyed widget's box the
    class st-key-<key>, every character other than letters, digits, _ and - turned into -."""
    keys = [key.strip() for key in view.get("hide", "").split(",") if key.strip()]
    return ["st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key) for key in keys]


def apply_view(view: dict[str, str]) -> None:
    """Presentation mode and hidden controls, as style rules for this run of the page."""
    rules = [f".{name} {{display: none !important;}}" for name in hidden_classes(view)]
    if rules:
        st.html("<style>" + "\n".join(rules) + "</style>")
    if present(view):
        st.html(PRESENT_CSS)
        st.button("Leave presentation", key="leave_present", on_click=_leave_present)


def _leave_present() -> None:
    del st.query_params["present"]


def _go(lecture: str, slides: tuple[Slide, ...], k: int) -> None:
    slide = slides[k - 1]
    st.switch_page(slide.page, query_params=slide.query | {"lecture": lecture, "slide": str(k)})


def lecture_bar(view: dict[str, str]) -> None:
    """Above a slide of a lecture: previous / next, "k of n", the slide's title and what to say.
    A lecture or slide that cannot be read is said so, and the page shows as it is."""
    name = view.get("lecture")
    if not name:
        return
    try:
        lecture = load_lecture(name)
        k = int(view.get("slide", "1"))
        if not 1 <= k <= len(lecture.slides):
            raise ValueError(f"It has slides 1 to {len(lecture.slides)}, not {k}.")
    except ValueError as error:
        st.warning(f"The lecture {name!r} could not be opened: {error}", icon=":material/error:")
        return
    slides = lecture.slides
    back, where, forth = st.columns([1, 6, 1], vertical_alignment="center")
    if k > 1 and back.button("◀ previous", key="lecture_back"):
        _go(name, slides, k - 1)
    where.markdown(f"**{lecture.title}** · {k} of {len(slides)}: {slides[k - 1].title}")
    if k < len(slides) and forth.button("next ▶", key="lecture_next"):
        _go(name, slides, k + 1)
    if slides[k - 1].say and not present(view):
        st.caption(slides[k - 1].say)


def load_lecture(name: str) -> Lecture:
    """A lecture shipped in `lectures/`, or the one this session built or loaded ("mine")."""
    if name == MINE:
        if not st.session_state.get(MINE_KEY):
            raise ValueError("This session has no lecture of its own yet.")
        return Lecture("My lecture", tuple(st.session_state[MINE_KEY]))
    lectures = shipped()
    if name not in lectures:
        raise ValueError(f"There is no such lecture (there are: {', '.join(lectures)}).")
    return lectures[name]


def lecture_builder(container, page: str) -> None:
    """Add the picture on show (the link as it is when the button is pressed) to this session's
    lecture, download it, or load one. Folded until opened (`ui.unseen.lazy_expander`): its three
    controls cost every script run a render while nobody looks at them."""
    box = lazy_expander(container, "My lecture", BUILDER_OPEN)
    if box is UNSEEN:
        return
    mine = st.session_state.setdefault(MINE_KEY, [])
    title = box.text_input("Title of this picture", key="lecture_title", max_chars=120)
    if box.button("Add this picture", key="lecture_add", width="stretch"):
        query = st.query_params.to_dict()
        link = page + "?" + urlencode({k: v for k, v in query.items() if k not in VIEW_KEYS})
        mine.append(Slide(title or f"Picture {len(mine) + 1}", link))
    if mine:
        box.caption(f"{len(mine)} picture(s). Open it with ?lecture={MINE}.")
        text = json.dumps(
            {"title": "My lecture", "slides": [vars(s) for s in mine]}, ensure_ascii=False, indent=1
        )
        box.download_button("Download the lecture", text, "lecture.json", "application/json")
    upload = box.file_uploader("Load a lecture file", type=["json"], key="lecture_file")
    if upload is not None:
        try:
            st.session_state[MINE_KEY] = list(parse_lecture(upload.getvalue().decode()).slides)
            box.success(f"Loaded. Open it with ?lecture={MINE}.")
        except (ValueError, UnicodeDecodeError) as error:
            box.error(f"This file cannot be used: {error}")
