"""ui.tables: numbers shown as held, missing values empty."""

import math

from ui.tables import shown


def test_numbers_keep_their_digits_and_missing_values_are_empty():
    assert shown(0.000123) == "0.000123"  # st.table's own format would show 0.0001
    assert shown(12.0) == "12" and shown(300) == "300" and shown(1e-5) == "1e-05"
    assert shown(None) == "" and shown(math.nan) == ""
    assert shown("flat bowl (−1, 0)") == "flat bowl (−1, 0)" and shown(True) == "True"
