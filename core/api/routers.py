from rest_framework.routers import SimpleRouter


class OptionalSlashRouter(SimpleRouter):
    """``/api/v1/vendors/`` and ``/api/v1/vendors`` both route: a POST cannot follow
    Django's APPEND_SLASH redirect, and API clients differ in habit."""

    def __init__(self) -> None:
        super().__init__()
        self.trailing_slash = "/?"
