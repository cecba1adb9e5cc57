"""Screenshots of the main pages at desktop and phone width, into docs/screenshots/.

    .venv/bin/python docs/screenshots.py [--out docs/screenshots]

Builds a fresh demo (``load_demo``, seed 7) in a temporary data directory, plays one
introduction through a short conversation to a won deal so the console and dashboard
have something to show, serves it with ``runserver`` and photographs each page with
Playwright driving Debian's Chromium (bin/browser installs it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765
SIZES: dict[str, Any] = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 390, "height": 844},
}
# (file name, user or None, path)
PAGES = [
    ("home", None, "/"),
    ("directory", None, "/firms/?q=fluter+developers+Lahore"),
    ("profile", None, "/firms/{vendor}/"),
    ("compare", None, "/compare/?v={vendor}&v={other}"),
    ("signup", None, "/accounts/signup/"),
    ("firm-workspace", "vendor", "/workspace/firm/"),
    ("introductions", "vendor", "/workspace/introductions/"),
    ("notifications", "vendor", "/workspace/notifications/"),
    ("insights", "vendor", "/workspace/insights/"),
    ("opportunities", "vendor", "/workspace/opportunities/"),
    ("conversation", "buyer", "/workspace/introductions/{intro}/conversation/"),
    ("brief-shortlist", "buyer", "/workspace/briefs/{brief}/"),
    ("brief-form", "buyer", "/workspace/briefs/new/"),
    ("console-queue", "officer", "/console/"),
    ("console-review", "officer", "/console/briefs/{open_brief}/"),
    ("console-pipeline", "officer", "/console/pipeline/"),
    ("console-demand", "officer", "/console/demand/?stage=open"),
    ("dashboard", "officer", "/console/analytics/"),
    ("console-audit", "officer", "/console/audit/"),
    ("console-verification", "officer", "/console/verifications/"),
    ("operations", "officer", "/console/operations/"),
    ("events", "officer", "/events/"),
    ("event", "officer", "/events/leap/"),
    ("event-agenda", "officer", "/events/leap/agenda/?participant={leap_buyer}"),
    ("console-event", "officer", "/console/events/gitex-global/"),
]


def prepare(data_dir: Path) -> dict[str, str]:
    """Demo data plus one introduction played to a won deal; returns ids for the URLs."""
    os.environ.update(RAABTA_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.models import User
    from buyers.models import BuyerMember
    from core.money import RateTable
    from core.schema import validate_record
    from matchmaking.curation import decisions
    from matchmaking.models import Curation, Match
    from matchmaking.pipeline import conversations, introductions, reviews
    from vendors.models import VendorMember
    from vendors.schema import VendorRecord
    from vendors.selectors import vendor_record
    from vendors.services import vendor_save

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    officer, vendor_user, buyer_user = (
        User.objects.get(username=n) for n in ("officer", "vendor", "buyer")
    )
    review = (
        Curation.objects.filter(closed_at__isnull=True)
        .select_related("brief")
        .order_by("id")
        .first()
    )
    assert review is not None, "the demo has open briefs"
    brief = review.brief
    BuyerMember.objects.filter(user=buyer_user).update(buyer=brief.buyer)
    match = (
        Match.objects.filter(brief=brief).select_related("brief", "vendor").order_by("rank").first()
    )
    assert match is not None
    VendorMember.objects.filter(user=vendor_user).update(vendor=match.vendor)
    decisions.match_approve(match=match, actor=officer, version=match.version)
    intro = match.introduction
    intro = introductions.introduction_vendor_answer(
        introduction=intro, actor=vendor_user, version=intro.version, accept=True
    )
    intro = introductions.introduction_buyer_answer(
        introduction=intro, actor=buyer_user, version=intro.version, confirm=True
    )
    for author, text in (
        (vendor_user, "Thank you for the introduction. Could we show you a similar app on a call?"),
        (buyer_user, "Gladly — Tuesday 10:00 CET works for us. Please bring your QA lead."),
        (vendor_user, "Confirmed. The invitation is on its way."),
    ):
        conversations.message_post(introduction=intro, author=author, body=text)
    for stage, value in (("meeting", None), ("proposal", None), ("won", Decimal("48000"))):
        intro = introductions.introduction_move(
            introduction=intro,
            actor=officer,
            version=intro.version,
            stage=stage,
            deal_value=value,
            currency="EUR" if value else "",
        )
    reviews.review_post(
        introduction=intro,
        author=buyer_user,
        quality=5,
        communication=4,
        delivery=5,
        text="A careful team: weekly demos, no surprises, delivered a week early.",
    )
    claimed = match.vendor  # the firm states a PSEB number and SOC 2 itself: claims
    record = vendor_record(claimed)
    record.update(registrations={"pseb": "PSEB/2021/0456"})
    record["certifications"] = [*record.get("certifications", []), "SOC 2"]
    vendor_save(record=validate_record(VendorRecord, record, rates=RateTable.load()), by_firm=True)
    second = (
        Match.objects.filter(brief=brief, state="suggested")
        .select_related("brief", "vendor")
        .order_by("rank")
        .first()
    )
    if second is not None:  # one more firm invited, to fill the vendor's and the pipeline's columns
        decisions.match_approve(match=second, actor=officer, version=second.version)
    other = (
        Curation.objects.filter(closed_at__isnull=True)
        .exclude(brief=brief)
        .select_related("brief")
        .first()
    )
    call_command("rebuild_search_index", verbosity=0)
    from events.models import Participant

    leap_buyer = Participant.objects.filter(event__slug="leap", kind="buyer").order_by("id")[1]
    return {
        "leap_buyer": str(leap_buyer.pk),
        "vendor": match.vendor.external_id,
        "other": second.vendor.external_id if second else match.vendor.external_id,
        "brief": brief.external_id,
        "intro": str(intro.pk),
        "open_brief": (other or review).brief.external_id,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="raabta-shots-") as tmp:
        ids = prepare(Path(tmp))
        env = {**os.environ, "RAABTA_DATA_DIR": tmp}
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{PORT}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{PORT}"
            for _ in range(50):
                try:
                    urllib.request.urlopen(base + "/api/v1/health/", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            shoot(base, ids, out)
        finally:
            server.terminate()
            server.wait()


def shoot(base: str, ids: dict[str, str], out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        for size, viewport in SIZES.items():
            contexts = {}
            for name, user, path in PAGES:
                if user not in contexts:
                    contexts[user] = browser.new_context(
                        base_url=base, viewport=viewport, timezone_id="Europe/Berlin"
                    )
                    if user:
                        page = contexts[user].new_page()
                        page.goto("/accounts/signin/")
                        page.get_by_label("Username").fill(user)
                        page.get_by_label("Password").fill("raabta-demo")
                        page.get_by_role("button", name="Sign in").click()
                        page.get_by_role("button", name="Sign out").wait_for()
                        page.close()
                page = contexts[user].new_page()
                page.goto(path.format(**ids))
                page.screenshot(path=str(out / f"{name}-{size}.png"), full_page=size == "desktop")
                page.close()
                print(f"{name}-{size}.png")
            for context in contexts.values():
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
