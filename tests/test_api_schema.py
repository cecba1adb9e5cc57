import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_describes_the_interchange_bodies(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/vendors/", "/api/v1/briefs/{external_id}/", "/api/v1/vendors/import/"} <= set(
        schema["paths"]
    )
    vendor = schema["components"]["schemas"]["VendorRecord"]
    assert {"external_id", "name", "services", "portfolio"} <= set(vendor["properties"])
    assert "Anyone" in schema["paths"]["/api/v1/vendors/"]["get"]["description"]


def test_swagger_ui_and_its_assets_are_served_by_the_app(api, client):
    page = api.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    asset = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert asset.status_code == 200
    assert b"Raabta" in api.get("/").content


def test_the_schema_states_the_bounds_the_server_enforces():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    listed = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/v1/vendors/"]["get"]["parameters"]
    }
    assert listed["page"]["minimum"] == 1
    assert (listed["page_size"]["minimum"], listed["page_size"]["maximum"]) == (1, 200)
    create = schema["paths"]["/api/v1/vendors/"]["post"]["requestBody"]["content"]
    created = create["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "external_id" not in schema["components"]["schemas"][created].get("required", [])
    search = {
        p["name"]: p["schema"]
        for p in schema["paths"]["/api/v1/search/vendors/"]["get"]["parameters"]
    }
    assert search["page"]["maximum"] == 10_000 and search["page_size"]["maximum"] >= 1


def test_an_officer_who_leaves_the_id_out_gets_one_from_the_server(client_for):
    body = {"name": "Unnamed Id Firm"}
    created = client_for("officer").post("/api/v1/vendors/", body, format="json")
    assert created.status_code == 201 and created.json()["external_id"].startswith("firm-")


def test_an_id_of_the_wrong_type_is_refused_not_replaced(client_for):
    # schemathesis sent {"external_id": {}}: it was taken for "no id" and a firm created.
    for who in ("officer", "vendor"):
        answer = client_for(who).post(
            "/api/v1/vendors/", {"external_id": {}, "name": "Typed Firm"}, format="json"
        )
        assert answer.status_code == 400 and "external_id" in answer.json(), (who, answer.content)
    blank = client_for("officer").post(
        "/api/v1/vendors/", {"external_id": "  ", "name": "Blank Id"}, format="json"
    )
    assert blank.status_code == 201  # blank text means not given, as in every record
