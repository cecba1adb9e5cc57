from django.urls import re_path

from core.api.routers import OptionalSlashRouter
from matchmaking.api.analytics import TABLES, AnalyticsView
from matchmaking.api.curation import (
    AuditViewSet,
    CurationViewSet,
    IntroductionViewSet,
    MatchDecisionViewSet,
)
from matchmaking.api.insights import FirmInsightsView
from matchmaking.api.matches import BriefMatchesView
from matchmaking.api.opportunities import (
    DemandSearchView,
    OpportunitiesView,
    OpportunitySearchView,
    RaiseHandView,
)
from matchmaking.api.reviews import FirmReviewsView

router = OptionalSlashRouter()
router.register("curation/queue", CurationViewSet, basename="curation")
router.register("curation/matches", MatchDecisionViewSet, basename="curation-match")
router.register("introductions", IntroductionViewSet, basename="introduction")
router.register("audit", AuditViewSet, basename="audit")

urlpatterns = [
    re_path(r"^opportunities/?$", OpportunitiesView.as_view(), name="opportunities"),
    re_path(
        r"^opportunities/search/?$", OpportunitySearchView.as_view(), name="opportunity-search"
    ),
    re_path(
        r"^opportunities/(?P<external_id>[^/]+)/interest/?$",
        RaiseHandView.as_view(),
        name="opportunity-interest",
    ),
    re_path(r"^search/demand/?$", DemandSearchView.as_view(), name="search-demand"),
    re_path(
        r"^briefs/(?P<external_id>[^/]+)/matches/?$",
        BriefMatchesView.as_view(),
        name="brief-matches",
    ),
    re_path(
        r"^vendors/(?P<external_id>[^/]+)/insights/?$",
        FirmInsightsView.as_view(),
        name="vendor-insights",
    ),
    re_path(
        r"^vendors/(?P<external_id>[^/]+)/reviews/?$",
        FirmReviewsView.as_view(),
        name="vendor-reviews",
    ),
    re_path(
        rf"^analytics/(?P<table>{'|'.join(TABLES)})/?$", AnalyticsView.as_view(), name="analytics"
    ),
    *router.urls,
]
