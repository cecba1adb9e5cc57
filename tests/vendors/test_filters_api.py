"""The vendor list's moment filter takes any ISO 8601 offset Python accepts."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import make_vendor

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("since", "found"),
    [
        ("2000-01-01T00:00:00+22:13", 1),  # beyond PostgreSQL's ±15:59: compared in UTC
        ("2188-06-23T23:52:55-23:59", 0),
        ("2000-01-01", 1),
    ],
)
def test_updated_since_in_any_offset(since, found):
    make_vendor()
    answer = APIClient().get("/api/v1/vendors/", {"updated_since": since})
    assert answer.status_code == 200, answer.content
    assert answer.json()["count"] == found
