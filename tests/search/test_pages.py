from search.pages import highlighted


def test_highlights_keep_only_mark_tags():
    fragment = "Builds <mark>Flutter</mark> apps &lt;script&gt;alert(1)&lt;/script&gt; <img src=x onerror=alert(1)>"
    html = str(highlighted(fragment))
    assert "<mark>Flutter</mark>" in html
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img" in html
