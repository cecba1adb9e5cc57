import json

import pytest
from django.core.management import call_command

from tests.factories import make_brief, make_buyer, make_vendor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene(transactional_db):
    buyer = make_buyer(external_id="acme", country="DE", timezone="Europe/Berlin")
    brief = make_brief(
        buyer,
        external_id="b-fleet",
        title="Fleet tracking app",
        services=["Mobile App Development"],
        technologies=["Flutter"],
        required_certifications=["ISO 27001"],
    )
    make_vendor(
        external_id="fit",
        name="Chenab Mobile",
        services=["Mobile App Development"],
        technologies=["Flutter"],
        certifications=["ISO 27001"],
        description="Flutter apps for fleets",
    )
    make_vendor(
        external_id="no-cert",
        name="Ravi Apps",
        services=["Mobile App Development"],
        technologies=["Flutter"],
    )
    make_vendor(
        external_id="other",
        name="Thar Web",
        services=["Web Development"],
        technologies=["PHP"],
        certifications=["ISO 27001"],
    )
    return buyer, brief


def test_officers_and_the_briefs_buyer_get_ranked_explained_matches(scene, client_for):
    buyer, brief = scene
    for role, client in (
        ("officer", client_for("officer")),
        ("buyer", client_for("buyer", buyer=buyer)),
    ):
        body = client.get(f"/api/v1/briefs/{brief.external_id}/matches", {"limit": 5}).json()
        ids = [m["vendor"]["external_id"] for m in body["matches"]]
        assert ids[0] == "fit"
        top = body["matches"][0]
        assert top["rank"] == 1
        if role == "officer":
            assert top["score"] > 0 and len(top["features"]) == 24
        else:  # buyers read reasons and gaps, never raw scores
            assert all("score" not in m and "features" not in m for m in body["matches"])
        assert "offers Mobile App Development" in [r["text"] for r in top["reasons"]]
        assert body["meta"]["ranker"] == "prior"
        # The firm without the required certification is shown, below every firm that
        # has it, with the gap named (it fits on every other count).
        meets = [m["meets_requirements"] for m in body["matches"]]
        assert meets == sorted(meets, reverse=True) and ids[meets.index(False)] == "no-cert"
        lacking = body["matches"][ids.index("no-cert")]
        assert lacking["gaps"] == [
            {"feature": "certification_coverage", "text": "not ISO 27001 certified"}
        ]
        assert body["meta"]["meeting_requirements"] == 2


def test_others_cannot_see_a_briefs_matches(scene, client_for, api, vendor):
    _, brief = scene
    url = f"/api/v1/briefs/{brief.external_id}/matches"
    assert api.get(url).status_code == 401
    assert client_for("vendor", vendor=vendor).get(url).status_code == 403
    assert client_for("buyer", buyer=make_buyer()).get(url).status_code == 404


def test_matches_follow_profile_changes(scene, client_for):
    _, brief = scene
    officer = client_for("officer")
    url = f"/api/v1/briefs/{brief.external_id}/matches"

    def meets() -> dict[str, bool]:
        found = officer.get(url).json()["matches"]
        return {m["vendor"]["external_id"]: m["meets_requirements"] for m in found}

    assert meets()["no-cert"] is False
    officer.patch("/api/v1/vendors/no-cert/", {"certifications": ["ISO 27001"]}, format="json")
    assert meets()["no-cert"] is True


def test_match_command_prints_json_and_json_lines(scene, capsys):
    call_command("match", "b-fleet", "--limit", "2")
    single = json.loads(capsys.readouterr().out)
    assert single["brief"] == "b-fleet" and single["matches"][0]["vendor"]["external_id"] == "fit"
    make_brief(scene[0], external_id="b-two", services=["Web Development"])
    call_command("match", "b-fleet", "b-two", "--limit", "1")
    lines = capsys.readouterr().out.strip().splitlines()
    assert [json.loads(line)["brief"] for line in lines] == ["b-fleet", "b-two"]


def test_gaps_reach_the_buyers_page_and_the_officers_review_page(scene, user_factory, client):
    from matchmaking.curation.suggestions import suggest_matches

    buyer, brief = scene
    client.force_login(user_factory("buyer", buyer=buyer))
    page = client.get(f"/workspace/briefs/{brief.external_id}/").content.decode()
    assert "Worth checking" in page and "not ISO 27001 certified" in page
    suggest_matches(brief)
    client.force_login(user_factory("officer"))
    review = client.get(f"/console/briefs/{brief.external_id}/").content.decode()
    assert "Gaps:" in review and "not ISO 27001 certified" in review


def test_a_saved_model_for_other_features_falls_back_to_the_default(scene, client_for):
    from matchmaking.models import RankerModel

    _, brief = scene
    RankerModel.objects.create(
        parameters={"kind": "learned", "features": ["retrieval"], "coef": [1.0]}, promoted=True
    )
    body = client_for("officer").get(f"/api/v1/briefs/{brief.external_id}/matches").json()
    assert (
        body["meta"]["ranker"] == "prior" and body["matches"][0]["vendor"]["external_id"] == "fit"
    )


def test_a_new_relationship_recomputes_cached_matches(scene):
    """Track-record features change when an outcome is recorded: cached matches (keyed
    by the search generation) must not outlive that; a rejection changes nothing."""
    from core.generations import generation
    from matchmaking.pipeline.outcomes import outcomes_upsert
    from matchmaking.schema import OutcomeRecord

    _, brief = scene

    def record(stage: str) -> None:
        outcomes_upsert(
            [
                OutcomeRecord.model_validate(
                    {"brief": brief.external_id, "vendor": "fit", "outcome": stage}
                )
            ]
        )

    before = generation()
    record("rejected")
    assert generation() == before
    record("won")
    assert generation() > before


def test_a_shortlist_is_written_as_drf_s_own_renderer_would(scene, client_for):
    """The matches view renders with orjson (core.api.renderers): the same bytes as DRF's
    JSON renderer, for answers, refusals and bad parameters alike."""
    from rest_framework.renderers import JSONRenderer

    _, brief = scene
    officer = client_for("officer")
    for path, status in (
        (f"/api/v1/briefs/{brief.external_id}/matches?limit=5", 200),
        (f"/api/v1/briefs/{brief.external_id}/matches?limit=0", 400),
        ("/api/v1/briefs/nobody/matches", 404),
    ):
        response = officer.get(path)
        assert response.status_code == status
        assert response["Content-Type"] == "application/json"
        assert response.content == JSONRenderer().render(response.data)
