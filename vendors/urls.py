from core.api.routers import OptionalSlashRouter
from vendors.api import VendorViewSet, VerificationViewSet

router = OptionalSlashRouter()
router.register("vendors", VendorViewSet, basename="vendor")
router.register("verifications", VerificationViewSet, basename="verification")
urlpatterns = router.urls
