"""ui.tables: numbers shown as held, missing values empty, every cell shown as typed."""

import math

from tests.live import tables_of
from ui.tables import markdown_table, shown


def test_numbers_keep_their_digits_and_missing_values_are_empty():
    assert shown(0.000123) == "0.000123"  # st.table's own format would show 0.0001
    assert shown(12.0) == "12" and shown(300) == "300" and shown(1e-5) == "1e-05"
    assert shown(None) == "" and shown(math.nan) == ""
    assert shown("flat bowl (−1, 0)") == "flat bowl (−1, 0)" and shown(True) == "True"


def test_a_markdown_table_right_aligns_numbers_and_shows_cells_as_typed():
    rows = [
        {"run": "f − f* | 1/t: η_0", "η": 0.5, "diverged at": None, "note": "$x$ [a](b)"},
        {"run": "#2 *Adam*", "η": 1e-05, "diverged at": 3, "note": ""},
    ]
    lines = markdown_table(rows).splitlines()
    assert lines[1] == "| --- | ---: | ---: | --- |"
    assert "\\*" in lines[2] and "\\|" in lines[2] and "\\_" in lines[2] and "\\$" in lines[2]
    assert lines[3].startswith("| \\#2 \\*Adam\\* | 1e\\-05 | 3 |")
    table = tables_of([markdown_table(rows)])[0]
    assert list(table.columns) == ["run", "η", "diverged at", "note"]
    assert table.values.tolist() == [
        ["f − f* | 1/t: η_0", "0.5", "", "$x$ [a](b)"],
        ["#2 *Adam*", "1e-05", "3", ""],
    ]
