"""A user's notifications: one row per thing they should know of, until they read it."""

from __future__ import annotations

from django.db import models


class Notification(models.Model):
    """An event a user should know of, in their in-app list until they mark it read.
    ``key`` makes each event once per user, so a retried task never repeats it."""

    class Kind(models.TextChoices):
        REQUESTED = "requested", "Introduction requested"
        INVITED = "invited", "Introduction offered"
        ANSWERED = "answered", "Introduction answered"
        MOVED = "moved", "Stage moved"
        MESSAGE = "message", "New message"
        MATCHES = "matches", "New matches"
        REVIEWED = "reviewed", "Review"
        EVENT = "event", "Trade event"

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    key = models.CharField(max_length=120)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_event")
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}: {self.text}"
