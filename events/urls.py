from core.api.routers import OptionalSlashRouter
from events.api import EventViewSet, MeetingViewSet, ParticipantViewSet

router = OptionalSlashRouter()
router.register("events", EventViewSet, basename="event")
router.register("event-participants", ParticipantViewSet, basename="event-participant")
router.register("event-meetings", MeetingViewSet, basename="event-meeting")

urlpatterns = router.urls
