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


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


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
    """A transactional test empties every table when it ends, the currency rates a
    migration seeded included: put them back for the next one."""
    marker = request.node.get_closest_marker("django_db")
    if (
        not (marker and marker.kwargs.get("transaction"))
        and "transactional_db" not in request.fixturenames
    ):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    importlib.import_module("core.migrations.0002_seed_currency_rates").seed(apps, None)


@pytest.fixture(autouse=True)
def _fresh_cache(request: pytest.FixtureRequest) -> None:
    cache.clear()
    # Throttle counters live in a database cache table; tests must not share them.
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if uses_db:
        request.getfixturevalue("django_db_setup")
        with request.getfixturevalue("django_db_blocker").unblock():
            caches["throttle"].clear()


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
