import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_sign_up_as_a_vendor_then_use_the_token_to_create_the_firm(api):
    response = api.post(
        "/api/v1/auth/signup/",
        {
            "username": "amna",
            "email": "amna@example.pk",
            "password": "a-long-passphrase-9",
            "role": "vendor",
        },
        format="json",
    )
    assert response.status_code == 201
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    created = api.post("/api/v1/vendors/", {"name": "Amna Apps"}, format="json")
    assert created.status_code == 201
    assert api.get("/api/v1/auth/me/").json() == {
        "username": "amna",
        "role": "vendor",
        "vendor": created.json()["external_id"],
        "buyer": None,
    }


def test_nobody_signs_up_as_an_officer_or_with_a_weak_password(api):
    officer = api.post(
        "/api/v1/auth/signup/",
        {"username": "o", "email": "o@x.org", "password": "a-long-passphrase-9", "role": "officer"},
        format="json",
    )
    weak = api.post(
        "/api/v1/auth/signup/",
        {"username": "weakling", "email": "w@x.org", "password": "12345678", "role": "buyer"},
        format="json",
    )
    assert officer.status_code == 400 and "role" in officer.json()
    assert weak.status_code == 400 and "password" in weak.json()
    assert not User.objects.exists()


def test_token_endpoint_exchanges_credentials(api, user_factory):
    user = user_factory("buyer")
    ok = api.post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": "pw-for-tests-1"},
        format="json",
    )
    bad = api.post(
        "/api/v1/auth/token/", {"username": user.username, "password": "wrong"}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["token"]
    assert bad.status_code == 400


def test_me_requires_sign_in(api):
    assert api.get("/api/v1/auth/me/").status_code == 401
