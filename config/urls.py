from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.pages import SignInView, SignOutView, sign_up
from config.health import ApiRootView, HealthView, LiveView, ReadyView, metrics
from config.pages import home
from events import console as event_console
from events import pages as events
from matchmaking.pages import (
    briefs,
    console,
    conversations,
    dashboard,
    introductions,
    opportunities,
)
from matchmaking.pages.insights import firm_insights_page
from notifications import pages as notifications
from search.pages import directory
from vendors import console as vendor_console
from vendors.pages import compare, vendor_profile
from vendors.workspace import firm_profile

api_v1: list[URLPattern | URLResolver] = [
    path("", ApiRootView.as_view(), name="api-root"),
    path("", include("accounts.urls")),
    path("", include("notifications.urls")),
    path("", include("vendors.urls")),
    path("", include("buyers.urls")),
    path("", include("search.urls")),
    path("", include("matchmaking.urls")),
    path("", include("events.urls")),
    path("health/", HealthView.as_view(), name="health"),
    path("health/live/", LiveView.as_view(), name="health-live"),
    path("health/ready/", ReadyView.as_view(), name="health-ready"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
]

pages: list[URLPattern | URLResolver] = [
    path("", home, name="home"),
    path("firms/", directory, name="directory"),
    path("firms/<str:external_id>/", vendor_profile, name="vendor-profile"),
    path("compare/", compare, name="compare"),
    path("accounts/signup/", sign_up, name="signup"),
    path("accounts/signin/", SignInView.as_view(), name="signin"),
    path("accounts/signout/", SignOutView.as_view(), name="signout"),
    path("workspace/firm/", firm_profile, name="firm-workspace"),
    path("workspace/insights/", firm_insights_page, name="firm-insights"),
    path("workspace/opportunities/", opportunities.opportunities_page, name="opportunities"),
    path("workspace/opportunities/digest/", opportunities.digest_choice, name="opportunity-digest"),
    path(
        "workspace/opportunities/<str:external_id>/interest/",
        opportunities.raise_hand_page,
        name="opportunity-raise-hand",
    ),
    path("workspace/introductions/", introductions.introductions_page, name="introductions"),
    path(
        "workspace/introductions/<int:pk>/respond/",
        introductions.introduction_respond,
        name="introduction-respond",
    ),
    path(
        "workspace/introductions/<int:pk>/review/",
        introductions.introduction_review,
        name="introduction-review",
    ),
    path(
        "workspace/introductions/<int:pk>/conversation/",
        conversations.conversation,
        name="conversation",
    ),
    path("workspace/notifications/", notifications.notifications_page, name="notifications"),
    path(
        "workspace/notifications/read/",
        notifications.notifications_mark,
        name="notifications-read",
    ),
    path("workspace/briefs/", briefs.briefs_page, name="briefs"),
    path("workspace/briefs/new/", briefs.brief_edit, name="brief-new"),
    path("workspace/organisation/visibility/", briefs.buyer_visibility, name="buyer-visibility"),
    path("workspace/briefs/<str:external_id>/", briefs.brief_detail, name="brief-detail"),
    path("workspace/briefs/<str:external_id>/edit/", briefs.brief_edit, name="brief-edit"),
    path(
        "workspace/briefs/<str:external_id>/request/",
        briefs.brief_request,
        name="brief-request",
    ),
    path(
        "workspace/briefs/<str:external_id>/shortlist/",
        briefs.brief_shortlist,
        name="brief-shortlist",
    ),
    path("console/", console.console_queue, name="console"),
    path("console/briefs/<str:external_id>/", console.console_review, name="console-review"),
    path("console/briefs/<str:external_id>/act/", console.console_act, name="console-act"),
    path("console/matches/<int:pk>/decide/", console.console_decide, name="console-decide"),
    path("console/pipeline/", console.console_pipeline, name="console-pipeline"),
    path("console/demand/", opportunities.console_demand, name="console-demand"),
    path("console/introductions/<int:pk>/move/", console.console_move, name="console-move"),
    path("console/audit/", console.console_audit, name="console-audit"),
    path("console/verifications/", vendor_console.verification_queue, name="verification-queue"),
    path(
        "console/verifications/<str:external_id>/decide/",
        vendor_console.verification_decide,
        name="verification-decide",
    ),
    path("events/", events.events_page, name="events"),
    path("events/<slug:slug>/", events.event_page, name="event"),
    path("events/<slug:slug>/register/", events.event_register, name="event-register"),
    path("events/<slug:slug>/request/", events.event_request, name="event-request"),
    path("events/<slug:slug>/withdraw/", events.event_withdraw, name="event-withdraw"),
    path("events/<slug:slug>/agenda/", events.agenda_page, name="event-agenda"),
    path("events/<slug:slug>/agenda.ics", events.agenda_file, name="event-agenda-ics"),
    path("events/meetings/<int:pk>/", events.meeting_act, name="event-meeting-act"),
    path("console/events/", event_console.console_events, name="console-events"),
    path("console/events/<slug:slug>/", event_console.console_event, name="console-event"),
    path(
        "console/events/<slug:slug>/act/", event_console.console_event_act, name="console-event-act"
    ),
    path("console/analytics/", dashboard.console_analytics, name="console-analytics"),
    path("console/operations/", dashboard.console_operations, name="console-operations"),
    path("console/operations/<int:pk>/", dashboard.console_job, name="console-job"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("metrics", metrics, name="metrics"),
    path("api/v1/", include(api_v1)),
    *pages,
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
