"""Who may call what: one rule per route and method, checked for six callers, and a
check that every route in the URL configuration has a rule — an endpoint added later
without one fails here (OWASP API Top 10: 1 object level, 3 property level, 5 function
level).

Callers: ``anonymous``; ``vendor`` (member of the firm matched and introduced on the
brief); ``buyer`` (member of the organisation that owns the brief); ``officer``; and a
member of another firm (``other_vendor``) and of another buyer (``other_buyer``), for
the object-level rules. A caller is *allowed* when the answer is not a refusal (401,
403, 404 for an object that exists, 405, or a redirect to sign in or away); it may still
be a 400 for an empty body, which is the point: the refusal is about who, not what.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import token_issue
from core.audit import audit_record
from core.models import Job
from events.models import Meeting, Participant
from matchmaking.models import Curation, DealReview, Introduction, Match
from notifications.models import Notification
from tests.factories import make_brief, make_buyer, make_event, make_vendor

pytestmark = pytest.mark.django_db

ANON, VENDOR, BUYER, OFFICER, OTHER_VENDOR, OTHER_BUYER = (
    "anonymous",
    "vendor",
    "buyer",
    "officer",
    "other_vendor",
    "other_buyer",
)
CALLERS = (ANON, VENDOR, BUYER, OFFICER, OTHER_VENDOR, OTHER_BUYER)
ANYONE = frozenset(CALLERS)
SIGNED_IN = ANYONE - {ANON}
OFFICERS = frozenset({OFFICER})
BUYERS = frozenset({OFFICER, BUYER, OTHER_BUYER})
VENDORS = frozenset({VENDOR, OTHER_VENDOR})
THE_FIRM = frozenset({OFFICER, VENDOR})  # the firm's own members (and officers)
THE_BUYER = frozenset({OFFICER, BUYER})  # the brief's own buyer (and officers)
PARTIES = frozenset({OFFICER, VENDOR, BUYER})  # both sides of the introduction
EVENT_PARTIES = frozenset({VENDOR, BUYER})  # the event's approved participants themselves

# route (as the URL configuration spells it) -> {method: callers allowed}
RULES: dict[str, dict[str, Collection[str]]] = {
    "api/v1/auth/signup/": {"POST": ANYONE},
    "api/v1/auth/token/": {"POST": ANYONE},
    "api/v1/auth/me/": {"GET": SIGNED_IN},
    "api/v1/auth/signout/": {"POST": SIGNED_IN},
    "api/v1/auth/signout-all/": {"POST": SIGNED_IN},
    "api/v1/^vendors/?$": {"GET": ANYONE, "POST": OFFICERS},  # members with a firm: no 2nd
    "api/v1/^vendors/export/?$": {"GET": OFFICERS},
    "api/v1/^vendors/import/?$": {"POST": OFFICERS},
    "api/v1/^vendors/(?P<external_id>[^/]+)/?$": {
        "GET": ANYONE,
        "PUT": THE_FIRM,
        "PATCH": THE_FIRM,
        "DELETE": OFFICERS,
    },
    "api/v1/^verifications/?$": {"GET": OFFICERS},
    "api/v1/^verifications/(?P<external_id>[^/]+)/?$": {"GET": OFFICERS},
    "api/v1/^verifications/(?P<external_id>[^/]+)/verify/?$": {"POST": OFFICERS},
    "api/v1/^verifications/(?P<external_id>[^/]+)/revoke/?$": {"POST": OFFICERS},
    "api/v1/^buyers/?$": {"GET": BUYERS, "POST": OFFICERS},  # the list is scoped
    "api/v1/^buyers/(?P<external_id>[^/]+)/?$": {
        "GET": THE_BUYER,
        "PUT": THE_BUYER,
        "PATCH": THE_BUYER,
        "DELETE": OFFICERS,
    },
    "api/v1/^briefs/?$": {"GET": BUYERS, "POST": BUYERS},
    "api/v1/^briefs/export/?$": {"GET": OFFICERS},
    "api/v1/^briefs/import/?$": {"POST": OFFICERS},
    "api/v1/^briefs/(?P<external_id>[^/]+)/?$": {
        "GET": THE_BUYER,
        "PUT": THE_BUYER,
        "PATCH": THE_BUYER,
        "DELETE": OFFICERS,
    },
    "api/v1/^search/vendors/?$": {"GET": ANYONE},
    "api/v1/^search/autocomplete/?$": {"GET": ANYONE},
    "api/v1/^search/demand/?$": {"GET": OFFICERS},
    "api/v1/^opportunities/?$": {"GET": VENDORS},  # each their own firm's
    "api/v1/^opportunities/search/?$": {"GET": VENDORS},
    "api/v1/^opportunities/(?P<external_id>[^/]+)/interest/?$": {"POST": VENDORS},
    "api/v1/^briefs/(?P<external_id>[^/]+)/matches/?$": {"GET": THE_BUYER},
    "api/v1/^analytics/(?P<table>value|funnel|time-to-introduction|unmet-demand|exposure|target)/?$": {
        "GET": OFFICERS
    },
    "api/v1/^curation/queue/?$": {"GET": OFFICERS},
    "api/v1/^curation/queue/(?P<brief>[^/]+)/?$": {"GET": OFFICERS},
    "api/v1/^curation/queue/(?P<brief>[^/]+)/matches/?$": {"POST": OFFICERS},
    "api/v1/^curation/queue/(?P<brief>[^/]+)/close/?$": {"POST": OFFICERS},
    "api/v1/^curation/queue/(?P<brief>[^/]+)/suggest/?$": {"POST": OFFICERS},
    "api/v1/^curation/queue/(?P<brief>[^/]+)/take/?$": {"POST": OFFICERS},
    "api/v1/^curation/matches/(?P<pk>[^/.]+)/approve/?$": {"POST": OFFICERS},
    "api/v1/^curation/matches/(?P<pk>[^/.]+)/pin/?$": {"POST": OFFICERS},
    "api/v1/^curation/matches/(?P<pk>[^/.]+)/reject/?$": {"POST": OFFICERS},
    "api/v1/^introductions/?$": {"GET": SIGNED_IN},  # the list is scoped
    "api/v1/^introductions/(?P<pk>[^/.]+)/?$": {"GET": PARTIES},
    "api/v1/^introductions/(?P<pk>[^/.]+)/move/?$": {"POST": OFFICERS},
    "api/v1/^introductions/(?P<pk>[^/.]+)/respond/?$": {"POST": {VENDOR, BUYER}},
    "api/v1/^introductions/(?P<pk>[^/.]+)/messages/?$": {"GET": PARTIES, "POST": PARTIES},
    "api/v1/^introductions/(?P<pk>[^/.]+)/messages/read/?$": {"POST": PARTIES},
    "api/v1/^introductions/(?P<pk>[^/.]+)/review/?$": {"POST": {BUYER}},
    "api/v1/^introductions/(?P<pk>[^/.]+)/review/reply/?$": {"POST": {VENDOR}},
    "api/v1/^vendors/(?P<external_id>[^/]+)/reviews/?$": {"GET": ANYONE},
    "api/v1/^vendors/(?P<external_id>[^/]+)/insights/?$": {"GET": THE_FIRM},
    "api/v1/^notifications/?$": {"GET": SIGNED_IN},  # each their own
    "api/v1/^notifications/read/?$": {"POST": SIGNED_IN},  # each their own
    "api/v1/^notifications/(?P<pk>[^/.]+)/read/?$": {"POST": {VENDOR}},  # the vendor's
    "api/v1/^audit/?$": {"GET": OFFICERS},
    "api/v1/^audit/(?P<pk>[^/.]+)/?$": {"GET": OFFICERS},
    "api/v1/": {"GET": ANYONE},
    "api/v1/health/": {"GET": ANYONE},
    "api/v1/health/live/": {"GET": ANYONE},
    "api/v1/health/ready/": {"GET": ANYONE},
    "metrics": {"GET": OFFICERS},  # and Prometheus's token: tests/core/test_observability.py
    "api/v1/schema/": {"GET": ANYONE},
    "api/v1/docs/": {"GET": ANYONE},
    "": {"GET": ANYONE},
    "firms/": {"GET": ANYONE},
    "firms/<str:external_id>/": {"GET": ANYONE},
    "compare/": {"GET": ANYONE},
    "accounts/signup/": {"GET": ANYONE},
    "accounts/signin/": {"GET": {ANON}},  # the signed-in are sent home
    "accounts/signout/": {"POST": ANYONE},
    "workspace/firm/": {"GET": VENDORS},
    "workspace/insights/": {"GET": VENDORS},  # each their own firm's
    "workspace/opportunities/": {"GET": VENDORS},  # each their own firm's
    "workspace/opportunities/<str:external_id>/interest/": {"POST": VENDORS},
    "workspace/opportunities/digest/": {"POST": VENDORS},  # each member their own
    "workspace/introductions/": {"GET": SIGNED_IN},  # scoped to the caller's own
    "workspace/introductions/<int:pk>/respond/": {"POST": {VENDOR, BUYER}},
    "workspace/introductions/<int:pk>/conversation/": {"GET": PARTIES},
    "workspace/introductions/<int:pk>/review/": {"POST": {VENDOR, BUYER}},
    "workspace/notifications/": {"GET": SIGNED_IN},  # each their own
    "workspace/notifications/read/": {"POST": SIGNED_IN},  # each their own
    "workspace/briefs/": {"GET": {BUYER, OTHER_BUYER}},
    "workspace/briefs/new/": {"GET": {BUYER, OTHER_BUYER}},
    "workspace/organisation/visibility/": {"POST": {BUYER, OTHER_BUYER}},  # each their own
    "workspace/briefs/<str:external_id>/": {"GET": THE_BUYER},
    "workspace/briefs/<str:external_id>/edit/": {"GET": {BUYER}},
    "workspace/briefs/<str:external_id>/request/": {"POST": {BUYER}},
    "workspace/briefs/<str:external_id>/shortlist/": {"POST": {BUYER}},
    "console/": {"GET": OFFICERS},
    "console/briefs/<str:external_id>/": {"GET": OFFICERS},
    "console/briefs/<str:external_id>/act/": {"POST": OFFICERS},
    "console/matches/<int:pk>/decide/": {"POST": OFFICERS},
    "console/pipeline/": {"GET": OFFICERS},
    "console/demand/": {"GET": OFFICERS},
    "console/introductions/<int:pk>/move/": {"POST": OFFICERS},
    "console/audit/": {"GET": OFFICERS},
    # Events: the world's event "expo" has the firm and the buyer as approved
    # participants; the other firm and buyer are not registered.
    "api/v1/^events/?$": {"GET": SIGNED_IN, "POST": OFFICERS},
    "api/v1/^events/(?P<slug>[^/.]+)/?$": {"GET": SIGNED_IN, "PUT": OFFICERS, "PATCH": OFFICERS},
    "api/v1/^events/(?P<slug>[^/.]+)/agenda/?$": {"GET": EVENT_PARTIES},
    "api/v1/^events/(?P<slug>[^/.]+)/agenda.ics/?$": {"GET": EVENT_PARTIES},
    "api/v1/^event-analytics/?$": {"GET": OFFICERS},
    "api/v1/^events/(?P<slug>[^/.]+)/me/?$": {"GET": EVENT_PARTIES, "PATCH": EVENT_PARTIES},
    "api/v1/^events/(?P<slug>[^/.]+)/me/withdraw/?$": {"POST": EVENT_PARTIES},
    "api/v1/^events/(?P<slug>[^/.]+)/meetings/?$": {"GET": PARTIES, "POST": EVENT_PARTIES},
    "api/v1/^events/(?P<slug>[^/.]+)/participants/?$": {"GET": PARTIES, "POST": SIGNED_IN},
    "api/v1/^events/(?P<slug>[^/.]+)/schedule/?$": {"POST": OFFICERS},
    "api/v1/^events/(?P<slug>[^/.]+)/suggestions/?$": {"GET": EVENT_PARTIES},
    "api/v1/^event-participants/(?P<pk>[^/.]+)/?$": {"GET": THE_FIRM},
    "api/v1/^event-participants/(?P<pk>[^/.]+)/approve/?$": {"POST": OFFICERS},
    "api/v1/^event-participants/(?P<pk>[^/.]+)/reject/?$": {"POST": OFFICERS},
    "api/v1/^event-meetings/(?P<pk>[^/.]+)/?$": {"GET": PARTIES},
    "api/v1/^event-meetings/(?P<pk>[^/.]+)/accept/?$": {"POST": PARTIES},
    "api/v1/^event-meetings/(?P<pk>[^/.]+)/decline/?$": {"POST": PARTIES},
    "api/v1/^event-meetings/(?P<pk>[^/.]+)/cancel/?$": {"POST": PARTIES},
    "api/v1/^event-meetings/(?P<pk>[^/.]+)/note/?$": {"POST": PARTIES},
    "api/v1/^event-meetings/(?P<pk>[^/.]+)/attendance/?$": {"POST": OFFICERS},
    "api/v1/^event-meetings/(?P<pk>[^/.]+)/introduce/?$": {"POST": OFFICERS},
    "events/": {"GET": SIGNED_IN},
    "events/<slug:slug>/": {"GET": SIGNED_IN},
    "events/<slug:slug>/register/": {"POST": SIGNED_IN - OFFICERS},
    "events/<slug:slug>/request/": {"POST": EVENT_PARTIES},
    "events/<slug:slug>/withdraw/": {"POST": EVENT_PARTIES},
    "events/<slug:slug>/agenda/": {"GET": EVENT_PARTIES},
    "events/<slug:slug>/agenda.ics": {"GET": EVENT_PARTIES},
    "events/meetings/<int:pk>/": {"POST": PARTIES},
    "console/events/": {"GET": OFFICERS, "POST": OFFICERS},
    "console/events/<slug:slug>/": {"GET": OFFICERS},
    "console/events/<slug:slug>/act/": {"POST": OFFICERS},
    "console/verifications/": {"GET": OFFICERS},
    "console/verifications/<str:external_id>/decide/": {"POST": OFFICERS},
    "console/analytics/": {"GET": OFFICERS},
    "console/operations/": {"GET": OFFICERS},
    "console/operations/<int:pk>/": {"GET": OFFICERS},
}


def routes() -> list[str]:
    """Every route of the URL configuration except Django's admin (its own login and
    staff checks) and static files."""

    def walk(patterns: Any, prefix: str = "") -> Any:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return [route for route in walk(get_resolver().url_patterns) if not route.startswith("admin/")]


def test_every_route_states_who_may_call_it():
    unruled = sorted(set(routes()) - set(RULES))
    assert not unruled, f"routes without an authorization rule in RULES: {unruled}"
    assert not sorted(set(RULES) - set(routes())), "rules for routes that no longer exist"


@pytest.fixture
def world(user_factory):
    firm, other_firm = make_vendor(external_id="pk-firm"), make_vendor(external_id="pk-other")
    org, other_org = make_buyer(external_id="org-own"), make_buyer(external_id="org-other")
    brief = make_brief(org, external_id="b-own")
    make_brief(other_org, external_id="b-other")
    match = Match.objects.create(brief=brief, vendor=firm, rank=1, score=0.9, state="approved")
    introduction = Introduction.objects.create(match=match, stage_changed_at=timezone.now())
    Curation.objects.create(brief=brief)
    users = {
        VENDOR: user_factory("vendor", vendor=firm),
        BUYER: user_factory("buyer", buyer=org),
        OFFICER: user_factory("officer"),
        OTHER_VENDOR: user_factory("vendor", vendor=other_firm),
        OTHER_BUYER: user_factory("buyer", buyer=other_org),
    }
    entry = audit_record(
        actor=users[OFFICER], action="test.check", subject=match, before=None, after={}
    )
    job = Job.objects.create(kind="rebuild_search_index", started_by=users[OFFICER])
    note = Notification.objects.create(user=users[VENDOR], kind="invited", key="k", text="t")
    DealReview.objects.create(  # so a reply has something to answer
        introduction=introduction, vendor=firm, author=users[BUYER], quality=4,
        communication=4, delivery=4, text="Good work",
    )  # fmt: skip
    event = make_event(slug="expo")
    firm_at, buyer_at = (
        Participant.objects.create(
            event=event, kind=kind, state="approved", timezone="Asia/Karachi", **party
        )
        for kind, party in (("firm", {"vendor": firm}), ("buyer", {"buyer": org}))
    )
    meeting = Meeting.objects.create(
        event=event, firm=firm_at, buyer=buyer_at, requested_by="buyer"
    )
    values = {
        "external_id": "pk-firm",
        "table": "funnel",
        "brief": "b-own",
        "pk": str(match.pk),
        "slug": "expo",
    }
    ids = {
        "introduction": introduction.pk,
        "audit": entry.pk,
        "job": job.pk,
        "note": note.pk,
        "participant": firm_at.pk,
        "meeting": meeting.pk,
    }
    return users, values, ids


def _url(route: str, values: dict[str, str], ids: dict[str, int]) -> str:
    path = route.replace("^", "").replace("/?$", "/").replace("$", "")
    if "briefs/" in path and "external_id" in path:
        values = {**values, "external_id": "b-own"}
    if "buyers/" in path:
        values = {**values, "external_id": "org-own"}
    if "opportunities/" in path:  # a brief neither firm is matched with
        values = {**values, "external_id": "b-other"}
    if "introductions/" in path:
        values = {**values, "pk": str(ids["introduction"])}
    if "audit/" in path:
        values = {**values, "pk": str(ids["audit"])}
    if "notifications/" in path:
        values = {**values, "pk": str(ids["note"])}
    if "operations/" in path:
        values = {**values, "pk": str(ids["job"])}
    if "event-participants/" in path:
        values = {**values, "pk": str(ids["participant"])}
    if "event-meetings/" in path or "events/meetings/" in path:
        values = {**values, "pk": str(ids["meeting"])}
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], path)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], path)
    return "/" + path


def _client(route: str, caller: str, users: dict[str, Any]) -> Client | APIClient:
    if route.startswith("api/"):
        api = APIClient()
        if caller != ANON:  # a real (hashed, expiring) token, as API clients sign in
            api.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=users[caller])['token']}")
        return api
    pages = Client()
    if caller != ANON:
        pages.force_login(users[caller])
    return pages


def _refused(response: Any, method: str) -> bool:
    if response.status_code in {401, 403, 404, 405}:
        return True
    location = response.get("Location", "") if response.status_code == 302 else ""
    # Pages send the anonymous to sign in, and the wrong role home (a POST that worked
    # may redirect anywhere, sign-out home included).
    return "/accounts/signin/" in location or (method == "GET" and location == "/")


PAGE_FORM = {
    "vendor": "pk-firm",
    "version": "1",
    "decision": "approve",
    "accept": "yes",
    "stage": "meeting",
}
CASES = [
    (route, method, caller)
    for route, methods in RULES.items()
    for method in methods
    for caller in CALLERS
]


@pytest.mark.parametrize(("route", "method", "caller"), CASES)
def test_each_caller_is_allowed_or_refused_as_the_rule_says(world, route, method, caller):
    users, values, ids = world
    url = _url(route, values, ids)
    client = _client(route, caller, users)
    if isinstance(client, APIClient):
        kwargs = {"format": "json"} if method != "GET" else {}
        response = getattr(client, method.lower())(url, {}, **kwargs)
    else:  # what the pages' own forms post
        response = getattr(client, method.lower())(url, PAGE_FORM if method == "POST" else {})
    allowed = caller in RULES[route][method]
    assert _refused(response, method) is not allowed, (
        f"{method} {url} as {caller}: {response.status_code} "
        f"{response.get('Location', '')} {getattr(response, 'content', b'')[:200]!r}"
    )
