from django.urls import re_path

from core.api.routers import OptionalSlashRouter
from events.api.events import EventAnalyticsView, EventViewSet
from events.api.meetings import MeetingViewSet
from events.api.participants import ParticipantViewSet

router = OptionalSlashRouter()
router.register("events", EventViewSet, basename="event")
router.register("event-participants", ParticipantViewSet, basename="event-participant")
router.register("event-meetings", MeetingViewSet, basename="event-meeting")

urlpatterns = [
    re_path(r"^event-analytics/?$", EventAnalyticsView.as_view(), name="event-analytics"),
    *router.urls,
]
