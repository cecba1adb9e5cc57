import pytest

from tests.factories import make_vendor

pytestmark = pytest.mark.django_db(transaction=True)
URL = "/api/v1/search/vendors"


@pytest.fixture
def catalogue(transactional_db):
    make_vendor(
        external_id="rn",
        name="Indus Mobile",
        technologies=["React Native"],
        city="Lahore",
        team_size=12,
        hourly_rate_usd={"min": 22, "max": 35},
        description="Wallet apps for fintech startups.",
    )
    make_vendor(
        external_id="py",
        name="Ravi Data",
        technologies=["Python"],
        services=["Data Analytics"],
        city="Karachi",
        team_size=120,
        hourly_rate_usd={"min": 40, "max": 60},
        industries=["Healthcare"],
    )
    make_vendor(
        external_id="web",
        name="Thar Web",
        technologies=["PHP"],
        services=["Web Development"],
        city="Lahore",
        team_size=5,
        hourly_rate_usd={"min": 15, "max": 20},
    )


def test_anyone_searches_with_text_filters_and_facets(api, catalogue):
    body = api.get(URL, {"q": "RN apps", "city": "lahore"}).json()
    assert [r["external_id"] for r in body["results"]] == ["rn"]
    assert body["count"] == 1  # the other Lahore firm does not work with React Native
    assert {f["value"]: f["count"] for f in body["facets"]["city"]} == {"Lahore": 1}
    assert "<mark>" in body["results"][0]["highlights"]["description"]
    assert [(c["kind"], c["label"], c["text"]) for c in body["understood"]["chips"]] == [
        ("technology", "React Native", "RN")
    ]


def test_singular_and_plural_filters_and_ranges(api, catalogue):
    assert [r["external_id"] for r in api.get(URL, {"technology": "python"}).json()["results"]] == [
        "py"
    ]
    assert api.get(URL, {"technologies": "PHP,Python"}).json()["count"] == 0
    assert {
        r["external_id"]
        for r in api.get(URL, {"city": "Lahore,Karachi", "min_rate": 20}).json()["results"]
    } == {"rn", "py"}
    assert [
        r["external_id"]
        for r in api.get(URL, {"sort": "-team_size", "page_size": 1, "page": 2}).json()["results"]
    ] == ["rn"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min_rate": -1}, "min_rate"),
        ({"sort": "price"}, "sort"),
        ({"page_size": 1000}, "page_size"),
        ({"min_team_size": 50, "max_team_size": 10}, "min_team_size"),
    ],
)
def test_bad_parameters_get_400_naming_the_field(api, params, field):
    response = api.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_results_follow_profile_changes_despite_the_cache(api, catalogue, client_for):
    assert api.get(URL, {"q": "Quetta"}).json()["count"] == 0
    officer = client_for("officer")
    assert (
        officer.patch("/api/v1/vendors/web/", {"city": "Quetta"}, format="json").status_code == 200
    )
    assert [r["external_id"] for r in api.get(URL, {"city": "Quetta"}).json()["results"]] == ["web"]


def test_autocomplete_suggests_labels_and_firm_names(api, catalogue):
    suggestions = api.get("/api/v1/search/autocomplete", {"q": "ra"}).json()["suggestions"]
    assert {"kind": "vendor", "text": "Ravi Data", "id": "py"} in suggestions
    kinds = {
        s["kind"]
        for s in api.get("/api/v1/search/autocomplete", {"q": "pyt"}).json()["suggestions"]
    }
    assert kinds == {"technology"}
    assert api.get("/api/v1/search/autocomplete").status_code == 400
