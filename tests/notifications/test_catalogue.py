"""The catalogue of notices: every notice words itself from its fields, optional parts
appear only with their field, and nothing outside the catalogue words a notice."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from notifications.catalogue import NOTICES, fields_of, notice
from notifications.models import Notification

ROOT = Path(__file__).resolve().parents[2]


def _fields(name: str) -> dict[str, object]:
    template = NOTICES[name]
    names = set().union(*map(fields_of, (template.key, template.text, *template.body)))
    return {
        field: (
            date(2027, 3, 1) if field == "first_day" else 7 if field == "average" else f"<{field}>"
        )
        for field in names
    }


@pytest.mark.parametrize("name", sorted(NOTICES))
def test_every_notice_words_itself_from_its_fields(name):
    fields = _fields(name)
    made = notice(name, url="/somewhere/", **fields)
    assert made.kind in Notification.Kind.values
    assert made.url == "/somewhere/"
    assert made.text and "{" not in made.text and "{" not in made.body
    for field, value in fields.items():  # each field given is used, none shown raw
        shown = f"{value:%d %b %Y}" if isinstance(value, date) else str(value)
        assert any(shown in text for text in (made.key, made.text, made.subject, made.body)) or (
            field == "average" and "7.0 / 5" in made.body
        ), field
    assert bool(made.subject) == bool(made.body)  # an e-mail has both, an in-app notice neither


def test_a_part_naming_an_empty_field_is_left_out_and_the_rest_kept():
    fields = {"meeting": 3, "requester": "Indus Code Labs", "event": "ITCN Asia"}
    with_note = notice("meeting.requested", url="/", note="Tuesday suits us", **fields)
    without = notice("meeting.requested", url="/", note="", **fields)
    assert "Their note: Tuesday suits us" in with_note.body
    assert "Their note" not in without.body
    assert (
        without.body
        == "Indus Code Labs would like a meeting at ITCN Asia.\n\nAccept or decline in Raabta."
    )
    assert with_note.key == without.key == "meeting-3-requested"


def test_a_field_left_out_is_named():
    with pytest.raises(TypeError, match="needs pitch"):
        notice("match.requested", url="/", match=1, asker="A", other="B", title="An app")


def test_no_app_words_a_notice_outside_the_catalogue():
    """Notices are built only by ``notifications.catalogue.notice``."""
    built = [
        str(path.relative_to(ROOT))
        for app in (
            "core",
            "accounts",
            "vendors",
            "buyers",
            "search",
            "matchmaking",
            "events",
            "config",
        )
        for path in (ROOT / app).rglob("*.py")
        if "Notice(" in path.read_text()
    ]
    assert built == []
