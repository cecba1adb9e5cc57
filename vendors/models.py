"""IT firms (vendors): the profile, its portfolio and the people who may edit it.

Label lists (services, technologies, …) and the portfolio are stored as JSON on the
vendor row: a profile is read, written and indexed as a whole document, and filtering
at scale is the search backend's job. (A separate portfolio table cost half of the
import time and bought nothing; see docs/architecture.md.) ``version`` counts changes
(the search index uses it to ignore stale updates); ``record_hash`` lets a re-import
detect that nothing changed.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_countries.fields import CountryField

from core.models import KeyedRecord

# Outbox topic for vendor profile changes (consumed by the search index).
VENDOR_TOPIC = "vendor"


class EngagementModel(models.TextChoices):
    FIXED_PRICE = "fixed_price", "Fixed price"
    TIME_AND_MATERIALS = "time_and_materials", "Time and materials"
    DEDICATED_TEAM = "dedicated_team", "Dedicated team"


class Vendor(KeyedRecord):
    name = models.CharField(max_length=200)
    # ``core.text.name_key`` of the name: firms sharing one look alike to a reader (a
    # copied name, a Cyrillic "o"), and the officers' verification queue shows them.
    name_key = models.CharField(max_length=200, blank=True, default="", db_index=True)
    country = CountryField(blank=True)
    city = models.CharField(max_length=100, blank=True, db_index=True)
    description = models.TextField(blank=True)
    website = models.URLField(max_length=500, blank=True)
    # Person, e-mail, phone: shown to a buyer only once both sides opted in.
    contact = models.JSONField(default=dict, blank=True)
    founded_year = models.PositiveSmallIntegerField(null=True, blank=True)
    team_size = models.PositiveIntegerField(null=True, blank=True)
    hourly_rate_min_usd = models.PositiveIntegerField(null=True, blank=True)
    hourly_rate_max_usd = models.PositiveIntegerField(null=True, blank=True)
    min_project_usd = models.PositiveBigIntegerField(null=True, blank=True)
    # [{"name": "Mobile App Development", "share": 40}, {"name": "…", "share": null}]
    services = models.JSONField(default=list, blank=True)
    technologies = models.JSONField(default=list, blank=True)
    industries = models.JSONField(default=list, blank=True)
    certifications = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    export_markets = models.JSONField(default=list, blank=True)
    working_hours_start_utc = models.PositiveSmallIntegerField(null=True, blank=True)
    working_hours_end_utc = models.PositiveSmallIntegerField(null=True, blank=True)
    # Case studies, each an interchange portfolio object (title, client, client_country,
    # industry, services, technologies, year, value_usd, description, unknown keys).
    # Always read and written with the profile, so stored with it.
    portfolio = models.JSONField(default=list, blank=True)
    # Stated by the firm (claims) or recorded by officers; what is verified, by whom,
    # with what evidence and until when is in ``verified`` (vendors.verification).
    registrations = models.JSONField(default=dict, blank=True)
    verified = models.JSONField(default=dict, blank=True)
    unverified_claims = models.PositiveSmallIntegerField(
        default=0, db_index=True, help_text="claims waiting for an officer"
    )
    # An imported rating (from elsewhere; shown as such) ...
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(null=True, blank=True)
    # ... and the one computed from buyers' reviews of deals through Raabta, shrunk
    # towards the mean of all reviews (matchmaking.pipeline.reviews); it wins where both exist.
    review_average = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    review_count = models.PositiveIntegerField(default=0)
    # The reciprocal side: which buyers the firm wants.
    preferred_min_budget_usd = models.PositiveBigIntegerField(null=True, blank=True)
    preferred_industries = models.JSONField(default=list, blank=True)
    preferred_countries = models.JSONField(default=list, blank=True)
    preferred_engagement_models = models.JSONField(default=list, blank=True)
    extra = models.JSONField(default=dict, blank=True, help_text="Unknown keys from imports")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hourly_rate_min_usd__lte=models.F("hourly_rate_max_usd"))
                | Q(hourly_rate_min_usd__isnull=True)
                | Q(hourly_rate_max_usd__isnull=True),
                name="vendor_rate_band_ordered",
            ),
            models.CheckConstraint(
                condition=Q(working_hours_start_utc__lte=23)
                | Q(working_hours_start_utc__isnull=True),
                name="vendor_working_hours_start_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.external_id})"


class VendorMember(models.Model):
    """A user who speaks for one firm; a user belongs to at most one firm."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vendor_membership"
    )
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="members")
    # A weekly e-mail of new open briefs that fit the firm (matchmaking.curation.opportunities).
    opportunity_digest = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} @ {self.vendor}"


class FirmStat(models.Model):
    """How often a firm was seen, per day: profile views, search appearances and
    clicks from search (``vendors.insights``). Incremented in the background with one
    atomic upsert per batch, so concurrent requests never lose a count."""

    class Kind(models.TextChoices):
        PROFILE_VIEW = "profile_view", "Profile views"
        SEARCH_APPEARANCE = "search_appearance", "Search appearances"
        SEARCH_CLICK = "search_click", "Clicks from search"

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vendor", "day", "kind"], name="one_stat_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.vendor_id} {self.day} {self.kind}: {self.count}"
