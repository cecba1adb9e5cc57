from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.pages import SignInView, SignOutView, sign_up
from core.api.health import HealthView
from core.pages import home
from search.pages import directory
from vendors.pages import compare, vendor_profile

api_v1: list[URLPattern | URLResolver] = [
    path("", include("accounts.urls")),
    path("", include("vendors.urls")),
    path("", include("buyers.urls")),
    path("", include("search.urls")),
    path("", include("matchmaking.urls")),
    path("health/", HealthView.as_view(), name="health"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
]

pages: list[URLPattern | URLResolver] = [
    path("", home, name="home"),
    path("firms/", directory, name="directory"),
    path("firms/<str:external_id>/", vendor_profile, name="vendor-profile"),
    path("compare/", compare, name="compare"),
    path("accounts/signup/", sign_up, name="signup"),
    path("accounts/signin/", SignInView.as_view(), name="signin"),
    path("accounts/signout/", SignOutView.as_view(), name="signout"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    *pages,
]
