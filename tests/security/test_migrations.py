"""This release's migrations keep existing data, forward and back (archive columns,
PROTECT on deals and labels, outbox leases, the shared cache table)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("core", "0005_job"),
    ("vendors", "0001_initial"),
    ("buyers", "0001_initial"),
    ("matchmaking", "0005_shortlisted"),
]
AFTER = [
    ("core", "0007_outbox_claim"),
    ("vendors", "0002_archive"),
    ("buyers", "0002_archive"),
    ("matchmaking", "0006_archive"),
]


def _migrate(targets: Sequence[tuple[str, str | None]]):
    """Migrate to ``targets`` (an app at ``None``: none of its migrations) and return the
    models as they stand there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([(app, name) for app, name in targets if name]).apps


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


@pytest.mark.django_db(transaction=True)
def test_data_survives_this_releases_migrations_forward_and_back():
    try:
        old = _migrate(BEFORE)
        assert "raabta_shared_cache" not in _tables()
        vendor = old.get_model("vendors", "Vendor").objects.create(
            external_id="pk-old", name="Old Firm", record_hash="h1", version=3
        )
        buyer = old.get_model("buyers", "Buyer").objects.create(
            external_id="org-old", name="Old Buyer", record_hash="h2"
        )
        brief = old.get_model("buyers", "Brief").objects.create(
            external_id="b-old", title="Old brief", buyer=buyer, record_hash="h3"
        )
        old.get_model("matchmaking", "Outcome").objects.create(
            brief=brief, vendor=vendor, outcome="won", value_usd=48000
        )
        old.get_model("core", "OutboxEvent").objects.create(topic="vendor", key="pk-old", version=3)

        new = _migrate(AFTER)
        assert "raabta_shared_cache" in _tables()
        firm = new.get_model("vendors", "Vendor").objects.get(external_id="pk-old")
        assert (firm.name, firm.version, firm.archived_at) == ("Old Firm", 3, None)
        assert new.get_model("buyers", "Brief").objects.get(external_id="b-old").archived_at is None
        assert new.get_model("matchmaking", "Outcome").objects.get().value_usd == 48000
        assert new.get_model("core", "OutboxEvent").objects.get().claimed_until is None

        back = _migrate(BEFORE)
        assert "raabta_shared_cache" not in _tables()
        assert back.get_model("vendors", "Vendor").objects.get(external_id="pk-old").version == 3
        assert back.get_model("matchmaking", "Outcome").objects.count() == 1
        assert back.get_model("core", "OutboxEvent").objects.count() == 1
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_usernames_that_differ_only_in_case_are_renamed_with_a_report(capsys):
    try:
        old = _migrate([("accounts", "0001_initial")])
        users = old.get_model("accounts", "User").objects
        first = users.create(username="Sana", password="!")
        later = users.create(username="SANA", password="!")
        other = users.create(username="Bilal", password="!")
        new = _migrate([("accounts", "0002_username_case_insensitive")])
        names = dict(new.get_model("accounts", "User").objects.values_list("id", "username"))
        assert names == {first.pk: "Sana", later.pk: f"SANA-{later.pk}", other.pk: "Bilal"}
        report = capsys.readouterr().out
        assert f"user {later.pk}: 'SANA' -> 'SANA-{later.pk}'" in report
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            new.get_model("accounts", "User").objects.create(username="bilal", password="!")
        back = _migrate([("accounts", "0001_initial")])
        back.get_model("accounts", "User").objects.create(username="bilal", password="!")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_firms_get_their_look_alike_keys_and_keep_them_back():
    try:
        old = _migrate([("vendors", "0008_opportunity_digest")])
        firms = old.get_model("vendors", "Vendor").objects
        for n, name in enumerate(["Indus Code Labs (Pvt) Ltd", "Indus C\u043ede Labs", "Ravi"]):
            firms.create(external_id=f"pk-{n}", name=name, record_hash=f"h{n}")
        new = _migrate([("vendors", "0009_name_key")])
        keys = dict(
            new.get_model("vendors", "Vendor").objects.values_list("external_id", "name_key")
        )
        assert keys == {"pk-0": "induscodelabs", "pk-1": "induscodelabs", "pk-2": "ravi"}
        back = _migrate([("vendors", "0008_opportunity_digest")])
        assert back.get_model("vendors", "Vendor").objects.count() == 3
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_notifications_move_to_their_own_app_with_their_rows_and_back():
    before = [("matchmaking", "0011_firm_requested"), ("notifications", None)]
    after = [("notifications", "0001_initial")]
    try:
        old = _migrate(before)
        assert "matchmaking_notification" in _tables()
        user = old.get_model("accounts", "User").objects.create(username="sana", password="!")
        old.get_model("matchmaking", "Notification").objects.create(
            user_id=user.pk, kind="invited", key="introduction-1-invited", text="A buyer in DE"
        )

        new = _migrate(after)
        assert "notifications_notification" in _tables()
        assert "matchmaking_notification" not in _tables()
        moved = new.get_model("notifications", "Notification").objects.get()
        assert (moved.user_id, moved.key, moved.text) == (
            user.pk,
            "introduction-1-invited",
            "A buyer in DE",
        )
        types = new.get_model("contenttypes", "ContentType").objects
        assert types.filter(app_label="notifications", model="notification").exists()
        assert not types.filter(app_label="matchmaking", model="notification").exists()
        # the unique key moved with the table: a retried event is still told once
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            new.get_model("notifications", "Notification").objects.create(
                user_id=user.pk, kind="invited", key="introduction-1-invited", text="again"
            )

        back = _migrate(before)
        assert "matchmaking_notification" in _tables()
        assert back.get_model("matchmaking", "Notification").objects.get().text == "A buyer in DE"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_queue_entry_of_a_brief_is_renamed_curation_with_its_rows_and_back():
    briefs = ("buyers", "0005_demand_index")  # the briefs as they stand in this release
    before = [("matchmaking", "0012_notification_moves_to_notifications"), briefs]
    after = [("matchmaking", "0013_review_is_curation"), briefs]
    try:
        old = _migrate(before)
        brief = old.get_model("buyers", "Brief").objects.create(
            external_id="b-queued", title="A queued brief", record_hash="h"
        )
        old.get_model("matchmaking", "Review").objects.create(brief=brief)

        new = _migrate(after)
        assert "matchmaking_curation" in _tables()
        assert "matchmaking_review" not in _tables()
        curation = new.get_model("matchmaking", "Curation").objects.get()
        assert (curation.brief_id, curation.closed_at) == (brief.pk, None)
        queued = new.get_model("buyers", "Brief").objects.get(external_id="b-queued")
        assert queued.curation == curation  # the brief reaches its queue entry by the new name

        back = _migrate(before)
        assert "matchmaking_review" in _tables()
        assert back.get_model("matchmaking", "Review").objects.get().brief_id == brief.pk
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_briefs_get_their_pipeline_stage_from_their_introductions_and_back():
    from django.utils import timezone

    others = [("matchmaking", "0013_review_is_curation"), ("vendors", "0009_name_key")]
    before = [("buyers", "0005_demand_index"), *others]
    after = [("buyers", "0006_brief_pipeline_stage"), *others]
    try:
        old = _migrate(before)
        firm = old.get_model("vendors", "Vendor").objects.create(
            external_id="pk-1", name="Indus Code", record_hash="h"
        )
        briefs = old.get_model("buyers", "Brief").objects
        for key, stages in (("b-won", ["lost", "won"]), ("b-talks", ["meeting"]), ("b-new", [])):
            brief = briefs.create(external_id=key, title=key, record_hash="h")
            for n, stage in enumerate(stages):
                vendor = (
                    firm
                    if n == 0
                    else old.get_model("vendors", "Vendor").objects.create(
                        external_id=f"pk-{key}-{n}", name=f"Firm {n}", record_hash="h"
                    )
                )
                match = old.get_model("matchmaking", "Match").objects.create(
                    brief=brief, vendor=vendor, state="approved"
                )
                old.get_model("matchmaking", "Introduction").objects.create(
                    match=match, stage=stage, stage_changed_at=timezone.now()
                )

        new = _migrate(after)
        kept = dict(
            new.get_model("buyers", "Brief").objects.values_list("external_id", "pipeline_stage")
        )
        assert kept == {"b-won": "won", "b-talks": "introduced", "b-new": "open"}

        back = _migrate(before)
        assert back.get_model("buyers", "Brief").objects.count() == 3
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
