"""What a firm learns of a buyer who has not opted in: one redaction (buyers.redaction)
in every surface — the introduction in the API and the page, opportunities, search with
its highlights, notifications and e-mails — on both backends, and against the variants
people write a name or a contact in."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from buyers.models import Brief, Buyer
from buyers.redaction import HIDDEN, redact
from core.models import Email
from matchmaking.curation import decisions
from matchmaking.models import Introduction, Match
from notifications.models import Notification
from tests.factories import make_brief, make_buyer, make_vendor

RECENT = (timezone.localdate() - timedelta(days=1)).isoformat()
CONTACT = {
    "name": "Sana Qureshi",
    "email": "sana@sterlingsummitinc.example",
    "phone": "+1 212 555 0100",
}


def wide(text: str) -> str:
    """``text`` in full-width forms (U+FF01…), spaces kept."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# Each variant must leave no trace of the buyer in what a firm reads.
VARIANTS = [
    "Sterling Summit Inc. needs a CRM",
    "Sterling\u00a0Summit needs a CRM",  # non-breaking space
    "Sterling\nSummit needs a CRM",  # line break
    "STERLING SUMMIT needs a CRM",
    "Sterling-Summit needs a CRM",
    "SterlingSummit needs a CRM",
    wide("Sterling Summit") + " needs a CRM",  # full-width letters
    "St\u0435rling Summ\u0456t needs a CRM",  # Cyrillic "e" and "i" for Latin ones
    "mail sana at sterlingsummitinc dot example dot com",
    "mail sana [at] sterlingsummitinc [dot] example",
    "mail SANA@STERLINGSUMMITINC.EXAMPLE",
    "call +1 212 555 0100",
    "call +1\u00a0212\u00a0555\u00a00100",
    "call 212\u2013555\u20130100",
    "call " + wide("+1 212 555 0100"),  # full-width digits
    "call (212) 555-0100",
    "ask Sana Qureshi",
    "see www.sterlingsummitinc.example/tender",
    "see sterlingsummitinc.example",
]
SECRETS = ("sterling", "summit", "sana", "qureshi")
# The telephone number's digits in any spacing (not "555" alone: timestamps hold it).
PHONE = re.compile(r"555\D{0,3}0100")


def buyer_row(**fields) -> Buyer:
    return Buyer(
        name="Sterling Summit Inc.",
        website="https://sterlingsummitinc.example",
        contact=CONTACT,
        **fields,
    )


# The look-alike letters the variants use, read as the Latin ones they pass for.
LOOK_ALIKES = str.maketrans({"\u0435": "e", "\u0456": "i"})


def leaks(text: str) -> list[str]:
    import unicodedata

    folded = "".join(
        c
        for c in unicodedata.normalize("NFKC", text).casefold().translate(LOOK_ALIKES)
        if c.isalnum() or c == " "
    )
    found = [secret for secret in SECRETS if secret in folded.replace(" ", "")]
    return found + PHONE.findall(unicodedata.normalize("NFKC", text))


@pytest.mark.parametrize("text", VARIANTS)
def test_no_variant_of_the_buyer_s_name_or_contact_survives(text):
    redacted = redact(text, buyer_row())
    assert HIDDEN in redacted and leaks(redacted) == [], redacted


@pytest.mark.parametrize(
    "text",
    [
        "A CRM for summits of sterling quality",  # the words apart, in another order
        "Sterlingville council needs a portal",  # a longer word
        "Budget 50,000 USD over 12 weeks",
        "Urdu and English: اردو",
    ],
)
def test_ordinary_text_is_left_as_written(text):
    assert redact(text, buyer_row()) == text


def test_a_named_buyer_keeps_its_name_but_never_its_contact():
    text = "Sterling Summit needs a CRM; ask Sana Qureshi, sana at sterlingsummitinc dot example"
    assert redact(text, buyer_row(named_to_firms=True)) == (
        f"Sterling Summit needs a CRM; ask {HIDDEN}, {HIDDEN}"
    )


pytestmark_db = pytest.mark.django_db(transaction=True)
DESCRIPTION = "We need Salesforce integration. " + " / ".join(VARIANTS[1:])


@pytest.fixture
def invited(configured_backend, user_factory, client_for):
    """An officer-made invitation (awaiting the firm) and a raised hand an officer
    approved (awaiting the buyer), on one brief whose text names the buyer every way."""
    buyer = make_buyer(
        external_id="sterling",
        name="Sterling Summit Inc.",
        country="US",
        website="https://sterlingsummitinc.example",
        contact=CONTACT,
    )
    make_brief(
        buyer,
        external_id="b-crm",
        title="Sterling Summit Inc. needs a CRM",
        description=DESCRIPTION,
        services=["Web Development"],
        technologies=["Salesforce"],
        published_at=RECENT,
    )
    officer = user_factory("officer")
    firms = {}
    for name in ("invited", "raised"):
        firm = make_vendor(
            external_id=f"pk-{name}",
            name=f"{name.title()} Labs",
            services=[{"name": "Web Development"}],
            technologies=["Salesforce"],
        )
        user = user_factory("vendor", vendor=firm)
        user.email = f"{name}@example.com"
        user.save()
        firms[name] = {"api": client_for("vendor", vendor=firm), "user": user}
        firms[name]["pages"] = Client()
        firms[name]["pages"].force_login(user)
    raised = firms["raised"]["api"].post(
        "/api/v1/opportunities/b-crm/interest", {"pitch": "CRM people"}, format="json"
    )
    assert raised.status_code == 201, raised.content
    Match.objects.create(
        brief=Brief.objects.get(external_id="b-crm"),
        vendor=firms["invited"]["user"].vendor_membership.vendor,
        source=Match.Source.OFFICER,
    )
    for match in Match.objects.all():
        decisions.match_approve(match=match, actor=officer, version=match.version)
    stages = set(Introduction.objects.values_list("stage", flat=True))
    assert stages == {"awaiting_vendor", "awaiting_buyer"}
    return firms


@pytestmark_db
def test_a_firm_reads_the_brief_redacted_everywhere_until_the_buyer_opts_in(invited):
    for firm in invited.values():
        api, pages, user = firm["api"], firm["pages"], firm["user"]
        listed = api.get("/api/v1/introductions/").json()
        [intro] = listed["results"]
        assert intro["buyer"]["anonymous"] is True
        assert "Salesforce integration" in intro["brief"]["description"]
        detail = api.get(f"/api/v1/introductions/{intro['id']}/").json()
        page = pages.get("/workspace/introductions/").content.decode()
        assert "Salesforce integration" in page
        notes = api.get("/api/v1/notifications/").json()
        emails = [f"{m.subject}\n{m.body}" for m in Email.objects.filter(to=user.email)]
        emails += [f"{m.subject}\n{m.body}" for m in mail.outbox if user.email in m.to]
        assert notes["results"]
        surfaces = {
            "list": json.dumps(listed, ensure_ascii=False),
            "detail": json.dumps(detail, ensure_ascii=False),
            "page": page,
            "notifications": json.dumps(notes, ensure_ascii=False),
            "emails": "\n".join(emails),
            "in-app": " ".join(
                Notification.objects.filter(user=user).values_list("text", flat=True)
            ),
        }
        for surface, text in surfaces.items():
            assert leaks(text) == [], (surface, leaks(text))
    # Search, highlights and facets of open briefs, as a firm uses them.
    api = invited["invited"]["api"]
    for query in ("sterling", "summit", "sana", "sterlingsummit", "salesforce"):
        found = api.get("/api/v1/opportunities/search", {"q": query}).json()
        assert leaks(json.dumps(found, ensure_ascii=False)) == [], query
    assert api.get("/api/v1/opportunities/search", {"q": "sterling"}).json()["count"] == 0
    assert api.get("/api/v1/opportunities/search", {"q": "salesforce"}).json()["count"] == 1
    ranked = api.get("/api/v1/opportunities").json()
    assert leaks(json.dumps(ranked, ensure_ascii=False)) == []


@pytestmark_db
def test_a_firm_browsing_open_briefs_reads_them_redacted_on_every_page(invited, user_factory):
    """The opportunities page (ranked, searched, its facets and highlights) and the
    autocomplete, for a firm not matched with the brief."""
    firm = make_vendor(
        external_id="pk-browsing",
        name="Browsing Labs",
        services=[{"name": "Web Development"}],
        technologies=["Salesforce"],
    )
    pages = Client()
    pages.force_login(user_factory("vendor", vendor=firm))
    ranked = pages.get("/workspace/opportunities/").content.decode()
    assert "Salesforce integration" in ranked  # the brief is there, redacted
    searched = pages.get("/workspace/opportunities/", {"q": "salesforce"}).content.decode()
    assert "needs a CRM" in searched and "<fieldset" in searched  # found, with facets
    for query in ("sterling", "STERLING SUMMIT", "sana"):
        found = pages.get("/workspace/opportunities/", {"q": query}).content.decode()
        typed = re.sub(re.escape(query), "", found, flags=re.IGNORECASE)  # the box echoes it
        assert leaks(typed) == [] and "needs a CRM" not in found, query
    suggested = pages.get("/api/v1/search/autocomplete", {"q": "sterl"}).content.decode()
    for surface, text in {"ranked": ranked, "searched": searched, "suggested": suggested}.items():
        assert leaks(text) == [], (surface, leaks(text))


@pytestmark_db
def test_once_both_opted_in_the_firm_reads_the_brief_as_written(invited, user_factory):
    from matchmaking.pipeline import introductions

    intro = Introduction.objects.get(stage="awaiting_buyer")
    buyer_user = user_factory("buyer", buyer=intro.match.brief.buyer)
    introductions.introduction_buyer_answer(
        introduction=intro, actor=buyer_user, version=intro.version, confirm=True
    )
    [seen] = invited["raised"]["api"].get("/api/v1/introductions/").json()["results"]
    assert seen["brief"]["title"] == "Sterling Summit Inc. needs a CRM"
    assert seen["buyer"]["anonymous"] is False
    # The buyer's own members read their text as written all along.
    buyer_api = Client()
    buyer_api.force_login(buyer_user)
    assert (
        "Sterling Summit Inc. needs a CRM"
        in buyer_api.get("/workspace/introductions/").content.decode()
    )
