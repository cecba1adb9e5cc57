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

    # PROTECT: labels and deals outlive a firm or brief (which are archived, not deleted).
    brief = models.ForeignKey("buyers.Brief", on_delete=models.PROTECT, related_name="outcomes")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="outcomes")
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


class RejectReason(models.TextChoices):
    POOR_FIT = "poor_fit", "Does not fit the brief"
    BUDGET = "budget", "Outside the budget"
    CAPACITY = "capacity", "No capacity or too small"
    CERTIFICATION = "certification", "Lacks a required certification"
    UNVERIFIED = "unverified", "Profile not verified"
    DUPLICATE = "duplicate", "Duplicate of another match"
    OTHER = "other", "Other (see note)"


class Curation(models.Model):
    """A brief in the officers' curation queue: opened when matches are suggested for it,
    closed by an officer (or when its last suggestion is decided)."""

    brief = models.OneToOneField("buyers.Brief", on_delete=models.CASCADE, related_name="curation")
    officer = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="the officer who took the brief",
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"curation of {self.brief_id} ({'closed' if self.closed_at else 'open'})"


class Match(models.Model):
    """A vendor suggested for (or added to) a brief, and the officer's decision on it.

    ``rank``, ``score`` and ``ranker`` are where and how the match was shown when it was
    suggested, kept with the decision so training can correct for position. ``version``
    is the optimistic lock: a decision names the version it saw, and loses with 409 if
    another officer decided first."""

    class State(models.TextChoices):
        SUGGESTED = "suggested"
        APPROVED = "approved"
        REJECTED = "rejected"

    class Source(models.TextChoices):
        RANKER = "ranker"
        OFFICER = "officer"  # hand-added by an officer
        BUYER = "buyer"  # the buyer asked for an introduction to this firm
        EVENT = "event"  # they met at a trade event (``events``)
        FIRM = "firm"  # the firm raised its hand on the brief (``opportunities``)

    brief = models.ForeignKey("buyers.Brief", on_delete=models.PROTECT, related_name="matches")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="matches")
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUGGESTED)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.RANKER)
    pinned = models.BooleanField(default=False)
    rank = models.PositiveIntegerField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    ranker = models.CharField(max_length=32, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    gaps = models.JSONField(
        default=list, blank=True, help_text="what the firm lacks that the brief asks for"
    )
    features = models.JSONField(
        default=dict, blank=True, help_text="feature: [value, contribution]"
    )
    note = models.TextField(blank=True)
    reject_reason = models.CharField(max_length=16, choices=RejectReason.choices, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["brief_id", "-pinned", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["brief", "vendor"], name="one_match_per_pair"),
        ]

    def __str__(self) -> str:
        return f"match {self.pk}: {self.brief_id}/{self.vendor_id} ({self.state})"


class Introduction(models.Model):
    """An approved match on its way to a deal.

    Mutual opt-in first: the vendor is invited without learning who the buyer is
    (``awaiting_vendor``); once it accepts, the buyer is asked to confirm
    (``awaiting_buyer``); then both are ``introduced`` and see each other. The pipeline
    continues meeting → proposal → won / lost (see ``matchmaking.pipeline.introductions``)."""

    class Stage(models.TextChoices):
        AWAITING_VENDOR = "awaiting_vendor"
        AWAITING_BUYER = "awaiting_buyer"
        DECLINED = "declined"
        INTRODUCED = "introduced"
        MEETING = "meeting"
        PROPOSAL = "proposal"
        WON = "won"
        LOST = "lost"

    match = models.OneToOneField(Match, on_delete=models.CASCADE, related_name="introduction")
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.AWAITING_VENDOR)
    declined_by = models.CharField(max_length=8, blank=True, help_text="vendor or buyer")
    stage_changed_at = models.DateTimeField()
    moved_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    introduced_at = models.DateTimeField(null=True, blank=True)
    meeting_at = models.DateTimeField(null=True, blank=True)
    proposal_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    deal_value = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    deal_currency = models.CharField(max_length=3, blank=True)
    deal_value_usd = models.PositiveBigIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-stage_changed_at", "-id"]

    def __str__(self) -> str:
        return f"introduction {self.pk} ({self.stage})"


class Shortlisted(models.Model):
    """A firm a buyer keeps on a brief's shortlist (to compare, or to ask for an
    introduction later). The buyer's own list; officers see it on the review."""

    brief = models.ForeignKey("buyers.Brief", on_delete=models.CASCADE, related_name="shortlisted")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["brief", "vendor"], name="shortlisted_once")]

    def __str__(self) -> str:
        return f"{self.vendor_id} on the shortlist of {self.brief_id}"


class Message(models.Model):
    """One message in an introduction's conversation: both parties' members and the
    officers post; nobody else reads it (``matchmaking.pipeline.conversations``)."""

    introduction = models.ForeignKey(
        Introduction, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"message {self.pk} on introduction {self.introduction_id}"


class ThreadRead(models.Model):
    """How far one user has read one conversation: the last message id they saw."""

    introduction = models.ForeignKey(Introduction, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    last_read = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["introduction", "user"], name="one_read_mark")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.introduction_id} to {self.last_read}"


class DealReview(models.Model):
    """A buyer's review of a firm after a deal introduced through Raabta (won or lost):
    three scores and a text, once per introduction; the firm may answer once. The
    firm's rating is computed from these (``matchmaking.pipeline.reviews``)."""

    introduction = models.OneToOneField(
        Introduction, on_delete=models.PROTECT, related_name="review"
    )
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    quality = models.PositiveSmallIntegerField()
    communication = models.PositiveSmallIntegerField()
    delivery = models.PositiveSmallIntegerField()
    text = models.TextField()
    reply = models.TextField(blank=True)
    replied_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quality__range=(1, 5))
                & models.Q(communication__range=(1, 5))
                & models.Q(delivery__range=(1, 5)),
                name="review_scores_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"review of {self.vendor_id} for introduction {self.introduction_id}"

    @property
    def average(self) -> float:
        return (self.quality + self.communication + self.delivery) / 3
