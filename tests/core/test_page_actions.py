"""What a page reads of a posted or linked number."""

import pytest

from core.page_actions import posted_number


@pytest.mark.parametrize(
    ("posted", "read"),
    [("12", 12), ("0", 0), ("", 0), (None, 0), ("³", 0), ("١٢", 0), ("-3", 0), ("9" * 10, 0)],
)
def test_a_posted_row_number_is_ascii_digits_within_a_row_id_or_nothing(posted, read):
    """ "³" and Arabic-Indic digits pass ``str.isdigit`` but not ``int`` or a row id: they
    read as nothing (the page then answers "not found"), not as a server error."""
    assert posted_number(posted) == read
