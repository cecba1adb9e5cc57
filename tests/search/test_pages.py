import re

import pytest

from search.pages import highlighted
from tests.factories import make_vendor


def test_highlights_keep_only_mark_tags():
    fragment = "Builds <mark>Flutter</mark> apps &lt;script&gt;alert(1)&lt;/script&gt; <img src=x onerror=alert(1)>"
    html = str(highlighted(fragment))
    assert "<mark>Flutter</mark>" in html
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img" in html


@pytest.mark.django_db(transaction=True)
def test_the_directory_filters_by_language_and_names_codes(client):
    """A Languages filter, and names rather than codes in facets, the profile and the
    comparison ("United Arab Emirates", "Arabic", not AE, ar)."""
    common = {"services": ["Mobile App Development"], "technologies": ["Flutter"]}
    make_vendor(
        external_id="gulf",
        name="Gulf Ready Apps",
        languages=["en", "ar"],
        export_markets=["AE", "QA"],
        **common,
    )
    make_vendor(external_id="home", name="Home Apps", languages=["en", "ur"], **common)
    page = client.get("/firms/", {"q": "Flutter"}).content.decode()
    facets = re.findall(r"<span>([^<]+)</span> <span class=\"count\">", page)
    assert {"Arabic", "Urdu", "English", "United Arab Emirates", "Qatar"} <= set(facets)
    assert not {"ar", "ur", "en", "AE", "QA"} & set(facets)
    assert 'name="languages" value="ar"' in page  # the filter still sends the code
    only = client.get("/firms/", {"q": "Flutter", "languages": "ar"}).content.decode()
    assert "Gulf Ready Apps" in only and "Home Apps" not in only
    profile = client.get("/firms/home/").content.decode()
    assert "English, Urdu" in profile
    compared = client.get("/compare/", {"v": ["gulf", "home"]}).content.decode()
    assert "Arabic" in compared and "United Arab Emirates, Qatar" in compared
