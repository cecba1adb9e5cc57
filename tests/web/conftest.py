"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live
server. Each page fixture fails its test on any console error."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

CHROMIUM = "/usr/bin/chromium"
# Playwright's sync API keeps an event loop on the test thread; the test's own ORM
# calls are still synchronous, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


class Page:
    """A browser tab on the live server that records console errors."""

    def __init__(self, browser: Any, base_url: str, **context: Any) -> None:
        self.context = browser.new_context(base_url=base_url, **context)
        self.context.set_default_timeout(8000)
        self.tab = self.context.new_page()
        self.errors: list[str] = []
        self.tab.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.tab.on("pageerror", lambda e: self.errors.append(str(e)))

    def serious_accessibility_violations(self) -> list[str]:
        result = Axe().run(self.tab)
        return [
            f"{v['id']}: {v['help']} ({len(v['nodes'])}×)"
            for v in result.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]


@pytest.fixture
def open_page(browser: Any, live_server: Any) -> Iterator[Any]:
    pages: list[Page] = []

    def make(**context: Any) -> Page:
        page = Page(browser, live_server.url, viewport=context.pop("viewport", DESKTOP), **context)
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.context.close()
    assert [e for page in pages for e in page.errors] == []
