from django.db import models


class RankerModel(models.Model):
    """A trained ranker, stored as data (JSON coefficients, never a pickle) with the
    metrics it was promoted on. The newest promoted model serves; until one exists the
    prior weights do."""

    created_at = models.DateTimeField(auto_now_add=True)
    parameters = models.JSONField()
    metrics = models.JSONField(default=dict)
    promoted = models.BooleanField(default=False)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"ranker v{self.pk}{' (promoted)' if self.promoted else ''}"
