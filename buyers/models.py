"""Buyer organisations, the people who speak for them, and their briefs."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django_countries.fields import CountryField

from core.models import KeyedRecord
from vendors.models import EngagementModel

# Outbox topics the demand index (search.demand) drains: a buyer's or a brief's search
# document may have changed (the brief's own BRIEF_TOPIC is curation's).
BUYER_INDEX_TOPIC = "buyer-index"
BRIEF_INDEX_TOPIC = "brief-index"


class SizeBand(models.TextChoices):
    """Employees of a buyer organisation: what firms may know of its size."""

    SMALL = "1-49", "1–49 employees"
    MEDIUM = "50-249", "50–249 employees"
    LARGE = "250-999", "250–999 employees"
    ENTERPRISE = "1000+", "1,000 employees or more"


class Buyer(KeyedRecord):
    name = models.CharField(max_length=200)
    country = CountryField(blank=True)
    industry = models.CharField(max_length=100, blank=True)
    timezone = models.CharField(max_length=64, blank=True)
    website = models.URLField(max_length=500, blank=True)
    # Person, e-mail, phone: shown to a firm only once both sides opted in.
    contact = models.JSONField(default=dict, blank=True)
    description = models.TextField(blank=True)
    size_band = models.CharField(max_length=8, choices=SizeBand.choices, blank=True)
    # Firms browsing open briefs see the buyer's country, sector and size band; its name
    # only when it opts in here (its contacts only ever after a mutual introduction).
    named_to_firms = models.BooleanField(default=False)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.external_id})"


class BuyerMember(models.Model):
    """A user who speaks for one buyer organisation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="buyer_membership"
    )
    buyer = models.ForeignKey(Buyer, on_delete=models.CASCADE, related_name="members")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} @ {self.buyer}"


class Brief(KeyedRecord):
    """What a buyer needs. The budget keeps its own currency and its US-dollar value
    at the rate of ``published_at`` (or the day it was stored)."""

    buyer = models.ForeignKey(
        Buyer, on_delete=models.PROTECT, related_name="briefs", null=True, blank=True
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    services = models.JSONField(default=list, blank=True)
    technologies = models.JSONField(default=list, blank=True)
    industry = models.CharField(max_length=100, blank=True, db_index=True)
    budget_min = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    budget_max = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    budget_currency = models.CharField(max_length=3, blank=True)
    budget_min_usd = models.PositiveBigIntegerField(null=True, blank=True)
    budget_max_usd = models.PositiveBigIntegerField(null=True, blank=True)
    timeline_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    engagement_model = models.CharField(max_length=32, choices=EngagementModel.choices, blank=True)
    required_certifications = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    min_overlap_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    team_size = models.PositiveIntegerField(null=True, blank=True)
    location = models.CharField(max_length=100, blank=True)
    published_at = models.DateField(null=True, blank=True, db_index=True)
    extra = models.JSONField(default=dict, blank=True)
    # Grows when what the brief's search document shows changes without the brief
    # itself changing (its buyer, its pipeline stage): the document's version is
    # ``version + revision`` (search.demand), so the index takes the newer document.
    revision = models.PositiveIntegerField(default=0)
    # The brief's place in the pipeline, as its search document shows it: ``open`` until
    # a firm is introduced, ``introduced`` while talks go on (still open to other
    # firms), ``won`` once a deal is signed. Kept by matchmaking's pipeline through
    # ``buyers.services.briefs_stage_set``.
    pipeline_stage = models.CharField(
        max_length=12,
        choices=[("open", "Open"), ("introduced", "Introduced"), ("won", "Won")],
        default="open",
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__lte=F("budget_max"))
                | Q(budget_min__isnull=True)
                | Q(budget_max__isnull=True),
                name="brief_budget_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.external_id})"
