from buyers.api import BriefViewSet, BuyerViewSet
from core.api.routers import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("buyers", BuyerViewSet, basename="buyer")
router.register("briefs", BriefViewSet, basename="brief")
urlpatterns = router.urls
