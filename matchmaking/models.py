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


class Outcome(models.Model):
    """What happened to a (brief, vendor) pair: an officer's decision or a deal stage.

    Imported from ``outcomes.jsonl`` or recorded by officers; the labels the ranker
    learns from. ``rank`` and ``score`` are where the pair was shown when decided, so
    position bias can be corrected."""

    class Stage(models.TextChoices):
        SUGGESTED = "suggested"
        APPROVED = "approved"
        REJECTED = "rejected"
        INTRODUCED = "introduced"
        MEETING = "meeting"
        PROPOSAL = "proposal"
        WON = "won"
        LOST = "lost"

    brief = models.ForeignKey("buyers.Brief", on_delete=models.CASCADE, related_name="outcomes")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.CASCADE, related_name="outcomes")
    outcome = models.CharField(max_length=16, choices=Stage.choices)
    value_usd = models.PositiveBigIntegerField(null=True, blank=True)
    decided_at = models.DateField(null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["brief", "vendor", "outcome"], name="one_outcome_per_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brief_id}/{self.vendor_id}: {self.outcome}"
