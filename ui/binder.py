"""The state binder every page uses: session state ↔ the page's config ↔ its link.

A page's state is one frozen config with a `to_query` / `from_query` pair (a `RaceLink`,
`LabConfig`, `SearchConfig`, …). The binder restores it from the link on a session's first run,
or says why the link cannot be read and opens the default lesson; it writes the link back when
the state changes; it keeps track of the lesson on show (`lesson=` in the link) and forgets it
once a control moves away from it; and it turns settings that cannot run into a message.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from lessons.record import Lesson
from ui import headings, lecture
from ui.address_bar import KEY as ADDRESS_BAR
from ui.address_bar import fragment_rerun, show_link
from ui.charts import image_format_choice
from ui.navigation import run_through_app

LESSON_KEY = "lesson"
# A projector shows 1280 × 720: Streamlit's tall top padding and 2.75 rem title would push the
# page's main chart out of the first screen.
COMPACT = f"""<style>
[data-testid="stMainBlockContainer"] {{padding-top: 3.75rem; padding-bottom: 2rem;}}
[data-testid="stMainBlockContainer"] h1 {{font-size: 2rem; padding: 0 0 0.25rem 0;}}
.st-key-{ADDRESS_BAR} {{display: none;}}
</style>"""
ss = st.session_state


@dataclass(frozen=True)
class Binder:
    """How one page's state travels.

    `read_link(query)` → state (a ValueError says what is wrong); `load(state)` sets the widgets;
    `lesson_state(lesson)` is the state a lesson opens; `prefix` keeps the page's session keys
    apart and `buttons` its lesson buttons' keys; `fallback` names what opens instead of an
    unreadable link; `same_picture(a, b)` says when a lesson is still on show; `page` is the
    page's path in links ("" for the race).
    """

    prefix: str
    buttons: str
    lessons: Mapping[str, Lesson]
    default_lesson: str
    read_link: Callable[[dict[str, str]], Any]
    load: Callable[[Any], None]
    lesson_state: Callable[[Lesson], Any]
    fallback: str = "a lesson"
    same_picture: Callable[[Any, Any], bool] = lambda a, b: a == b
    page: str = ""

    def _key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def apply_lesson(self, key: str) -> None:
        self.load(self.lesson_state(self.lessons[key]))
        ss[self._key("lesson")] = key

    def _first_load(self, query: dict[str, str]) -> None:
        ss[self._key("loaded")] = True
        lesson = query.pop(LESSON_KEY, None)
        if not query:
            self.apply_lesson(lesson if lesson in self.lessons else self.default_lesson)
            return
        try:
            state = self.read_link(query)
        except ValueError as error:
            ss[self._key("link_error")] = str(error)
            self.apply_lesson(self.default_lesson)
            return
        self.load(state)
        if lesson in self.lessons:
            ss[self._key("lesson")] = lesson

    def start(self, title: str) -> None:
        """Run through app.py, restore the state from the link once per session (and again
        for each new slide of a lecture), apply the view keys (lecture.VIEW_KEYS), show the
        title and, once, why the link was not used."""
        run_through_app()
        query = st.query_params.to_dict()
        view = {key: query.pop(key) for key in lecture.VIEW_KEYS if key in query}
        slide = (view.get("lecture"), view.get("slide"))
        if self._key("loaded") not in ss or (slide[0] and ss.get(self._key("link_slide")) != slide):
            ss[self._key("link_slide")] = slide
            self._first_load(query)
        ss[self._key("link_view")] = view
        st.html(COMPACT)
        lecture.apply_view(view)
        lecture.lecture_bar(view)
        if not lecture.present(view):
            st.title(title)
        error = ss.pop(self._key("link_error"), None)
        if error:
            st.warning(
                f"This link could not be read: {error} Showing {self.fallback} instead.",
                icon=":material/link_off:",
            )

    @property
    def presenting(self) -> bool:
        return lecture.present(ss.get(self._key("link_view"), {}))

    def lesson_buttons(self, container, heading: str) -> None:
        """One full-width button per lesson."""
        headings.subheader(heading, container)
        for lesson in self.lessons.values():
            container.button(
                lesson.title,
                key=f"{self.buttons}{lesson.key}",
                on_click=self.apply_lesson,
                args=(lesson.key,),
                width="stretch",
            )

    def checked(self, read: Callable[[], Any]):
        """The state the widgets describe; settings that cannot run stop the page with why."""
        try:
            return read()
        except ValueError as error:
            st.error(f"These settings cannot run: {error}")
            st.stop()

    def on_show(self) -> Lesson | None:
        """The lesson last opened, if no control has moved away from it since."""
        key = ss.get(self._key("lesson"))
        return self.lessons.get(key) if key else None

    def publish(self, state) -> Lesson | None:
        """Write the state into the link; return the lesson on show, if the state is still
        its picture."""
        lesson = self.on_show()
        if lesson and not self.same_picture(self.lesson_state(lesson), state):
            del ss[self._key("lesson")]
            lesson = None
        query = state.to_query() | ({LESSON_KEY: lesson.key} if lesson else {})
        link = query | ss.get(self._key("link_view"), {})
        show_link(link)  # a fragment's rerun: the address bar only (ui/address_bar.py)
        if not fragment_rerun() and st.query_params.to_dict() != link:
            st.query_params.from_dict(link)
        return lesson

    def tools(self) -> None:
        """The lecture builder and the image format, at the foot of the sidebar: drawn once per
        full run, after the page's fragments (which publish on every slider move)."""
        if not self.presenting:
            lecture.lecture_builder(st.sidebar, self.page)
            image_format_choice(st.sidebar)

    def notes(self):
        """A box for the page's explanations: it moves below the charts in presentation mode,
        so that on a projector the picture comes first."""
        return st.container(key=f"{self.prefix}notes")

    def show_lesson(self, lesson: Lesson | None, container=None) -> None:
        if lesson:
            stop = "" if lesson.title.endswith(("?", "!", ".")) else "."
            (container or st).info(
                f"**{lesson.title}{stop}** {lesson.look_for}", icon=":material/visibility:"
            )
