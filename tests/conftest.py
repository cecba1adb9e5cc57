from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache, caches
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import user_create
from buyers.models import Buyer, BuyerMember
from tests.factories import make_buyer, make_vendor
from vendors import insights
from vendors.models import Vendor, VendorMember

# The longest tests (each starts servers of its own, 30 s to 3 min) run first, so that
# under pytest-xdist the short ones fill the other cores around them instead of one long
# test finishing the run alone.
LONG_FIRST = (
    "tests/security/test_openapi_fuzz.py",
    "tests/e2e/",
    "tests/search/test_relevance.py",
    "tests/matchmaking/test_learning.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.nodeid
        return next((i for i, prefix in enumerate(LONG_FIRST) if path.startswith(prefix)), 99)

    items.sort(key=rank)


@pytest.fixture(autouse=True)
def _no_counts_from_other_tests() -> Iterator[None]:
    """Firm insights counts wait in the process for a few seconds: one test's must not
    land in the next test's database (nor flush into a closed one at exit)."""
    insights._buffer.discard()
    yield
    insights._buffer.discard()


@pytest.fixture(autouse=True)
def _own_search_index(settings: object, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Every test indexes into its own embedded index (writes index inline after commit).
    path = tmp_path_factory.mktemp("search")
    settings.SEARCH_BACKENDS = {  # type: ignore[attr-defined]
        "default": {"BACKEND": "search.backends.embedded.EmbeddedBackend", "PATH": str(path)}
    }


@pytest.fixture(autouse=True)
def _currency_rates(request: pytest.FixtureRequest) -> None:
    """A transactional test (a live server's too) empties every table when it ends, the
    currency rates a migration seeded included, and under pytest-xdist any test may run
    after one on the same worker: put them back where they are missing."""
    marker = request.node.get_closest_marker("django_db")
    requested = {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if not (marker or requested):
        return
    transactional = (marker and marker.kwargs.get("transaction")) or requested - {"db"}
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.apps import apps

    from core.models import CurrencyRate

    if not CurrencyRate.objects.exists():
        importlib.import_module("core.migrations.0002_seed_currency_rates").seed(apps, None)


@pytest.fixture(autouse=True)
def _fresh_cache(request: pytest.FixtureRequest) -> None:
    cache.clear()
    # Shared state lives in a database cache table (throttle buckets in Redis when the
    # settings name it); tests must not share it.
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if uses_db:
        request.getfixturevalue("django_db_setup")
        with request.getfixturevalue("django_db_blocker").unblock():
            for alias in {"shared", "throttle"} & set(caches.settings):
                caches[alias].clear()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def user_factory(db: None) -> Callable[..., User]:
    counter = iter(range(10**6))

    def make(role: str, *, vendor: Vendor | None = None, buyer: Buyer | None = None) -> User:
        user = user_create(username=f"{role}-{next(counter)}", password="pw-for-tests-1", role=role)
        if vendor is not None:
            VendorMember.objects.create(user=user, vendor=vendor)
        if buyer is not None:
            BuyerMember.objects.create(user=user, buyer=buyer)
        return user

    return make


@pytest.fixture
def client_for(user_factory: Callable[..., User]) -> Callable[..., APIClient]:
    """An API client authenticated as a new user of ``role``."""

    def make(role: str, **memberships: object) -> APIClient:
        client = APIClient()
        client.force_authenticate(user_factory(role, **memberships))
        return client

    return make


@pytest.fixture
def vendor(db: None) -> Vendor:
    return make_vendor()


@pytest.fixture
def buyer(db: None) -> Buyer:
    return make_buyer()
