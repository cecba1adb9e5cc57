from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.api.health import HealthView

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

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("", include("core.urls")),
]
