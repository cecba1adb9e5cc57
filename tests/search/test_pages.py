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


@pytest.mark.django_db(transaction=True)
def test_the_directory_shows_how_the_query_was_understood_as_chips(client):
    """Chips for what was recognised, each a link that makes it a filter or removes it;
    a corrected spelling is said, with a way back to the words as typed."""
    make_vendor(external_id="lhr", name="Ravi Django House", technologies=["Django"], city="Lahore")
    make_vendor(
        external_id="khi", name="Clifton Django Co", technologies=["Django"], city="Karachi"
    )
    page = client.get("/firms/", {"q": "djnago developers Lahore"}).content.decode()
    assert "Showing results for <strong>django developers Lahore</strong>" in page
    assert "Search instead for djnago developers Lahore" in page
    chips = dict(re.findall(r'<li class="chip"><a href="\?([^"]+)"[^>]*>([^<]+)</a>', page))
    by_title = {title: query for query, title in chips.items()}
    assert set(by_title) == {"Technology: Django", "In Lahore"}
    # The city chip as a filter: Lahore firms only, and the word leaves the text.
    narrowed = client.get("/firms/?" + by_title["In Lahore"].replace("&amp;", "&"))
    body = narrowed.content.decode()
    assert "Ravi Django House" in body and "Clifton Django Co" not in body
    assert 'value="django developers"' in body
    removed = re.search(r'href="\?([^"]+)" aria-label="Remove “Lahore”', page)
    assert removed is not None
    everywhere = client.get("/firms/?" + removed.group(1).replace("&amp;", "&")).content.decode()
    assert "Ravi Django House" in everywhere and "Clifton Django Co" in everywhere
    # As typed: nothing corrected, but a word no firm uses still finds close spellings.
    literal = client.get("/firms/", {"q": "djnago", "as_typed": "1"}).content.decode()
    assert "Showing results for" not in literal
    assert "Also matching close spellings of djnago" in literal
    assert "Ravi Django House" in literal
