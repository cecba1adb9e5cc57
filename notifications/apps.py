from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """What happened that a user should know of: the in-app list and its e-mail, for every
    app above (see docs/architecture.md)."""

    name = "notifications"
