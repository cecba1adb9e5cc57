from rest_framework.routers import SimpleRouter

from vendors.api import VendorViewSet

router = SimpleRouter(trailing_slash="/?")
router.register("vendors", VendorViewSet, basename="vendor")
urlpatterns = router.urls
