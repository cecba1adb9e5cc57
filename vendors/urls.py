from core.api.routers import OptionalSlashRouter
from vendors.api import VendorViewSet

router = OptionalSlashRouter()
router.register("vendors", VendorViewSet, basename="vendor")
urlpatterns = router.urls
