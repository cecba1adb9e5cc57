from core.api.routers import OptionalSlashRouter
from notifications.api import NotificationViewSet

router = OptionalSlashRouter()
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = router.urls
