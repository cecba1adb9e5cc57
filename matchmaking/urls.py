from django.urls import re_path

from matchmaking.api import BriefMatchesView

urlpatterns = [
    re_path(
        r"^briefs/(?P<external_id>[^/]+)/matches/?$",
        BriefMatchesView.as_view(),
        name="brief-matches",
    ),
]
