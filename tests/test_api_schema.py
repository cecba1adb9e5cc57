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
