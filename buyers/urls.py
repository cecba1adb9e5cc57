from rest_framework.routers import SimpleRouter

from buyers.api import BriefViewSet, BuyerViewSet

router = SimpleRouter(trailing_slash="/?")
router.register("buyers", BuyerViewSet, basename="buyer")
router.register("briefs", BriefViewSet, basename="brief")
urlpatterns = router.urls
